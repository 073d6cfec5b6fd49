"""group=story: one result per story, its best match (the first in the chosen order).

StoryGrouped wraps either result set of search.results. The index holds, per article, whether
it belongs to a story (`in_story`), so only the matches that do are read in full (one search
narrowed to them, ids only; their story ids from the database): every later member of a story
is dropped, the first one carries how many it stands for. Counting stories is then the
article count minus the dropped. A page is read from the ungrouped results past at most as
many dropped ids as there are. Facets still count articles.
"""

from __future__ import annotations

from collections.abc import Iterator

from archive.models import Article
from archive.story_pages import story_refs
from search import capabilities
from search.results import DatabaseResults, Hit, IndexResults, _in_order, _Paged

IN_STORY = "yes"  # the index's in_story value of an article in a story (search_indexes)
MAX_LISTED_IDS = 2000  # more matches in stories than this: their story ids read all at once


class _Id:
    """A match's id and score alone: the grouping reads thousands of them, and haystack's
    SearchResult costs four times as much to make."""

    __slots__ = ("pk", "score")

    def __init__(self, app_label, model_name, pk, score, **kwargs):
        self.pk, self.score = pk, score


class StoryGrouped(_Paged):
    def __init__(self, inner: DatabaseResults | IndexResults):
        self.inner = inner
        self._dropped: set[int] | None = None
        self._folded: dict[int, int] = {}  # first article of a story -> copies it stands for

    # --- the stories among the matches -------------------------------------------------------
    def _storied(self) -> list[tuple[int, int]]:
        """(id, story id) of the matches in a story, in the results' order."""
        if isinstance(self.inner, DatabaseResults):
            qs = self.inner.ordered().filter(story__isnull=False)
            return list(qs.values_list("pk", "story_id"))
        inner = self.inner
        sqs = inner._searchqueryset(inner.filters)  # no facets: ids are all this needs
        if inner.sort != "relevance":
            sqs = sqs.order_by("-published" if inner.sort == "newest" else "published")
        sqs = sqs.narrow(sqs.query.build_query_fragment("in_story", "in", [IN_STORY]))
        found = sqs.result_class(_Id)
        found = found[:] if capabilities.current().whole_results else found[: found.count()]
        ids = [int(r.pk) for r in found]
        storied = Article.objects.filter(story__isnull=False)
        if len(ids) <= MAX_LISTED_IDS:
            storied = storied.filter(pk__in=ids)
        # else every article in a story: a few thousand rows by the story index, where a
        # list of the ids would outgrow SQLite's limit of bound parameters (32,766)
        story_of = dict(storied.values_list("pk", "story_id").order_by())
        return [(pk, story_of[pk]) for pk in ids if pk in story_of]

    def _raw(self, n: int) -> list[tuple[int, float | None]]:
        """The first n matches' (id, score), ungrouped, without loading articles."""
        if isinstance(self.inner, DatabaseResults):
            return [(pk, None) for pk in self.inner.ordered().values_list("pk", flat=True)[:n]]
        return [(int(r.pk), r.score) for r in self.inner._run(0, n)]

    def _fold(self) -> set[int]:
        if self._dropped is None:
            first: dict[int, int] = {}
            self._dropped = set()
            for pk, story in self._storied():
                if story in first:
                    self._dropped.add(pk)
                    self._folded[first[story]] += 1
                else:
                    first[story] = pk
                    self._folded[pk] = 0
        return self._dropped

    # --- the _Paged interface ----------------------------------------------------------------
    @property
    def count(self) -> int:
        return max(0, self.inner.count - len(self._fold()))

    @property
    def suggestion(self):
        return self.inner.suggestion

    def facets(self):
        return self.inner.facets()

    def cut_prefixes(self):
        return self.inner.cut_prefixes()

    def _fetch(self, start: int, end: int) -> list[Hit]:
        dropped = self._fold()
        # The grouped window [start, end) lies within the first end + len(dropped) matches;
        # read twice the window's end first, and double until it is filled: a first page
        # of an empty query at 100k reads 40 matches, not the 5,800 later copies' worth.
        enough = min(self.inner.count, end + len(dropped))
        n = min(enough, 2 * end)
        while True:
            kept = [(pk, score) for pk, score in self._raw(n) if pk not in dropped]
            if len(kept) >= end or n >= enough:
                break
            n = min(enough, 2 * n)
        window = kept[start:end]
        articles = {a.pk: a for a in _in_order([pk for pk, _ in window], cards=True)}
        hits = [Hit(articles[pk], score) for pk, score in window if pk in articles]
        for hit in hits:
            hit.outlets = self._folded.get(hit.article.pk, 0)
        return hits

    def iter_articles(self, limit: int | None = None) -> Iterator[Article]:
        dropped = self._fold()
        n = 0
        for article in self.inner.iter_articles():
            if article.pk in dropped:
                continue
            if limit is not None and n >= limit:
                return
            n += 1
            yield article


def grouped(results, group: str):
    """The result set, one result per story when `group` is "story"."""
    return StoryGrouped(results) if group == "story" else results


def annotate(hits: list[Hit]) -> None:
    """Give each hit its story ({"id", "size"} or None), one query for the page."""
    refs = story_refs(h.article for h in hits)
    for hit in hits:
        hit.story = refs.get(hit.article.pk)
