"""Imported by the parse workers' fork server before it forks any worker (parallel.py): the
parsing libraries and py3langid's model are loaded once there, so that each worker starts
ready instead of spending a quarter of a second on its first document. dateparser compiles
each language's patterns on first use (about 0.1 s a language): dates in the languages the
head search knows are read once here, so no worker pays for it on a real article."""

import trafilatura  # noqa: F401

from archive.ingest import parse
from archive.ingest.dates import SEARCH_LANGUAGES, warm_up
from archive.sanitize import clean_html

parse(b"Warm up\n\nA short text in English, so that the language model is loaded now.\n")
clean_html("<p>warm up</p>")
warm_up(SEARCH_LANGUAGES)
