"""Every kind of input the importer accepts, and every kind of bad input it must refuse clearly."""

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
from pathlib import Path

import pytest

from archive.ingest import Limits, Outcome, iter_documents, parse, parse_all, parse_upload

DATA = Path(__file__).resolve().parent / "data" / "ingest"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
ARTICLE = "A Short Title\n\nThe first paragraph of a short article, long enough to be one.\n"


def only(outcomes: list[Outcome]) -> Outcome:
    assert len(outcomes) == 1
    return outcomes[0]


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def documents(path: Path, limits: Limits = Limits()) -> list[tuple[str, bytes | None, str]]:
    return list(iter_documents([path], limits=limits))


# --- bad single documents -------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\n  \t"])
def test_an_empty_file_is_refused_as_empty(data):
    assert only(parse(data, name="e.txt")).error == "empty file"


def test_a_binary_file_is_refused_as_binary():
    outcome = only(parse(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", name="x.png"))
    assert outcome.error == "binary file, not text"
    assert outcome.article is None


def test_a_file_over_the_size_limit_is_refused_naming_the_limit():
    outcome = only(parse(ARTICLE.encode() * 10, name="big.txt", limits=Limits(max_file_bytes=100)))
    assert outcome.error == "file too large: over the 100 bytes limit"


def test_iter_documents_refuses_a_file_over_the_limit_without_reading_it(tmp_path):
    (tmp_path / "big.txt").write_text(ARTICLE * 100)
    [(name, data, error)] = documents(tmp_path / "big.txt", Limits(max_file_bytes=1024))
    assert data is None and error == "file too large: over the 1 KB limit"


def test_an_unknown_format_is_an_error_not_an_exception():
    assert "unknown format" in only(parse(ARTICLE.encode(), format="pdf")).error


# --- encodings ------------------------------------------------------------------------


def test_a_latin_1_file_is_decoded():
    text = "Café prices rise\n\nThe café owners in Málaga said prices rose by a fifth this year.\n"
    article = only(parse(text.encode("latin-1"), name="l1.txt")).article
    assert article.title == "Café prices rise"
    assert "Málaga" in article.body_html


def test_a_cp1252_file_with_smart_quotes_is_decoded():
    text = "Quotes\n\nHe said \u201cno\u201d \u2013 twice \u2013 and left the room in a hurry.\n"
    article = only(parse(text.encode("cp1252"), name="q.txt")).article
    assert "\u201cno\u201d \u2013 twice" in article.body_html


def test_the_real_latin_1_bbc_file_is_decoded():
    path = CORPORA / "bbc" / "sport" / "199.txt"
    if not path.exists():
        pytest.skip("../shared/corpora is not available")
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    article = only(parse(raw, name=path.name)).article
    assert article.title == raw.decode("latin-1").split("\n")[0].strip()
    assert "\ufffd" not in article.body_html


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_files_with_a_byte_order_mark_are_decoded(encoding):
    data = ARTICLE.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    article = only(parse(data, name="bom.txt")).article
    assert article.title == "A Short Title"
    assert "\ufeff" not in article.title


# --- formats --------------------------------------------------------------------------


def test_a_saved_web_page_is_read_with_trafilatura():
    article = only(parse((DATA / "page.html").read_bytes(), name="page.html")).article
    assert article.raw_format == "html"
    assert article.title == "Harbour Bridge Reopens After Repairs"
    assert article.authors == ["Maria Jensen"]
    assert str(article.published) == "2023-05-04"
    assert article.source == "The Coastal Gazette"
    assert article.original_url == "https://gazette.example/news/harbour-bridge-reopens"
    assert ("keyword", "transport") in article.tags
    assert "<em>corroded steel cables</em>" in article.body_html
    assert '<a href="https://gazette.example/news/detour">detour route</a>' in article.body_html
    assert "<h2>Commuters relieved</h2>" in article.body_html
    assert "<blockquote>" in article.body_html
    for gone in ("Home", "Share this article", "All rights reserved"):
        assert gone not in article.body_html


def test_a_page_trafilatura_finds_nothing_in_falls_back_to_its_paragraphs():
    page = b"<html><body><div><p>Tiny note.</p><p>Another small line here.</p></div></body></html>"
    article = only(parse(page, name="tiny.html")).article
    assert "Tiny note." in article.body_html
    assert "Another small line here." in article.body_html


def test_a_markdown_scrape_keeps_links_and_emphasis_and_reads_its_metadata():
    article = only(parse((DATA / "scrape.md").read_bytes(), name="scrape.md")).article
    assert article.raw_format == "markdown"
    assert article.title == "Library Opens a Night Reading Room"
    assert article.authors == ["Tom Okafor", "Lena Hart"]
    assert str(article.published) == "2021-03-03"
    assert article.tags == [("region", "Europe"), ("keyword", "libraries"), ("keyword", "culture")]
    assert "<strong>four thousand</strong>" in article.body_html
    assert '<a href="https://example.org/grant">regional grant</a>' in article.body_html
    assert "donations from readers." in article.body_html  # hard line break inside a paragraph
    assert "newsletter" not in article.body_html


def test_markdown_dead_links_keep_their_text_and_lose_the_link():
    md = b"# T\n\nRead the [report](#) and the [other one](#) before the [meeting](#) starts.\n"
    article = only(parse(md, name="d.md")).article
    assert "Read the report and the other one before the meeting starts." in article.body_html
    assert "href" not in article.body_html


def test_a_forced_format_is_recorded_and_used_when_parsing_again():
    outcome = only(parse(b"# Heading\n\nSome *text* here for the body.\n", format="text"))
    assert outcome.article.raw_format == "text"
    assert "*text*" in outcome.article.body_html


def test_json_lines_import_every_good_line_and_name_the_bad_one():
    outcomes = parse((DATA / "articles.jsonl").read_bytes(), name="articles.jsonl")
    assert [o.name for o in outcomes] == [
        "articles.jsonl:1",
        "articles.jsonl:2",
        "articles.jsonl:3",
        "articles.jsonl:5",
    ]
    bad = outcomes[2]
    assert bad.article is None and bad.error.startswith("line 3: invalid JSON: ")
    assert all(o.article for o in outcomes if o is not bad)


def test_a_json_line_with_all_keys_maps_every_one():
    article = parse((DATA / "articles.jsonl").read_bytes(), name="articles.jsonl")[0].article
    assert article.title == "Wind Farm Approved"
    assert article.body_html.startswith("<p>The regional council approved a wind farm with <em>")
    assert article.original_url == "https://news.example/wind"
    assert article.published.isoformat() == "2022-03-14T08:15:00"
    assert article.source == "News Example"
    assert article.authors == ["Anna Berg"]  # "By admin" is not a person
    assert article.tags == [("keyword", "energy"), ("region", "Scandinavia")]
    assert article.language == "en"
    assert article.extra == {"desk": "climate"}
    assert article.raw_format == "jsonl"
    assert article.raw == (DATA / "articles.jsonl").read_bytes().split(b"\n")[0]


def test_a_json_line_parses_again_from_its_own_raw_bytes_to_the_same_article():
    for outcome in parse((DATA / "articles.jsonl").read_bytes(), name="articles.jsonl"):
        if outcome.article:
            article = outcome.article
            [again] = parse(article.raw, name=article.raw_name, format=article.raw_format)
            assert again.article == article


def test_json_lines_with_markdown_and_text_bodies_are_rendered_as_html():
    outcomes = parse((DATA / "articles.jsonl").read_bytes(), name="articles.jsonl")
    assert "<p>The ferry will sail every hour from May.</p>" in outcomes[1].article.body_html
    assert '<a href="https://park.example">old town</a>' in outcomes[3].article.body_html


def test_a_json_line_without_a_body_is_a_clear_error():
    [outcome] = parse(b'{"title": "Only a headline"}\n', name="h.jsonl")
    assert outcome.error == "line 1: no article text (empty body)"


def test_a_json_line_that_is_not_an_object_is_a_clear_error():
    [outcome] = parse(b'["a", "b"]\n', name="l.jsonl")
    assert outcome.error == "line 1: not a JSON object but list"


def test_a_gzipped_json_lines_file_is_read_from_a_folder(tmp_path):
    line = json.dumps({"title": "Zipped", "body": "Compressed article text for the test."})
    (tmp_path / "dump.jsonl.gz").write_bytes(gzip.compress((line + "\n\n" + line).encode()))
    outcomes = list(parse_all(iter_documents([tmp_path])))
    assert [o.name for o in outcomes] == [
        f"{tmp_path.name}/dump.jsonl.gz:1",
        f"{tmp_path.name}/dump.jsonl.gz:3",
    ]
    assert outcomes[0].article.title == "Zipped"
    # The same line again would only be saved as a duplicate: it is not parsed twice.
    assert outcomes[1].article is None and outcomes[1].repeats == outcomes[0].name


def test_a_gzip_bomb_is_refused():
    bomb = gzip.compress(b"{" + b" " * 5000 + b"}")
    outcome = only(parse(bomb, name="b.jsonl.gz", limits=Limits(max_jsonl_bytes=1000)))
    assert outcome.error.startswith("file too large")


# --- files, folders and zips ----------------------------------------------------------


def test_a_folder_is_walked_recursively_sorted_skipping_hidden_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text(ARTICLE)
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / ".hidden.txt").write_text(ARTICLE)
    (tmp_path / ".git" / "x.txt").write_text(ARTICLE)
    names = [name for name, _data, _error in documents(tmp_path)]
    assert names == [f"{tmp_path.name}/a.txt", f"{tmp_path.name}/b/2.txt"]


def test_a_missing_path_is_reported_not_raised(tmp_path):
    [(name, data, error)] = documents(tmp_path / "nope.txt")
    assert data is None and error == "no such file or folder"


def test_zip_members_are_named_inside_the_zip(tmp_path):
    (tmp_path / "batch.zip").write_bytes(
        make_zip({"dir/x.txt": ARTICLE.encode(), ".DS_Store": b"x"})
    )
    outcomes = list(parse_all(iter_documents([tmp_path / "batch.zip"])))
    assert [o.name for o in outcomes] == [f"{tmp_path / 'batch.zip'}/dir/x.txt"]
    assert outcomes[0].article.title == "A Short Title"


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path):
    (tmp_path / "bomb.zip").write_bytes(make_zip({"zeros.txt": b"0" * 2_000_000}))
    [(name, data, error)] = documents(tmp_path / "bomb.zip", Limits(max_file_bytes=100_000))
    assert data is None and error.startswith("file too large: over the 97.7 KB limit")


def test_a_zip_bomb_whose_headers_lie_is_refused_while_reading(tmp_path):
    data = bytearray(make_zip({"zeros.txt": b"0" * 2_000_000}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature) + offset
        data[at : at + 4] = struct.pack("<I", 10)  # claim 10 bytes uncompressed
    (tmp_path / "liar.zip").write_bytes(bytes(data))
    [(name, content, error)] = documents(tmp_path / "liar.zip", Limits(max_file_bytes=100_000))
    assert content is None
    assert error.startswith(("file too large", "cannot read from zip"))


def test_the_total_uncompressed_size_of_a_zip_is_limited(tmp_path):
    members = {f"{i}.txt": ARTICLE.encode() * 20 for i in range(5)}
    (tmp_path / "many.zip").write_bytes(make_zip(members))
    result = documents(tmp_path / "many.zip", Limits(max_zip_total_bytes=3000))
    assert [data is not None for _n, data, _e in result] == [True, False]
    assert result[-1][2].startswith("zip too large")


def test_the_number_of_zip_members_is_limited(tmp_path):
    (tmp_path / "many.zip").write_bytes(make_zip({f"{i}.txt": ARTICLE.encode() for i in range(5)}))
    result = documents(tmp_path / "many.zip", Limits(max_zip_members=2))
    assert len(result) == 3
    assert result[-1][2] == "zip has more than 2 files; 3 skipped"


def test_a_zip_inside_a_zip_is_refused(tmp_path):
    inner = make_zip({"inner.txt": ARTICLE.encode()})
    (tmp_path / "outer.zip").write_bytes(make_zip({"a.txt": ARTICLE.encode(), "in.zip": inner}))
    result = documents(tmp_path / "outer.zip")
    assert result[0][1] is not None
    assert result[1][0].endswith("outer.zip/in.zip")
    assert result[1][1] is None and "zip inside a zip" in result[1][2]


def test_a_zip_inside_a_zip_is_expanded_when_the_depth_allows(tmp_path):
    inner = make_zip({"inner.txt": ARTICLE.encode()})
    (tmp_path / "outer.zip").write_bytes(make_zip({"in.zip": inner}))
    [(name, data, error)] = documents(tmp_path / "outer.zip", Limits(max_zip_depth=2))
    assert name.endswith("outer.zip/in.zip/inner.txt") and data == ARTICLE.encode()


@pytest.mark.parametrize("evil", ["../evil.txt", "/etc/passwd", "a/../../evil.txt", "C:\\evil.txt"])
def test_zip_members_with_path_traversal_names_are_refused(tmp_path, evil):
    (tmp_path / "evil.zip").write_bytes(
        make_zip({evil: ARTICLE.encode(), "good.txt": ARTICLE.encode()})
    )
    result = {
        name.split("evil.zip/", 1)[1]: (data, error)
        for name, data, error in documents(tmp_path / "evil.zip")
    }
    assert result["good.txt"][0] == ARTICLE.encode()
    refused = [error for data, error in result.values() if data is None]
    assert refused and refused[0].startswith("unsafe path in zip refused")


def test_a_broken_zip_is_reported(tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    [(name, data, error)] = documents(tmp_path / "broken.zip")
    assert data is None and error.startswith("broken zip file")


def test_an_uploaded_zip_gives_one_outcome_per_member():
    upload = make_zip({"a.txt": ARTICLE.encode(), "b.txt": b"", "../c.txt": ARTICLE.encode()})
    outcomes = parse_upload("up.zip", upload, source="Uploader")
    by_name = {o.name: o for o in outcomes}
    assert by_name["up.zip/a.txt"].article.source == "Uploader"
    assert by_name["up.zip/b.txt"].error == "empty file"
    assert by_name["up.zip/../c.txt"].error.startswith("unsafe path")


def test_an_uploaded_single_file_is_parsed():
    [outcome] = parse_upload("one.txt", ARTICLE.encode(), format="text")
    assert outcome.name == "one.txt" and outcome.article.raw_format == "text"


@pytest.mark.parametrize("filename", ["page.html", "scrape.md"])
def test_pages_and_markdown_parse_again_from_their_raw_original_to_the_same_article(filename):
    article = only(parse((DATA / filename).read_bytes(), name=filename)).article
    again = only(parse(article.raw, name=article.raw_name, format=article.raw_format)).article
    assert again == article


def test_parsing_imports_no_django():
    import subprocess
    import sys

    code = (
        "import sys, archive.ingest as i; i.parse(b'T\\n\\nBody text.');"
        "print('django' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=DATA.parents[2],
    )
    assert result.stdout.strip() == "False"


def test_a_page_with_a_few_stray_nuls_deep_inside_is_still_text():
    """lostiempos.com: 22 NUL bytes after an image tag, 34 KB into a 194 KB page."""
    body = "<p>" + "Una frase de la noticia. " * 800 + "</p>"
    data = f"<html><head><title>Juicio</title></head><body>{body}".encode()
    data += b"\x00" * 22 + f"{body}</body></html>".encode()
    outcome = only(parse(data, name="page.html"))
    assert outcome.error == ""
    assert "\x00" not in outcome.article.body_html
