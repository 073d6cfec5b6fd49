"""Whether the search index answers, through haystack's API only."""

import logging

from haystack.query import SearchQuerySet

log = logging.getLogger(__name__)


def index_problem() -> str:
    """"" when the index answers a query, else a short description of what is wrong."""
    try:
        SearchQuerySet().filter(content="healthcheck")[:1]
        len(SearchQuerySet().filter(content="healthcheck")[:1])
    except Exception as exc:
        log.warning("search index unavailable: %s", exc)
        return "search index unavailable"
    return ""
