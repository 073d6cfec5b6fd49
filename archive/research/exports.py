"""Exports of a set of articles (a collection, a snapshot): CSV and Atom here; RIS, BibTeX
and CSL-JSON through citation_chunks(), which hands them to the citation module
(archive/citations.py), so a collection's records are the articles' own cite.* records.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from archive.citations import FORMATS, CiteContext, iter_format
from search.views import CSV_COLUMNS, UTF8_BOM, csv_safe

CSV_EXTRA = ("tags", "language", "note")


def _authors(article) -> list:
    return list(article.authors.all())


def citation_chunks(articles: Iterable, fmt: str, absolute) -> Iterator[str]:
    """`articles` as RIS, BibTeX or CSL-JSON (a list), a record at a time, written by the
    citation module (archive/citations.py) exactly as an article's own cite.* files are.
    `absolute` turns a path into an absolute URL (request.build_absolute_uri)."""
    context = CiteContext(absolute("/").rstrip("/"), timezone.localdate())
    return iter_format(fmt, articles, context)


def csv_chunks(rows: Iterable[tuple], absolute) -> Iterator[str]:
    """(article, note) rows as CSV: the search export's columns, then tags, language, note."""
    writer = csv.writer(_Echo())
    yield UTF8_BOM + writer.writerow(CSV_COLUMNS + CSV_EXTRA)
    for article, note in rows:
        cells = (
            article.pk,
            article.title,
            article.source.name if article.source_id else "",
            "; ".join(a.name for a in _authors(article)),
            article.published.isoformat() if article.published else "",
            absolute(article.get_absolute_url()),
            article.original_url,
            "; ".join(t.name for t in article.tags.all()),
            article.language,
            note,
        )
        yield writer.writerow([csv_safe(c) for c in cells])


class _Echo:
    def write(self, value):
        return value


def streamed(chunks: Iterator[str], *, content_type: str, name: str, ext: str):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    filename = f"{slugify(name) or 'export'}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(fmt: str, rows: list[tuple], *, name: str, absolute):
    """The download of `rows` ((article, note) pairs) in `fmt`: csv, ris, bib or json."""
    if fmt == "csv":
        return streamed(csv_chunks(rows, absolute), content_type="text/csv; charset=utf-8",
                        name=name, ext="csv")  # fmt: skip
    articles = (article for article, _ in rows)
    return streamed(citation_chunks(articles, fmt, absolute), content_type=FORMATS[fmt],
                    name=name, ext=fmt)  # fmt: skip
