"""Reading stories: who published a story first, who copied it, how late, what they changed.

Reads only (the grouping itself is archive.stories). Only public articles are shown or
counted: a hidden copy is not to be known from a story page, a result or the API.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from archive.models import Article, Story
from archive.stories import jaccard, shingles

# Paragraphs this alike (difflib's ratio on their words) are one paragraph altered, not one
# removed and another added.
ALTERED_AT = 0.5


def _age(published, published_time, pk) -> tuple:
    """Oldest first, undated last, then by id: the order of a story's copies."""
    return (published is None, published or dt.date.min, published_time or dt.time.min, pk)


def _oldest_first(qs) -> list[Article]:
    return sorted(qs, key=lambda a: _age(a.published, a.published_time, a.pk))


def earliest_other(article: Article) -> int | None:
    """The id of the oldest other article of the article's story (any, public or not), or
    None. (Only the id: the import asks it of every copy it saves, and a whole row with its
    body was 2% of the saving's time.)"""
    if not article.story_id:
        return None
    others = Article.objects.filter(story_id=article.story_id).exclude(pk=article.pk)
    return others.oldest().values_list("pk", flat=True).first()


def story_refs(articles: Iterable[Article]) -> dict[int, dict | None]:
    """{article id: {"id": story id, "size": public articles in it}}, or None where the story
    has no other public copy; one query however many articles."""
    articles = list(articles)
    ids = {a.story_id for a in articles if a.story_id}
    sizes = dict(
        Article.objects.public().filter(story_id__in=ids)
        .values_list("story_id").annotate(n=Count("pk")).order_by()
    )  # fmt: skip
    return {
        a.pk: ({"id": a.story_id, "size": sizes[a.story_id]}
               if sizes.get(a.story_id, 0) > 1 else None)
        for a in articles
    }  # fmt: skip


def story_ref(article: Article) -> dict | None:
    return story_refs([article])[article.pk]


ALSO_SHOWN = 20  # other copies listed on an article's page; the story page pages them all


def also_published(article: Article) -> tuple[list[Article], int]:
    """The story's first other public articles, oldest first, and how many there are, for
    "Also published by N outlets": an article of a story of thousands lists 20 (listing all
    of 18,501 took 6 s an article page at 100k)."""
    if not article.story_id:
        return [], 0
    others = Article.objects.public().filter(story_id=article.story_id).exclude(pk=article.pk)
    # The list shows each copy's outlet and date: no authors or tags to fetch with them
    # (two queries fewer on every article page of a story), and no count unless it is full.
    shown = _oldest_first(others.oldest().select_related("source")[:ALSO_SHOWN])
    total = others.count() if len(shown) == ALSO_SHOWN else len(shown)
    return shown, total


# --- what each copy changed ---------------------------------------------------------------------
@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    altered: list[tuple[str, str]] = field(default_factory=list)  # (earliest's, this one's)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.altered)

    def summary(self) -> str:
        if self.unchanged:
            return "same text"
        parts = [
            (len(self.added), "added"), (len(self.removed), "removed"),
            (len(self.altered), "altered"),
        ]  # fmt: skip
        return ", ".join(f"{n} paragraph{'s' if n != 1 else ''} {what}" for n, what in parts if n)

    def as_json(self) -> dict:
        return {"added": len(self.added), "removed": len(self.removed),
                "altered": len(self.altered)}  # fmt: skip


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def paragraph_changes(earliest: str, text: str) -> Changes:
    """The paragraphs `text` added, removed or altered against `earliest` (texts as stored:
    paragraphs separated by blank lines)."""
    old, new = _paragraphs(earliest), _paragraphs(text)
    key = lambda p: " ".join(p.casefold().split())  # noqa: E731
    changes = Changes()
    matcher = difflib.SequenceMatcher(a=[key(p) for p in old], b=[key(p) for p in new],
                                      autojunk=False)  # fmt: skip
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "delete":
            changes.removed += old[i1:i2]
        elif op == "insert":
            changes.added += new[j1:j2]
        elif op == "replace":
            _pair_up(old[i1:i2], new[j1:j2], changes)
    return changes


def _pair_up(old: list[str], new: list[str], changes: Changes) -> None:
    """A replaced run: each old paragraph with its most alike new one, when alike enough."""
    left = list(new)
    for paragraph in old:
        scored = [(difflib.SequenceMatcher(a=paragraph.split(), b=n.split()).ratio(), n)
                  for n in left]  # fmt: skip
        best = max(scored, default=(0.0, None))
        if best[0] >= ALTERED_AT:
            changes.altered.append((paragraph, best[1]))
            left.remove(best[1])
        else:
            changes.removed.append(paragraph)
    changes.added += left


# --- one story, as its page and the API show it ---------------------------------------------------
@dataclass
class Copy:
    article: Article
    lag: str  # from the first: "first", "same day", "+2 days", "+3 h", "date unknown"
    similarity: float  # shingle Jaccard with the first
    changes: Changes
    credits: str  # where the publisher says it took it from (Article.original_source)


def lag_label(first: Article, article: Article) -> str:
    if article.pk == first.pk:
        return "first"
    a, b = first.published_at, article.published_at
    if a is None or b is None:
        return "date unknown"
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        hours = (b - a).total_seconds() / 3600
        if abs(hours) < 24:
            return "same time" if round(hours) == 0 else f"+{round(hours)} h"
    days = ((b.date() if isinstance(b, dt.datetime) else b)
            - (a.date() if isinstance(a, dt.datetime) else a)).days  # fmt: skip
    if days == 0:
        return "same day"
    return f"+{days} day{'s' if days != 1 else ''}"


STORY_PAGE = 50  # copies a story page shows (each compared with the earliest), and the API


def member_ids(story: Story | int) -> list[int]:
    """Ids of the story's public articles, oldest first (undated last): one query of three
    columns, so a story of thousands is counted and paged without loading its texts."""
    story_id = story.pk if isinstance(story, Story) else story
    rows = Article.objects.public().filter(story_id=story_id).order_by()
    rows = rows.values_list("published", "published_time", "pk")
    return [r[2] for r in sorted(rows, key=lambda r: _age(*r))]


def copies(ids: list[int], first_id: int) -> tuple[list[Copy], Copy]:
    """The Copies of `ids` (one page of member_ids, in its order) with their lag, likeness
    to the story's earliest copy `first_id` and what they changed against it (each is
    compared with it, shown on the page or not); and the earliest's own Copy."""
    loaded = {a.pk: a for a in Article.objects.filter(pk__in={first_id, *ids}).for_listing()}
    first = loaded[first_id]
    first_shingles = shingles(first.body_text)

    def copy(a: Article) -> Copy:
        return Copy(
            article=a,
            lag=lag_label(first, a),
            similarity=1.0 if a.pk == first.pk else round(
                jaccard(first_shingles, shingles(a.body_text)), 2),
            changes=Changes() if a.pk == first.pk else paragraph_changes(first.body_text,
                                                                         a.body_text),
            credits=a.original_source,
        )  # fmt: skip

    return [copy(loaded[pk]) for pk in ids if pk in loaded], copy(first)


def attribution(found: list[Copy]) -> list[str]:
    """The attribution chain, in words: who published first, then who republished it."""
    if not found:
        return []
    name = lambda c: c.article.source.name if c.article.source_id else "an unknown source"  # noqa: E731
    lines = [
        f"Originally published by {name(found[0])}"
        + (f" ({found[0].article.published:%d %B %Y})" if found[0].article.published else "")
    ]
    for c in found[1:]:
        credit = f", crediting {c.credits}" if c.credits else ", without credit"
        lines.append(f"republished by {name(c)} ({c.lag}){credit}")
    return lines


def story_json(story: Story, page, found: list[Copy], first: Copy, request=None) -> dict:
    """GET /api/stories/<id>/ (INTERFACE.md): `size` counts every public copy, `articles`
    holds one page of them (STORY_PAGE, `?page=`), `next` the next page's URL or null."""
    from archive.api import source_json

    following = None
    if page.has_next():
        following = reverse("archive:story_json", args=[story.pk])
        following += f"?page={page.next_page_number()}"
        following = request.build_absolute_uri(following) if request is not None else following
    return {
        "id": story.pk,
        "size": page.paginator.count,
        "first": first.article.pk,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": following,
        "articles": [
            {"id": c.article.pk, "title": c.article.title, "url": c.article.get_absolute_url(),
             "source": source_json(c.article),
             "published": c.article.published.isoformat() if c.article.published else None,
             "similarity": c.similarity, "lag": c.lag, "changes": c.changes.as_json()}
            for c in found
        ],
    }  # fmt: skip
