"""Imported by the parse workers' fork server before it forks any worker (parallel.py): the
parsing libraries and py3langid's model are loaded once there, so that each worker starts
ready instead of spending a quarter of a second on its first document. dateparser compiles
each language's patterns on first use (about 0.1 s a language): dates in the languages the
head search knows are read once here, so no worker pays for it on a real article. A small
web page is parsed too: trafilatura's first page loads the public suffix list (for a page's
address), justext's stop words and more, 0.19 s that each worker paid on its first page."""

import trafilatura  # noqa: F401

from archive.ingest import parse
from archive.ingest.dates import SEARCH_LANGUAGES, warm_up
from archive.sanitize import clean_html

parse(b"Warm up\n\nA short text in English, so that the language model is loaded now.\n")
parse(
    b'<!doctype html><html lang="en"><head><title>Warm up - Example</title><link rel="canonical"'
    b' href="https://www.example.com/2024/01/02/warm-up.html"></head><body><article>'
    b"<h1>Warm up</h1><p>2 January 2024</p><p>By Jane Doe</p><p>A short page, so that"
    b" trafilatura, htmldate and their helpers load what they load on first use.</p>"
    b"</article></body></html>",
    name="warm-up.html",
)
clean_html("<p>warm up</p>")
warm_up(SEARCH_LANGUAGES)
