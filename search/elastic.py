"""The scale-out path (SEARCH_URL=elasticsearch7://…): haystack's Elasticsearch 7 backend with
this archive's index settings.

What it changes in haystack's backend, and why:
- Analysis: haystack maps every text field to ES's `snowball` (English stems, no accent
  folding). Here the index defines one analyzer per language the archive detects
  (`archive_en` … `archive_ru`: standard tokenizer, lower case, accent folding, that
  language's Snowball stemmer, as our Whoosh engine stems) and `archive_folding` (no
  stemming) for names. ES cannot choose an analyzer per document, so the article text and
  titles use the one language the connection names (`?language=de`; English by default);
  our embedded engine stems each article in its own language (search.backend.languages).
- `word~2`: haystack writes every fuzzy word as `word~` (ES's AUTO distance); here it keeps
  the reader's number of edits.
- `max_result_window`: group=story reads every storied match's id in one request, and the
  exports read every match; ES refuses from + size past 10,000 by default.
- indexed_ids() (check_index) reads every id with the scroll API, not pages of from/size.
"""

from __future__ import annotations

import copy

import elasticsearch
from django.core.exceptions import ImproperlyConfigured
from elasticsearch.helpers import scan
from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
    Elasticsearch7SearchQuery,
)
from haystack.constants import DJANGO_CT
from haystack.utils import get_model_ct

from search.capabilities import Capabilities
from search.inputs import Fuzzy

# ISO 639-1 code -> the name of ES's Snowball stemmer (the languages search.languages names
# and the embedded engine stems).
SNOWBALL = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "ru": "Russian",
}
DEFAULT_LANGUAGE = "en"
# Fields searched as names (author:, source:, tag:): folded, never stemmed.
NAME_FIELDS = {"author", "source", "tag"}
MAX_RESULT_WINDOW = 1_000_000


def analysis_settings() -> dict:
    """The index's analysis: archive_<code> per language and archive_folding."""
    filters = {
        f"archive_stem_{code}": {"type": "snowball", "language": name}
        for code, name in SNOWBALL.items()
    }
    analyzers = {
        f"archive_{code}": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding", f"archive_stem_{code}"],
        }
        for code in SNOWBALL
    }
    analyzers["archive_folding"] = {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "asciifolding"],
    }
    return {"filter": filters, "analyzer": analyzers}


def index_settings() -> dict:
    """The body haystack sends when it creates the index: its own settings plus ours."""
    body = copy.deepcopy(Elasticsearch7SearchBackend.DEFAULT_SETTINGS)
    body["settings"]["index"]["max_result_window"] = MAX_RESULT_WINDOW
    analysis = body["settings"]["analysis"]
    for kind, entries in analysis_settings().items():
        analysis.setdefault(kind, {}).update(entries)
    return body


class ArchiveElasticsearch7Backend(Elasticsearch7SearchBackend):
    DEFAULT_SETTINGS = index_settings()
    # check_index's ids by scroll; nothing else of search.capabilities.
    capabilities = Capabilities(id_column=True)

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.language = connection_options.get("LANGUAGE", DEFAULT_LANGUAGE)
        if self.language not in SNOWBALL:
            raise ImproperlyConfigured(f"LANGUAGE={self.language!r}: one of {', '.join(SNOWBALL)}")

    def build_schema(self, fields):
        """haystack's mapping with our analyzers on the text fields."""
        content_field_name, mapping = super().build_schema(fields)
        for name, field_mapping in mapping.items():
            if field_mapping.get("type") == "text" and field_mapping.get("analyzer") == "snowball":
                field_mapping["analyzer"] = (
                    "archive_folding" if name in NAME_FIELDS else f"archive_{self.language}"
                )
        return content_field_name, mapping

    def indexed_ids(self, model=None) -> set[int]:
        """Every indexed primary key of `model` (Article by default), one scroll."""
        if model is None:
            from archive.models import Article

            model = Article
        body = {"query": {"term": {DJANGO_CT: get_model_ct(model)}}, "_source": False}
        prefix = f"{get_model_ct(model)}."
        try:
            if not self.setup_complete:
                self.setup()
            hits = scan(self.conn, query=body, index=self.index_name, size=1000)
            return {int(hit["_id"][len(prefix) :]) for hit in hits}
        except elasticsearch.ConnectionError as exc:  # an OSError for check_index to report
            raise ConnectionError(f"Elasticsearch does not answer: {exc}") from exc


class ArchiveElasticsearch7Query(Elasticsearch7SearchQuery):
    def build_query_fragment(self, field, filter_type, value):
        if filter_type == "fuzzy" and isinstance(value, Fuzzy):
            fragment = super().build_query_fragment(field, filter_type, value)
            # haystack's "(word~)" -> "(word~N)"; the word is one Clean'ed term
            return fragment.replace("~)", f"~{value.edits})") if value.edits else fragment
        return super().build_query_fragment(field, filter_type, value)


class ArchiveElasticsearch7Engine(Elasticsearch7SearchEngine):
    backend = ArchiveElasticsearch7Backend
    query = ArchiveElasticsearch7Query
