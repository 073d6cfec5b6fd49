"""Exports of a set of articles (a collection, a snapshot): CSV and Atom here; RIS, BibTeX
and CSL-JSON through citation_chunks(), the ONE place that turns articles into citation
records. On merge it hands over to the citation module (archive/citations.py, issue 13
part 1); until then it writes minimal records itself.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from search.views import CSV_COLUMNS, UTF8_BOM, csv_safe

CITATION_TYPES = {
    "ris": "application/x-research-info-systems; charset=utf-8",
    "bib": "application/x-bibtex; charset=utf-8",
    "json": "application/vnd.citationstyles.csl+json; charset=utf-8",
}
CSV_EXTRA = ("tags", "language", "note")


def _authors(article) -> list:
    return list(article.authors.all())


def csl_item(article, absolute) -> dict:
    """One CSL-JSON item (minimal: the citation module replaces it on merge)."""
    item = {
        "id": f"article-{article.pk}",
        "type": "article-newspaper",
        "title": article.title,
        "URL": absolute(article.get_absolute_url()),
        "accessed": {"date-parts": [[*timezone.now().date().timetuple()[:3]]]},
        "author": [{"literal": a.name} for a in _authors(article)],
    }
    if article.source_id:
        item["container-title"] = article.source.name
    if article.published:
        item["issued"] = {"date-parts": [[*article.published.timetuple()[:3]]]}
    if article.original_url:
        item["note"] = f"Original: {article.original_url}"
    return item


def _ris(article, absolute) -> str:
    lines = ["TY  - NEWS", f"TI  - {article.title}"]
    lines += [f"AU  - {a.name}" for a in _authors(article)]
    if article.source_id:
        lines.append(f"T2  - {article.source.name}")
    if article.published:
        lines.append(f"DA  - {article.published:%Y/%m/%d}")
        lines.append(f"PY  - {article.published.year}")
    lines.append(f"UR  - {article.original_url or absolute(article.get_absolute_url())}")
    lines.append(f"Y2  - {timezone.now().date():%Y/%m/%d}")
    return "\r\n".join(line.replace("\n", " ") for line in lines) + "\r\nER  - \r\n\r\n"


def _bib_text(value: str) -> str:
    return "".join("\\" + c if c in "{}&%$#_" else c for c in value)


def _bib(article, absolute) -> str:
    fields = {"title": article.title, "author": " and ".join(a.name for a in _authors(article))}
    if article.source_id:
        fields["journal"] = article.source.name
    if article.published:
        fields["date"] = article.published.isoformat()
    fields["url"] = absolute(article.get_absolute_url())
    body = ",\n".join(f"  {k} = {{{_bib_text(v)}}}" for k, v in fields.items() if v)
    return f"@article{{article{article.pk},\n{body}\n}}\n\n"


def citation_chunks(articles: Iterable, fmt: str, absolute) -> Iterator[str]:
    """`articles` as RIS, BibTeX or CSL-JSON (a list), a record at a time. `absolute` turns a
    path into an absolute URL (request.build_absolute_uri)."""
    if fmt == "json":
        yield "["
        for n, article in enumerate(articles):
            yield ("," if n else "") + json.dumps(csl_item(article, absolute), ensure_ascii=False)
        yield "]\n"
        return
    write = _ris if fmt == "ris" else _bib
    for article in articles:
        yield write(article, absolute)


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
    return streamed(citation_chunks(articles, fmt, absolute), content_type=CITATION_TYPES[fmt],
                    name=name, ext=fmt)  # fmt: skip
