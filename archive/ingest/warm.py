"""Imported by the parse workers' fork server before it forks any worker (parallel.py): the
parsing libraries and py3langid's model are loaded once there, so that each worker starts
ready instead of spending a quarter of a second on its first document."""

import trafilatura  # noqa: F401

from archive.ingest import parse
from archive.sanitize import clean_html

parse(b"Warm up\n\nA short text in English, so that the language model is loaded now.\n")
clean_html("<p>warm up</p>")
