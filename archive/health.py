"""/healthz: 200 "ok" when the database and the search index answer, else 503."""

import logging

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


@never_cache
def healthz(request):
    from search.health import index_problem

    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means "not healthy", never a 500
        log.warning("healthz: database: %s", exc)
        problems.append("database unavailable")
    problem = index_problem()
    if problem:
        problems.append(problem)
    if problems:
        return HttpResponse("\n".join(problems), status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
