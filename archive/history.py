"""An article's history: what each change (admin edit, re-parse, --update, bulk action,
revert) did, as a Revision holding only the fields that changed.

Our own small model rather than django-simple-history: that library copies every field of
every save into a shadow table, so an import would write each body twice and every import
would be "history"; it also keeps m2m fields (authors, tags) only as extra tables of ids.
Here a revision is a diff of what an editor can change, with names instead of ids, written
only when something changed, in the transaction of the change.
"""

from __future__ import annotations

import difflib

from archive.models import Article, Revision

# The fields a revision records and a revert restores (what editors and parses change).
TRACKED = (
    "title", "standfirst", "body_html", "source", "authors", "tags", "published",
    "published_time", "language", "original_url", "original_source", "is_public",
)  # fmt: skip
_LABELS = {"body_html": "body", "published": "date", "published_time": "time"}


def snapshot(article: Article) -> dict:
    """The tracked fields of `article` as stored now, JSON-ready (names, ISO dates)."""
    if not article.pk:
        return {}
    return snapshots([article.pk]).get(article.pk, {})


# How each tracked field reads, JSON-ready.
_READ = {
    "title": lambda a: a.title,
    "standfirst": lambda a: a.standfirst,
    "body_html": lambda a: a.body_html,
    "source": lambda a: a.source.name if a.source else None,
    "authors": lambda a: sorted(x.name for x in a.authors.all()),
    "tags": lambda a: sorted([t.kind, t.name] for t in a.tags.all()),
    "published": lambda a: a.published.isoformat() if a.published else None,
    "published_time": lambda a: a.published_time.isoformat() if a.published_time else None,
    "language": lambda a: a.language,
    "original_url": lambda a: a.original_url,
    "original_source": lambda a: a.original_source,
    "is_public": lambda a: a.is_public,
}


def record(*, article: Article, before: dict, kind: str, user=None, note: str = ""):
    """A Revision of what changed in `article` since `before` (a snapshot()); None when
    nothing did. Call it inside the transaction of the change."""
    after = snapshot(article)
    changes = {f: [before.get(f), after.get(f)] for f in TRACKED if before.get(f) != after.get(f)}
    if not changes:
        return None
    user = user if getattr(user, "pk", None) else None
    return Revision.objects.create(
        article=article, user=user, kind=kind, note=note[:200], changes=changes
    )


def label(field: str) -> str:
    return _LABELS.get(field, field.replace("_", " "))


def readable(revision: Revision) -> list[dict]:
    """Each change of a revision for people: the field, old and new as text, and for the
    body a line diff of its text."""
    from archive.sanitize import html_to_text

    rows = []
    for field, (old, new) in revision.changes.items():
        row = {"field": label(field), "old": _text(old), "new": _text(new), "diff": []}
        if field == "body_html":
            old_lines = html_to_text(old or "").splitlines()
            new_lines = html_to_text(new or "").splitlines()
            row["diff"] = list(difflib.unified_diff(old_lines, new_lines, lineterm="", n=1))[2:]
            row["old"] = row["new"] = ""
        rows.append(row)
    return rows


def _text(value) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, list):
        shown = (f"{v[1]} ({v[0]})" if isinstance(v, list) else str(v) for v in value)
        return "; ".join(shown) or "(none)"
    return str(value)


def snapshots(article_ids, fields: tuple[str, ...] = TRACKED) -> dict[int, dict]:
    """snapshot() of many articles in a few queries, of `fields` only (a bulk change to
    the source of 10,000 articles need not read their bodies): {id: snapshot}."""
    found = Article.objects.filter(pk__in=list(article_ids)).select_related("source")
    found = found.prefetch_related(*[f for f in ("authors", "tags") if f in fields])
    if "body_html" not in fields:
        found = found.defer("body_html", "body_text")
    return {a.pk: {f: _READ[f](a) for f in fields} for a in found}


def record_many(
    *,
    before: dict[int, dict],
    kind: str,
    user=None,
    note: str = "",
    fields: tuple[str, ...] = TRACKED,
) -> int:
    """Revisions for every article of `before` (snapshots() of `fields`) that changed;
    returns how many."""
    after = snapshots(before, fields)
    user = user if getattr(user, "pk", None) else None
    revisions = []
    for pk, old in before.items():
        new = after.get(pk, {})
        changes = {f: [old.get(f), new.get(f)] for f in fields if old.get(f) != new.get(f)}
        if changes:
            revisions.append(
                Revision(article_id=pk, user=user, kind=kind, note=note[:200], changes=changes)
            )
    Revision.objects.bulk_create(revisions, batch_size=500)
    return len(revisions)
