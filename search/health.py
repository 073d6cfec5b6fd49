"""Whether the search index answers (for /healthz)."""

import logging

from haystack import connections
from haystack.query import SearchQuerySet

from archive.models import Article
from search import capabilities

log = logging.getLogger(__name__)


def index_problem() -> str:
    """ "" when the index answers, else a short description of what is wrong."""
    backend = connections["default"].get_backend()
    if capabilities.of(backend).self_check:  # checks the files without recreating them
        problem = backend.problem()
        if not problem and not backend.doc_count() and Article.objects.public().exists():
            problem = "search index is empty (run rebuild_index)"
        return problem
    try:  # another backend (Elasticsearch): one count of what it holds
        indexed = SearchQuerySet().models(Article).count()
    except Exception as exc:
        log.warning("search index unavailable: %s", exc)
        return "search index unavailable"
    if not indexed and Article.objects.public().exists():
        return "search index is empty (run rebuild_index)"
    return ""
