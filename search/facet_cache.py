"""A small cache of the empty-query path's count and facets, keyed by a data version.

The version is the index outbox's sequence number (search.outbox.enqueue writes an outbox
row in the same transaction as every article save, delete, author/tag change or rename of a
source, author or tag). SQLite's AUTOINCREMENT sequence only grows and becomes visible with
the transaction that advanced it, so a reader that sees an article change also sees a new
version: a cached figure is never older than the data it is read against. It is read before
the figures are computed, so figures stored under a version are at least as new as it.

Changes that bypass the outbox (a queryset.update(), a deleted tag's cascade) are picked up
after TTL seconds at most. On a database without that sequence nothing is cached.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache
from django.db import connection

from search.models import PendingIndexUpdate

log = logging.getLogger(__name__)
TTL = 60  # seconds; bounds staleness only for changes that bypass the outbox
PREFIX = "search-facets"


def data_version() -> int | None:
    """The outbox's sequence number (0 before its first row); None when unknown."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = %s",
            [PendingIndexUpdate._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _key(version: int, filters) -> str:
    parts = (
        tuple(sorted(filters.source)),
        tuple(sorted(filters.author)),
        tuple(sorted(filters.tag)),
        tuple(sorted(filters.language)),
        filters.start.isoformat() if filters.start else "",
        filters.end.isoformat() if filters.end else "",
    )
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"{PREFIX}:{version}:{digest}"


def get_or_compute(filters, compute):
    """compute()'s value for these filters at the current data version, cached."""
    try:
        version = data_version()
    except Exception:  # no sequence table yet (a fresh database): just compute
        version = None
    if version is None:
        return compute()
    key = _key(version, filters)
    try:
        value = cache.get(key)
    except Exception:
        log.warning("facet cache unreadable", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, TTL)
        except Exception:
            log.warning("facet cache unwritable", exc_info=True)
    return value
