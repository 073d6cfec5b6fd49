"""export_warc OUT.warc.gz [search parameters]: the matching articles' raw originals as WARC."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from archive.warc_export import export_warc


class Command(BaseCommand):
    help = (
        "Write the raw originals of the articles matching the search parameters as a WARC "
        "file (captured pages as their response records, files as resource records)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT.warc.gz")
        parser.add_argument("--q", default="", help="the query, as on the search page")
        for name in ("source", "author", "tag"):
            parser.add_argument(f"--{name}", action="append", default=[], metavar="SLUG",
                                help=f"{name} slug; may repeat (any of them matches)")  # fmt: skip
        parser.add_argument("--start", default="", metavar="YYYY-MM-DD")
        parser.add_argument("--end", default="", metavar="YYYY-MM-DD")

    def handle(self, *args, **options):
        from search.forms import ArchiveSearchForm

        out = Path(options["out"])
        if not out.name.endswith(".warc.gz"):
            raise CommandError("Name the output file NAME.warc.gz (a gzipped WARC).")
        if not out.parent.is_dir():
            raise CommandError(f"No such folder: {out.parent}")
        params = QueryDict(mutable=True)
        for name in ("q", "start", "end"):
            if options[name]:
                params[name] = options[name]
        for name in ("source", "author", "tag"):
            params.setlist(name, options[name])
        params["sort"] = "oldest"
        form = ArchiveSearchForm(params)
        if not form.is_valid():
            errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
            raise CommandError(f"Bad search parameters: {errors}")
        partial = out.with_name(out.name + ".partial")
        try:
            articles = form.results().iter_articles()
            counts = export_warc(_with_originals(articles), partial)
            partial.replace(out)  # a whole file or none: never half an export under its name
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(
            f"exported {counts.total} articles to {out}: {counts.responses} captured responses, "
            f"{counts.resources} files as resource records"
            + (f", {counts.bodies} without a raw original (their body)" if counts.bodies else "")
        )
        sys.stdout.flush()


def _with_originals(articles, chunk: int = 200):
    """The articles with their originals, fetched a chunk at a time (not one query each)."""
    from archive.models import Original

    batch = []
    for article in articles:
        batch.append(article)
        if len(batch) >= chunk:
            yield from _attach(batch, Original)
            batch = []
    yield from _attach(batch, Original)


def _attach(batch, Original):
    originals = {
        o.article_id: o for o in Original.objects.filter(article__in=[a.pk for a in batch])
    }
    for article in batch:
        if article.pk in originals:
            article.original = originals[article.pk]
        else:  # known to have none: no query to find that out again
            article._state.fields_cache["original"] = None
        yield article
