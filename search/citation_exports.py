"""GET /search/export.ris|.bib|.json: every match of a search as citations, streamed.

The same form, result set and file name as export.csv (search.views), and the same bound:
the export throttle (archive/throttle.py) holds one slot per client for the whole stream.
"""

from __future__ import annotations

import logging

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.views import View

from archive import citations
from search.views import SearchFormMixin, _errors, content_disposition

log = logging.getLogger(__name__)


class SearchCitationExportView(SearchFormMixin, View):
    """Every matching article in `fmt` (a key of citations.FORMATS), in the search's order."""

    fmt = "ris"

    def get(self, request):
        form = self.get_form()
        if not form.is_valid():
            lines = [f"{k}: {' '.join(v)}" for k, v in _errors(form).items()]
            return HttpResponseBadRequest("\n".join(lines), content_type="text/plain")
        context = citations.CiteContext.for_request(request)
        chunks = self.chunks(form, context)
        response = StreamingHttpResponse(chunks, content_type=citations.FORMATS[self.fmt])
        response["Content-Disposition"] = content_disposition(form, self.fmt)
        return response

    def chunks(self, form, context):
        try:
            articles = form.results().iter_articles()
            yield from citations.iter_format(self.fmt, articles, context)
        except Exception:  # the response has started; end it rather than send half a record
            log.exception("%s export stopped", self.fmt)
