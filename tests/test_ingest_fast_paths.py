"""The importer's shortcuts give what the slow ways gave (speed itself is measured in bench/)."""

from __future__ import annotations

import datetime as dt

import lxml.html

from archive.ingest import Limits, parse
from archive.ingest.encoding import decode
from archive.ingest.pagemeta import read_page_meta


def test_white_space_controls_are_text_and_other_controls_make_it_binary():
    text = "Headline\t\x0b\x0c\r\n" * 800
    assert decode(text.encode()) == text
    outcome = parse(("A line\x01\x02\x1f\n" * 400).encode(), name="x.txt")[0]
    assert outcome.error == "binary file, not text"


def test_only_what_opens_an_element_counts_towards_the_element_limit():
    body = "<p>" + "a < b, 1<2 " * 60 + "</p>"  # 120 '<' that open no element
    page = f"<html><head><title>T</title></head><body>{body}{body}</body></html>"
    assert parse(page.encode(), name="p.html", limits=Limits(max_elements=100))[0].error == ""
    refused = parse(page.encode(), name="p.html", limits=Limits(max_elements=5))[0]
    assert refused.error == "the page has more than 5 elements: not one article"


def test_dates_are_read_from_texts_and_tails_but_not_from_scripts():
    tree = lxml.html.document_fromstring(
        "<html><body><!-- 3 March 2021 --><h1>Headline</h1>"
        "<script>var d = '4 April 2022';</script>after a script 5 May 2023"
        "<p>Posted 6 June 2024</p><b>x</b>tail 7 July 2020<p>12.08.2019</p></body></html>"
    )
    meta = read_page_meta(tree)
    assert meta.visible_dates == {
        dt.date(2024, 6, 6),
        dt.date(2020, 7, 7),
        dt.date(2019, 8, 12),
    }
    assert meta.head_date == dt.date(2024, 6, 6)
