"""Every write to the archive goes through here: admin, commands and tests alike.

Parsing is archive.ingest's job; this module never parses text itself, it only asks
archive.ingest to parse and saves what comes back. Each article is saved in its own
transaction, so one failure never half-saves it or stops the others.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from archive import history, ingest
from archive.ingest import Limits, Outcome, ParsedArticle
from archive.ingest.parallel import parse_bounded, parse_stream
from archive.models import Article, Author, Original, Source, Tag
from archive.sanitize import clean_name
from archive.signatures import clean_and_sign_ahead

log = logging.getLogger(__name__)

IMPORTED, DUPLICATE, FAILED, UPDATED = "imported", "duplicate", "failed", "updated"
SKIPPED = "skipped"  # not an article, and no failure: a web archive's images, redirects, …
NO_TEXT = "no article text left after cleaning"


@dataclass
class SaveResult:
    """What became of one document: imported, duplicate, failed or updated."""

    status: str
    name: str = ""
    article: Article | None = None
    message: str = ""
    changed: tuple[str, ...] = ()  # a re-parse: the fields it changed (REPARSE_FIELDS)


# What a re-parse reports as changed, each read off a saved article.
REPARSE_FIELDS = {
    "title": lambda a: a.title,
    "published": lambda a: (a.published, a.published_time),
    "authors": lambda a: sorted((x.kind, x.name) for x in a.authors.all()),
    "source": lambda a: a.source.name if a.source_id else "",
    "tags": lambda a: sorted((t.kind, t.name) for t in a.tags.all()),
    "standfirst": lambda a: a.standfirst,
    "body": lambda a: a.body_html,
    "language": lambda a: a.language,
}


def _snapshot(article: Article) -> dict:
    return {name: read(article) for name, read in REPARSE_FIELDS.items()}


@dataclass
class ImportReport:
    results: list[SaveResult] = field(default_factory=list)
    update: bool = False  # an import --update: the summary also counts the updated

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def summary(self) -> str:
        line = (
            f"imported {self.count(IMPORTED)}, duplicates {self.count(DUPLICATE)}, "
            f"failed {self.count(FAILED)}"
        )
        return line + (f", updated {self.count(UPDATED)}" if self.update else "")


def _split_published(value) -> tuple[dt.date | None, dt.time | None]:
    if isinstance(value, dt.datetime):
        return value.date(), value.time().replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value, None
    return None, None


def _find_duplicate(article: Article, source: str = "", *, update: bool = False) -> Article | None:
    """The article `article` would duplicate: the one at its original URL, or one with the
    same text from the same source (`source`: the publisher's name, "" for none). The same
    text from another source is not a duplicate but a copy, kept and joined to a story;
    with `update` (import --update, which may change the source) it is the file's article:
    the one from that source if any, else the first with that text."""
    # Each lookup must be an index seek: the importer makes one per article, so a scan here
    # makes a bulk import quadratic. The exclude() lets SQLite use the partial unique index on
    # original_url (its WHERE clause must be implied by the query); order_by() drops the
    # default ordering's sort.
    if article.original_url:
        found = (
            Article.objects.filter(original_url=article.original_url)
            .exclude(original_url="")
            .order_by()
            .first()
        )
        if found:
            return found
    same_text = Article.objects.filter(content_hash=article.content_hash).select_related("source")
    same_text = list(same_text.order_by("pk")[:50])
    found = _from_source(same_text, source)
    return found or (same_text[0] if update and same_text else None)


def _from_source(articles: Iterable[Article], source: str) -> Article | None:
    """The first of `articles` from the source named `source` (none: from no source)."""
    wanted = _name(source, 200).casefold()
    for found in articles:
        if (found.source.name.casefold() if found.source_id else "") == wanted:
            return found
    return None


class NameCache:
    """A per-import cache of sources, authors and tags by name: each looked up once.

    A newsroom's import names the same few hundred of them over and over; a query per name
    per article was a sixth of the import's time. Only rows that exist are remembered (a row
    created by a transaction that then fails is forgotten with everything else: forget()).
    """

    def __init__(self):
        self._found: dict[tuple, object] = {}

    def get(self, key: tuple, lookup):
        found = self._found.get(key)
        if found is None:
            found = lookup()
            if found is not None:
                self._found[key] = found
        return found

    def forget(self) -> None:
        self._found.clear()


def _name(raw: str, longest: int) -> str:
    """A name as it is stored (spaces folded, controls gone: clean_name, as the models' save()
    does) and looked up: "Middle  East" and "The\tGuardian" find the rows of their plain forms
    instead of failing on the unique name."""
    return clean_name(raw or "")[:longest].strip()


def _source(name: str, names: NameCache) -> Source | None:
    name = _name(name, 200)
    if not name:
        return None
    found = names.get(("source", name), Source.objects.filter(name__iexact=name).first)
    return found or Source.objects.get_or_create(name=name)[0]


def _authors(
    given: Iterable[str], names: NameCache, organisations: Iterable[str] = ()
) -> list[Author]:
    """The people, then the organisations credited (an agency, a publisher), as Authors."""
    authors = []
    credits = [(n, Author.Kind.PERSON) for n in given] + [
        (n, Author.Kind.ORGANISATION) for n in organisations
    ]
    seen = set()
    for raw, kind in credits:
        name = _name(raw, 200)
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        found = names.get(("author", name), Author.objects.filter(name__iexact=name).first)
        authors.append(found or Author.objects.get_or_create(name=name, defaults={"kind": kind})[0])
    return authors


def _credits(parsed: ParsedArticle, names: NameCache) -> list[Author]:
    return _authors(parsed.authors, names, parsed.organisations)


def _tags(pairs: Iterable[tuple[str, str]], names: NameCache) -> list[Tag]:
    tags = []
    for kind, name in dict.fromkeys((k, _name(n, 100)) for k, n in pairs if _name(n, 100)):
        kind = kind if kind in Tag.Kind.values else Tag.Kind.KEYWORD
        lookup = Tag.objects.filter(kind=kind, name__iexact=name).first
        found = names.get(("tag", kind, name), lookup)
        tags.append(found or Tag.objects.get_or_create(kind=kind, name=name)[0])
    return tags


def _link_new(article: Article, authors: list[Author], tags: list[Tag]) -> None:
    """A new article's authors and tags, one INSERT each. Its post_save already put it in
    the index outbox, so the m2m signals (one more outbox row each) are not needed."""
    for through, column, objs in (
        (Article.authors.through, "author_id", authors),
        (Article.tags.through, "tag_id", tags),
    ):
        pks = dict.fromkeys(o.pk for o in objs)  # "Ann" and "ANN" are one author
        through.objects.bulk_create([through(article_id=article.pk, **{column: pk}) for pk in pks])


def _fill(article: Article, parsed: ParsedArticle) -> None:
    """Copy what parsing found onto the article (not the source: that is a write)."""
    article.title = parsed.title or "Untitled"
    article.title_derived = parsed.title_derived or not parsed.title
    article.standfirst = parsed.standfirst
    article.body_html = parsed.body_html
    article.original_url = (parsed.original_url or "")[:2000]
    article.original_source = (parsed.original_source or "")[:200]
    article.published, article.published_time = _split_published(parsed.published)
    article.language = (parsed.language or "")[:12]
    article.captured = parsed.captured
    article.refresh_derived_fields(cleaned=parsed.cleaned, texts=parsed.texts, hashes=parsed.hashes)
    # The story signature a parse worker made (archive.stories uses it when the text matches).
    article.signed_ahead = parsed.signed


def _fill_original(original: Original, parsed: ParsedArticle, source_given: str) -> None:
    original.raw = parsed.raw
    original.name = parsed.raw_name[:500]
    original.format = parsed.raw_format
    original.source_given = source_given[:200]
    original.extra = parsed.extra
    original.removed = [vars(r) for r in parsed.removed]
    original.warnings = list(parsed.warnings)


def save_article(
    *,
    parsed: ParsedArticle,
    source: str = "",
    name: str = "",
    names: NameCache | None = None,
    update: bool = False,
    user=None,
) -> SaveResult:
    """Save one parsed article in its own transaction, unless it duplicates one we have.

    `source` is the publisher the user named (it wins over what the text says); `names`
    remembers sources, authors and tags across the articles of one import. With `update`,
    an article we have (same original URL or same text) is updated in place from `parsed`
    instead, recorded as a revision by `user`. Returns a SaveResult with status imported,
    duplicate (with the article it duplicates), updated or failed.
    """
    name = name or parsed.raw_name
    names = names or NameCache()
    article, existing = preview_article(parsed, source=source, update=update)
    if not article.body_text:
        return SaveResult(FAILED, name, message=NO_TEXT)
    if existing and update:
        return _update(existing, parsed, source=source, name=name, names=names, user=user)
    if existing:
        return _duplicate(name, existing)
    try:
        with transaction.atomic():
            article.source = _source(source or parsed.source, names)
            article.save()
            _link_new(article, _credits(parsed, names), _tags(parsed.tags, names))
            original = Original(article=article)
            _fill_original(original, parsed, source)
            original.save()
    except BaseException as exc:
        names.forget()  # what it found or made may be rolled back, or deleted meanwhile
        if not isinstance(exc, IntegrityError):
            raise
        # Another writer saved the same article between our check and our insert.
        existing = _find_duplicate(article, source or parsed.source)
        if existing:
            return _duplicate(name, existing)
        raise
    return SaveResult(IMPORTED, name, article, _copy_note(article))


def _copy_note(article: Article) -> str:
    """ "copy of article N (story S)" for an article that joined a story (N: the story's
    earliest other article), else ""."""
    from archive.story_pages import earliest_other

    original = earliest_other(article)
    return f"copy of article {original} (story {article.story_id})" if original else ""


def _duplicate(name: str, existing: Article) -> SaveResult:
    return SaveResult(
        DUPLICATE, name, existing, f"duplicate of article {existing.pk} ({existing.title[:80]})"
    )


def _refill(
    article: Article, parsed: ParsedArticle, *, source: str, source_given: str, names: NameCache
) -> None:
    """An existing article (and its original) made over from a new parse, in place: the
    same id, its story, history and slug kept. Inside the caller's transaction."""
    _fill(article, parsed)
    article.source = _source(source or parsed.source, names)
    article.save()
    article.authors.set(_credits(parsed, names))
    article.tags.set(_tags(parsed.tags, names))
    original = getattr(article, "original", None) or Original(article=article)
    _fill_original(original, parsed, source_given)
    original.save()


def _update(
    existing: Article, parsed: ParsedArticle, *, source: str, name: str, names: NameCache, user
) -> SaveResult:
    before = history.snapshot(existing)
    try:
        with transaction.atomic():
            _refill(existing, parsed, source=source, source_given=source, names=names)
            history.record(article=existing, before=before, kind="update", user=user, note=name)
    except IntegrityError:
        names.forget()
        existing.refresh_from_db()
        return SaveResult(
            FAILED, name, existing, f"updating article {existing.pk}: the new text or URL "
            "is another article's",
        )  # fmt: skip
    return SaveResult(UPDATED, name, existing, f"updated article {existing.pk}")


def reparse_article(*, article: Article, user=None) -> SaveResult:
    """Parse an article again from its raw original with today's rules, and save the result.

    Editorial changes to fields the parser fills are replaced (the revision recorded for
    `user` keeps them, for a revert); the raw original is kept.
    """
    original = getattr(article, "original", None)
    if original is None:
        return SaveResult(FAILED, str(article.pk), article, "no raw original is stored")
    outcomes = parse_bounded(
        bytes(original.raw), name=original.name, format=original.format or "auto",
        source=original.source_given,
    )  # fmt: skip
    parsed = next((o.article for o in outcomes if o.article), None)
    if parsed is None:
        errors = "; ".join(o.error for o in outcomes if o.error) or "nothing parsed"
        return SaveResult(FAILED, original.name, article, errors)
    parsed.raw = bytes(original.raw)  # the original stays exactly as it was
    before = history.snapshot(article)
    fields_before = _snapshot(article)  # for the report of what re-parsing changed
    try:
        with transaction.atomic():
            given = original.source_given
            _refill(article, parsed, source=given, source_given=given, names=NameCache())
            history.record(article=article, before=before, kind="reparse", user=user)
    except IntegrityError:
        return SaveResult(
            FAILED, original.name, article, "re-parsed text duplicates another article"
        )
    after = _snapshot(article)
    changed = tuple(name for name in REPARSE_FIELDS if fields_before[name] != after[name])
    return SaveResult(UPDATED, original.name, article, changed=changed)


def _unparsed(outcome: Outcome) -> SaveResult:
    if outcome.skipped:
        return SaveResult(SKIPPED, outcome.name, message=outcome.skipped)
    if outcome.repeats:
        return SaveResult(DUPLICATE, outcome.name, message=f"repeats {outcome.repeats} exactly")
    return SaveResult(FAILED, outcome.name, message=outcome.error)


def save_outcomes(
    outcomes: Iterable[Outcome],
    *,
    source: str = "",
    names: NameCache | None = None,
    update: bool = False,
    user=None,
) -> list[SaveResult]:
    """Save each parsed outcome (see save_article); errors from parsing become failed
    results."""
    results = []
    names = names or NameCache()
    for outcome in outcomes:
        if outcome.article is None:
            results.append(_unparsed(outcome))
            continue
        try:
            results.append(
                save_article(
                    parsed=outcome.article,
                    source=source,
                    name=outcome.name,
                    names=names,
                    update=update,
                    user=user,
                )  # fmt: skip
            )
        except Exception as exc:  # one broken document never stops the batch
            log.exception("could not save %s", outcome.name)
            results.append(SaveResult(FAILED, outcome.name, message=f"could not save: {exc}"))
    return results


def import_paths(
    paths: Iterable[str],
    *,
    source: str = "",
    format: str = "auto",
    dry_run: bool = False,
    update: bool = False,
    limits: Limits | None = None,
    on_result: Callable[[SaveResult], None] | None = None,
    on_indexing: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import files, folders and zip archives; each article in its own transaction.

    `on_indexing(n)` hears, once every article is saved, how many the search index has
    still to catch up with (it is written beside the saving, and the import returns when
    it has caught up).

    With `update`, a document whose article the archive holds updates it in place (see
    save_article). With dry_run nothing is saved: parsed articles are reported as imported
    ("would import"), except those the database already holds, reported as duplicates (as
    updated, "would update", with `update`).
    """
    from search.index_writer import batched_index_updates

    report = ImportReport(update=update)
    limits = limits or Limits()
    documents = ingest.iter_documents(paths, limits=limits)
    parsed = parse_stream(
        documents, format=format, source=source, limits=limits,
        workers=settings.IMPORT_WORKERS, finish=clean_and_sign_ahead,
    )  # fmt: skip
    names = NameCache()
    with batched_index_updates(writer_process=not dry_run, on_catching_up=on_indexing):
        for outcomes in parsed:
            if dry_run:
                results = _dry_run(outcomes, update=update, source=source)
            else:
                results = save_outcomes(outcomes, source=source, names=names, update=update)
            for result in results:
                report.results.append(result)
                if on_result:
                    on_result(result)
    return report


def preview_article(
    parsed: ParsedArticle, source: str = "", *, update: bool = False
) -> tuple[Article, Article | None]:
    """What saving would make of `parsed`, without saving: an unsaved article with its
    derived fields (sanitized body, text, word count), and the article it duplicates, if any
    (`source`, the publisher the user named, wins over the text's as in save_article)."""
    article = Article()
    _fill(article, parsed)
    found = (
        _find_duplicate(article, source or parsed.source, update=update)
        if article.body_text
        else None
    )
    return article, found


def preview_articles(
    parsed: list[ParsedArticle], source: str = ""
) -> list[tuple[Article, Article | None]]:
    """preview_article() of many, with the duplicates looked up a few hundred at a time (an
    upload's preview of 10,000 files made 10,000 look-ups)."""
    probes = []
    for one in parsed:
        article = Article()
        _fill(article, one)
        probes.append(article)
    urls = _existing("original_url", [a.original_url for a in probes if a.original_url])
    hashes = _existing("content_hash", [a.content_hash for a in probes if a.body_text])
    return [
        (a, _previewed(a, one, urls, hashes, source) if a.body_text else None)
        for a, one in zip(probes, parsed, strict=True)
    ]


def _previewed(article, parsed, urls, hashes, source) -> Article | None:
    found = urls.get(article.original_url, [None])[0]
    return found or _from_source(hashes.get(article.content_hash, []), source or parsed.source)


def _existing(field_name: str, values: list[str], chunk: int = 500) -> dict[str, list[Article]]:
    found: dict[str, list[Article]] = {}
    values = list(dict.fromkeys(values))
    for start in range(0, len(values), chunk):
        rows = Article.objects.filter(**{f"{field_name}__in": values[start : start + chunk]})
        for a in rows.select_related("source").order_by("pk"):
            found.setdefault(getattr(a, field_name), []).append(a)
    return found


def _dry_run(
    outcomes: Iterable[Outcome], *, update: bool = False, source: str = ""
) -> list[SaveResult]:
    results = []
    for outcome in outcomes:
        if outcome.article is None:
            results.append(_unparsed(outcome))
            continue
        article, existing = preview_article(outcome.article, source=source, update=update)
        if existing and update:
            message = f"would update article {existing.pk}"
            results.append(SaveResult(UPDATED, outcome.name, existing, message))
        elif existing:
            results.append(_duplicate(outcome.name, existing))
        elif not article.body_text:
            results.append(SaveResult(FAILED, outcome.name, message=NO_TEXT))
        else:
            results.append(SaveResult(IMPORTED, outcome.name, message="would import"))
    return results


def apply_corrections(*, parsed: ParsedArticle, corrections: dict) -> None:
    """An editor's corrections from the upload preview, onto the parsed article before it is
    saved: `title`, `published` (a date, or None for "no date"), `authors` (names). A
    corrected source is the `source` given to save_article, where it wins like --source."""
    if corrections.get("title"):
        parsed.title = corrections["title"]
        parsed.title_derived = False
    if "published" in corrections:
        value = corrections["published"]
        parsed.published = dt.date.fromisoformat(value) if value else None
    if "authors" in corrections:
        parsed.authors = list(corrections["authors"])
    if "source" in corrections:  # "" when the editor cleared it: no source
        parsed.source = corrections["source"]


# --- Editors' bulk changes and reverts --------------------------------------------------------
BULK_CHANGES = ("source", "published", "language", "add_tags", "remove_tags", "publish", "hide")


def bulk_edit_articles(*, article_ids: Iterable[int], change: str, value=None, user=None) -> int:
    """One change to many articles, in one transaction, each recorded as a revision by
    `user`; the index is brought up to date after the commit. Returns how many articles.

    change is one of BULK_CHANGES: "source" (value: a name, "" for unknown), "published"
    (a date or None), "language" (a code or ""), "add_tags" / "remove_tags" (value:
    [(kind, name), ...]), "publish" and "hide" (no value).
    """
    from search.outbox import enqueue

    if change not in BULK_CHANGES:
        raise ValueError(f"unknown bulk change {change!r}")
    ids = sorted(set(article_ids))
    with transaction.atomic():
        ids = list(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
        fields = _BULK_FIELDS.get(change, (change,))
        before = history.snapshots(ids, fields)
        _BULK[change](Article.objects.filter(pk__in=ids), value)
        Article.objects.filter(pk__in=ids).update(updated=timezone.now())
        note = _bulk_note(change, value)
        history.record_many(before=before, kind="bulk", user=user, note=note, fields=fields)
        enqueue(ids)  # queryset updates send no signals: the outbox is told here
    return len(ids)


def _bulk_note(change: str, value) -> str:
    if change in ("add_tags", "remove_tags"):
        value = ", ".join(name for _kind, name in value)
    return f"{change.replace('_', ' ')}: {value}" if value not in (None, "") else change


def _set_source(qs, name: str) -> None:
    qs.update(source=_source(name or "", NameCache()))


def _set_published(qs, day: dt.date | None) -> None:
    qs.update(published=day, published_time=None)


def _set_language(qs, code: str) -> None:
    qs.update(language=(code or "")[:12])


def _add_tags(qs, pairs) -> None:
    through = Article.tags.through
    tags = _tags(pairs, NameCache())
    rows = [
        through(article_id=pk, tag_id=t.pk) for pk in qs.values_list("pk", flat=True) for t in tags
    ]
    through.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


def _remove_tags(qs, pairs) -> None:
    wanted = Q()
    for kind, name in pairs:
        wanted |= Q(kind=kind, name__iexact=clean_name(name))
    tags = Tag.objects.filter(wanted) if pairs else Tag.objects.none()
    Article.tags.through.objects.filter(article__in=qs, tag__in=tags).delete()


# The tracked fields (archive.history) each bulk change may touch.
_BULK_FIELDS = {
    "published": ("published", "published_time"),
    "add_tags": ("tags",),
    "remove_tags": ("tags",),
    "publish": ("is_public",),
    "hide": ("is_public",),
}

_BULK = {
    "source": _set_source,
    "published": _set_published,
    "language": _set_language,
    "add_tags": _add_tags,
    "remove_tags": _remove_tags,
    "publish": lambda qs, _value: qs.update(is_public=True),
    "hide": lambda qs, _value: qs.update(is_public=False),
}


def revert_revision(*, revision, user=None) -> SaveResult:
    """Put back the fields `revision` changed, as they were before it (the article's other
    fields stay as they are now); recorded as a revision of its own and re-indexed after
    commit. Failed, changing nothing, when the old text is now another article's."""
    article = revision.article
    before = history.snapshot(article)
    names = NameCache()
    try:
        with transaction.atomic():
            for field_name, (old, _new) in revision.changes.items():
                _restore(article, field_name, old, names)
            article.save()
            history.record(
                article=article, before=before, kind="revert", user=user,
                note=f"revision {revision.pk}",
            )  # fmt: skip
    except IntegrityError:
        article.refresh_from_db()
        return SaveResult(FAILED, str(article.pk), article, "the old text is another article's")
    return SaveResult(UPDATED, str(article.pk), article, f"reverted revision {revision.pk}")


def _restore(article: Article, field_name: str, old, names: NameCache) -> None:
    if field_name == "source":
        article.source = _source(old or "", names)
    elif field_name == "authors":
        article.authors.set(_authors(old or [], names))
    elif field_name == "tags":
        article.tags.set(_tags([tuple(t) for t in old or []], names))
    elif field_name == "published":
        article.published = dt.date.fromisoformat(old) if old else None
    elif field_name == "published_time":
        article.published_time = dt.time.fromisoformat(old) if old else None
    elif field_name in history.TRACKED:
        setattr(article, field_name, old if old is not None else "")
