"""Compare the index with the database (the database is the truth; the index is derived)."""

from __future__ import annotations

from dataclasses import dataclass, field

from haystack import connections
from haystack.query import SearchQuerySet

from archive.models import Article
from search import capabilities
from search.outbox import flush, reindex_articles


@dataclass
class IndexDiff:
    missing: list[int] = field(default_factory=list)  # public in the database, not in the index
    extra: list[int] = field(default_factory=list)  # in the index, not public in the database

    @property
    def in_sync(self) -> bool:
        return not (self.missing or self.extra)

    def describe(self) -> str:
        lines = []
        if self.missing:
            lines.append(f"missing from the index: {len(self.missing)} ({_sample(self.missing)})")
        if self.extra:
            lines.append(f"in the index but not public: {len(self.extra)} ({_sample(self.extra)})")
        return "\n".join(lines)


def _sample(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:10])
    return shown + (", …" if len(ids) > 10 else "")


def indexed_ids() -> set[int]:
    """Every article id in the index: one pass over the id column on our Whoosh backend;
    on another backend, haystack's values_list in large pages."""
    backend = connections["default"].get_backend()
    if capabilities.of(backend).id_column:
        return backend.indexed_ids()
    sqs = SearchQuerySet().models(Article)
    return {int(pk) for pk in sqs.values_list("pk", flat=True)}


def compare() -> IndexDiff:
    db = set(Article.objects.public().values_list("pk", flat=True))
    index = indexed_ids()
    return IndexDiff(missing=sorted(db - index), extra=sorted(index - db))


def repair(diff: IndexDiff) -> None:
    """Write what the outbox still holds, then every article that differs."""
    flush()
    reindex_articles(diff.missing + diff.extra)
