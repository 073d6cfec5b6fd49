"""Sources, authors, tags and articles; public reads are ArticleQuerySet methods."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from archive.ingest.types import EARLIEST_DATE, LATEST_DATE
from archive.sanitize import clean_html, clean_name, content_hash, html_to_text, web_url


def unique_slug(model, value: str, *, max_length: int = 200, fallback: str = "item") -> str:
    """A slug for `value` that no row of `model` uses yet ("name", "name-2", ...)."""
    base = slugify(value, allow_unicode=False)[:max_length].strip("-") or fallback
    slug, n = base, 1
    while model._default_manager.filter(slug=slug).exists():
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
    return slug


class _Named(models.Model):
    """A source or an author: a unique name, and a slug made from it once."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)

    url_name = ""  # the archive page listing its articles

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_name(self.name)
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, fallback=self.url_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(f"archive:{self.url_name}", args=[self.slug])


class Source(_Named):
    """A publisher: a newspaper, agency or site."""

    homepage = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)

    url_name = "source"

    class Meta(_Named.Meta):
        pass


class Author(_Named):
    """A credit of an article: a person, or an organisation (a news agency, a publisher)
    credited where an author stands ("By AP", "Von dpa"), which readers facet by too."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSON)

    url_name = "author"

    class Meta(_Named.Meta):
        pass

    @property
    def is_organisation(self) -> bool:
        return self.kind == self.Kind.ORGANISATION


class Tag(models.Model):
    class Kind(models.TextChoices):
        REGION = "region", "Region"
        THEME = "theme", "Theme"
        CATEGORY = "category", "Category"
        KEYWORD = "keyword", "Keyword"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.KEYWORD)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="tag_kind_name_uniq")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_name(self.name)
        if not self.slug:
            # "Europe" may be both a region and a keyword; the second gets "europe-keyword".
            base = slugify(self.name) or "tag"
            taken = Tag.objects.filter(slug=base).exists()
            self.slug = unique_slug(Tag, f"{base}-{self.kind}" if taken else base, fallback="tag")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("archive:tag", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    """The public reads. "What is public" is defined here once (public()); the search index
    reuses it."""

    def public(self):
        return self.filter(is_public=True)

    def public_by_date(self):
        """public(), for reading in date order: `is_public IN (1)` beside public()'s bare
        `is_public` makes SQLite seek article_public_date (is_public, published, id) and walk
        it in date order; for the bare column it reads every row (past its body) and sorts:
        0.5-2 s per list or archive page at 100k articles."""
        return self.public().filter(is_public__in=[True])

    def from_source(self, source):
        return self.filter(source=source)

    def by_author(self, author):
        return self.filter(authors=author)

    def with_tag(self, tag):
        return self.filter(tags=tag)

    def between(self, start: dt.date | None = None, end: dt.date | None = None):
        """Articles published from `start` to `end`, both inclusive; either may be None."""
        qs = self
        if start:
            qs = qs.filter(published__gte=start)
        if end:
            qs = qs.filter(published__lte=end)
        return qs

    def public_counts_by_source(self) -> dict[int, int]:
        """{source id: number of public articles}, read from two indexes without visiting a
        row: (source, published) for every article, minus the few non-public ones found by
        seeking (is_public, published, id). Counting through the rows took 230 ms at 100,000
        articles; this takes a few."""
        hidden = self.filter(is_public__in=[False]).values("pk")
        rows = (
            self.filter(source__isnull=False)
            .exclude(pk__in=hidden)
            .values_list("source")
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        return dict(rows)

    def without_source(self):
        return self.filter(source__isnull=True)

    def undated(self):
        return self.filter(published__isnull=True)

    def newest(self):
        return self.order_by(models.F("published").desc(nulls_last=True), "-id")

    def oldest(self):
        return self.order_by(models.F("published").asc(nulls_last=True), "id")

    def for_listing(self):
        """What an article card shows, in a constant number of queries however many rows."""
        return self.select_related("source").prefetch_related("authors", "tags")


class Story(models.Model):
    """One story as several outlets published it: the articles whose texts are copies or near
    copies of one another (archive.stories groups them; the grouping is derived data)."""

    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "stories"

    def __str__(self):
        return f"story {self.pk}"

    def get_absolute_url(self):
        return reverse("archive:story", args=[self.pk])


class Article(models.Model):
    title = models.CharField(max_length=500)
    title_derived = models.BooleanField(
        default=False, help_text="The text had no title; this one was derived from the lead."
    )
    slug = models.SlugField(max_length=200, allow_unicode=False)
    standfirst = models.TextField("standfirst / lead", blank=True)
    body_html = models.TextField(help_text="Sanitized on every save.")
    body_text = models.TextField(editable=False, default="")
    original_url = models.URLField(max_length=2000, blank=True)
    original_source = models.CharField(
        max_length=200, blank=True, help_text="Where the publisher says it took the article from."
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    authors = models.ManyToManyField(Author, blank=True, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    published = models.DateField(
        null=True,
        blank=True,
        help_text="Publication date, when known.",
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
    )
    published_time = models.TimeField(null=True, blank=True, help_text="Time, when known.")
    captured = models.DateTimeField(
        null=True, blank=True, db_index=True,
        help_text="When a web archive captured the page (its WARC-Date); empty for files.",
    )  # fmt: skip
    language = models.CharField(max_length=12, blank=True)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # Not unique: the same text from another outlet is that outlet's own article (a copy,
    # joined to a story); the same text from the same source is refused (constraints below).
    content_hash = models.CharField(max_length=64, db_index=True, editable=False)
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles",
        editable=False,
    )  # fmt: skip
    is_public = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = [models.F("published").desc(nulls_last=True), "-id"]
        indexes = [
            models.Index(fields=["is_public", "published", "id"], name="article_public_date"),
            models.Index(fields=["source", "published"], name="article_source_date"),
            models.Index(fields=["created"], name="article_created"),
            # the size of each result's story, counted on every search (story_refs): an
            # index-only count; without it a story of 18,501 cost 36-50 ms a search at 100k
            models.Index(fields=["story", "is_public"], name="article_story_public"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["original_url"],
                condition=~Q(original_url=""),
                name="article_original_url_uniq",
            ),
            # Same text, same source: one article. NULLs are distinct in a unique index, so
            # the articles with no source have a constraint of their own.
            models.UniqueConstraint(
                fields=["content_hash", "source"], name="article_hash_source_uniq"
            ),
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=Q(source__isnull=True),
                name="article_hash_nosource_uniq",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self._derived_from != self._derivation_inputs():
            self.refresh_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("archive:article", args=[self.pk, self.slug])

    _derived_from = None

    def _derivation_inputs(self) -> tuple:
        return (self.title, self.standfirst, self.body_html, self.original_url)

    def refresh_derived_fields(
        self,
        cleaned: dict[str, str] | None = None,
        texts: dict[str, str] | None = None,
        hashes: dict[str, str] | None = None,
    ):
        """Sanitize the body and derive text, word count, hash and slug from it.

        Runs on every save, whoever saves (admin, importer, shell), so no unsanitized body
        can ever reach the database. `cleaned` holds clean_html() results already worked
        out for some texts (archive.sanitize.clean_ahead, in an import's parse workers),
        `texts` html_to_text() results of cleaned HTML (archive.signatures.clean_and_sign_ahead),
        `hashes` content_hash() results of texts (there too).
        """
        cleaned = cleaned or {}

        def clean(html: str) -> str:
            found = cleaned.get(html)
            return clean_html(html) if found is None else found

        self.body_html = clean(self.body_html)
        text = (texts or {}).get(self.body_html)
        self.body_text = html_to_text(self.body_html) if text is None else text
        self.word_count = len(self.body_text.split())
        known = (hashes or {}).get(self.body_text)
        self.content_hash = content_hash(self.body_text) if known is None else known
        self.standfirst = html_to_text(clean(self.standfirst))
        self.title = html_to_text(clean(self.title)).replace("\n", " ").strip()[:500]
        self.original_url = web_url(self.original_url)
        # Remember what was derived, so save() right after (the importer's path) need not run
        # bleach a second time; any later change to these fields derives again.
        self._derived_from = self._derivation_inputs()
        if not self.slug:
            self.slug = slugify(self.title)[:200].strip("-") or "article"

    @property
    def standfirst_is_separate(self) -> bool:
        """Whether the lead needs showing above the body: importers keep a lead that is also
        the body's first paragraph in the body, so every sentence stays in the text."""
        return bool(self.standfirst) and not self.body_text.startswith(self.standfirst[:300])

    @property
    def published_at(self) -> dt.datetime | dt.date | None:
        if self.published and self.published_time:
            return dt.datetime.combine(self.published, self.published_time)
        return self.published


class StorySignature(models.Model):
    """An article's MinHash signature over word shingles of its text (archive.stories), and
    the text it was made from (content_hash), so a stale one is known. Derived data."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="signature"
    )
    content_hash = models.CharField(max_length=64)
    minhash = models.BinaryField()  # num_perm unsigned 32-bit values (42: what the bands read)
    shingles = models.PositiveIntegerField()  # distinct shingles of the text
    # The shingles' 32-bit hashes, distinct and sorted (uint32): a candidate's side of the
    # exact comparison, so saving never reads nor shingles the candidates' texts. Empty in
    # signatures stored before it (check_stories --repair fills it).
    hashes = models.BinaryField(default=b"")
    # archive.signatures.signature_version() of what made it (the shingle hash's algorithm and
    # the policy's signing fields); 0: unknown (stored before versions were, or by a writer
    # that did not say), stale. Indexed: check_stories counts the others first, cheaply.
    version = models.PositiveIntegerField(db_default=0, db_index=True)

    def __str__(self):
        return f"signature of article {self.article_id}"


class StoryBand(models.Model):
    """One LSH band of an article's signature, as one 64-bit key (the band's number is hashed
    into it), so finding the articles that share any band with a new one is one indexed
    `key IN (...)` look-up in the save's own transaction, in every process alike.

    The (key, article) pair is the whole row and its primary key (on SQLite a WITHOUT ROWID
    table: one B-tree, no row id, no other index). No index by article: an article's rows
    are found by its keys (worked out from its stored MinHash, archive.stories), and they
    go with its signature when it is deleted (archive.stories.article_deleting)."""

    pk = models.CompositePrimaryKey("key", "article")
    key = models.BigIntegerField()
    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
        db_index=False,
    )  # fmt: skip

    def __str__(self):
        return f"band {self.key} of article {self.article_id}"


class Original(models.Model):
    """The raw document an article was parsed from, untouched, so it can be parsed again.

    Kept in its own table so that listing articles never reads the raw bytes.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="original")
    raw = models.BinaryField()
    name = models.CharField("file name", max_length=500, blank=True)
    format = models.CharField(max_length=20, blank=True)
    source_given = models.CharField(
        max_length=200, blank=True, help_text="The publisher named at import (--source)."
    )
    extra = models.JSONField(default=dict, blank=True, help_text="Keys the importer did not use.")
    removed = models.JSONField(default=list, blank=True, help_text="Lines the cleaner removed.")
    warnings = models.JSONField(default=list, blank=True)
    parsed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.name or f"original of article {self.article_id}"

    @property
    def raw_text(self) -> str:
        return bytes(self.raw).decode("utf-8", errors="replace")


class UploadJob(models.Model):
    """An admin upload the editor confirmed: saved outside the request, a document at a time.

    The report page reads it (and survives reload and Back); `heartbeat` tells a running job
    from one whose process died, so the page can resume it where it stopped.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "saving"
        DONE = "done", "done"
        FAILED = "failed", "stopped by an error"

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveIntegerField(default=0)
    options = models.JSONField(default=dict, blank=True)  # source, format, corrections, left out
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"upload {self.pk} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING


class UploadResult(models.Model):
    """What became of one document of a job; written in the transaction that saved it."""

    job = models.ForeignKey(UploadJob, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    status = models.CharField(max_length=10)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="upload_result_position_uniq")
        ]

    def __str__(self):
        return f"{self.name}: {self.status}"


class Revision(models.Model):
    """One change to an article: who, when, how, and each changed field's old and new value.

    Only what changed is kept (an import's first save is not a revision); `changes` is
    {field: [old, new]} with names for source, authors and tags, so a revision still reads
    right after those rows are renamed or deleted.
    """

    class Kind(models.TextChoices):
        EDIT = "edit", "admin edit"
        REPARSE = "reparse", "re-parse"
        UPDATE = "update", "import --update"
        BULK = "bulk", "bulk action"
        REVERT = "revert", "revert"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    user = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["article", "-created"], name="revision_article_created")]

    def __str__(self):
        return f"{self.get_kind_display()} of article {self.article_id}"


class FeedSubscription(models.Model):
    """An RSS or Atom feed followed by `capture_urls --subscriptions` (cron): each run
    captures the entries not yet archived; ETag and Last-Modified make an unchanged feed
    cost one request."""

    url = models.URLField("feed URL", max_length=2000, unique=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="Publisher of its articles (wins, like --source)."
    )
    active = models.BooleanField(default=True)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_checked = models.DateTimeField(null=True, blank=True, editable=False)
    last_result = models.CharField(max_length=500, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]

    def __str__(self):
        return self.url
