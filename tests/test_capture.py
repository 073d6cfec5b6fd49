"""Capture by URL against a real HTTP server on loopback, and the refusals of private addresses."""

import pytest

from archive import capture
from archive.capture import CapturePolicy, capture_url
from archive.models import Article
from tests import httpd
from tests.commands import run_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    with httpd.Site() as running:
        yield running


@pytest.fixture
def allow_private(settings):
    settings.CAPTURE_ALLOW_PRIVATE = True


def run(*args):
    return run_command("capture_urls", *args)


def test_a_captured_page_is_imported_with_its_response_as_a_warc_record(site, allow_private):
    url = site.url("/article/3")
    code, out = run(url, "--source", "Harbour Gazette")
    assert code == 0, out
    assert out.strip().endswith("imported 1, duplicates 0, failed 0")
    article = Article.objects.get()
    assert article.title == "Harbour council story number 3"
    assert article.original_url == url
    assert article.source.name == "Harbour Gazette"
    assert article.captured is not None
    raw = bytes(article.original.raw)
    assert raw.startswith(b"WARC/1.0\r\n") and b"WARC-Type: response" in raw
    assert b"WARC-IP-Address: 127.0.0.1" in raw and b"HTTP/1.1 200" in raw
    assert article.original.format == "warc"
    path, headers = site.requests[0]
    assert headers["User-Agent"].startswith("newsarchive-capture/")
    # Captured again: already archived, not fetched again.
    code, out = run(url)
    assert "duplicate: " in out and out.strip().endswith("imported 0, duplicates 1, failed 0")
    assert len(site.requests) == 1


def test_gzip_and_chunked_responses_are_kept_as_sent_and_read(site, allow_private):
    site.routes["/gz"] = httpd.gzipped(4)
    site.routes["/chunked"] = httpd.chunked(5)
    code, out = run(site.url("/gz"), site.url("/chunked"))
    assert code == 0, out
    gz = Article.objects.get(original_url=site.url("/gz"))
    assert gz.title == "Harbour council story number 4"
    assert b"Content-Encoding: gzip" in bytes(gz.original.raw)
    chunked = Article.objects.get(original_url=site.url("/chunked"))
    assert chunked.title == "Harbour council story number 5"
    assert b"Transfer-Encoding" not in bytes(chunked.original.raw)  # the body is unchunked


def test_redirects_are_followed_to_the_page(site, allow_private):
    site.routes["/old"] = httpd.redirect("/moved")
    site.routes["/moved"] = httpd.redirect(site.url("/article/8"), status=301)
    code, out = run(site.url("/old"))
    assert code == 0, out
    assert Article.objects.get().original_url == site.url("/article/8")


def test_bad_servers_get_a_clear_line_each_and_the_rest_is_captured(site, allow_private):
    site.routes["/loop"] = httpd.redirect("/loop")
    for n in range(10):
        site.routes[f"/hop/{n}"] = httpd.redirect(f"/hop/{n + 1}")
    site.routes["/image"] = lambda h: httpd.send(h, 200, b"\x89PNG", "image/png")
    code, out = run(
        site.url("/loop"), site.url("/hop/0"), site.url("/missing"), site.url("/image"),
        "ftp://example.com/x", site.url("/article/1"),
    )  # fmt: skip
    assert code == 1
    assert "redirect loop" in out
    assert "too many redirects (more than 5)" in out
    assert "the server answered 404" in out
    assert "not an HTML page (image/png)" in out
    assert "not an http or https URL" in out
    assert out.strip().endswith("imported 1, duplicates 0, failed 5")
    assert len([p for p, _ in site.requests if p.startswith("/hop/")]) == 6


def test_a_slow_server_is_cut_off_at_the_deadline(site, allow_private):
    site.routes["/slow"] = httpd.trickle(seconds=20, every=0.1)
    policy = CapturePolicy(deadline=1.5, read_timeout=1.0, allow_private=True)
    result = capture_url(site.url("/slow"), policy=policy)
    assert result.status == "failed"
    assert "gave up after 2 s: the server sends too slowly" in result.message


def test_a_page_that_never_ends_is_cut_off_at_the_size_cap(site, allow_private):
    site.routes["/endless"] = httpd.endless()
    policy = CapturePolicy(max_bytes=200_000, allow_private=True)
    result = capture_url(site.url("/endless"), policy=policy)
    assert result.status == "failed"
    assert "page too large: over the 200,000 byte limit" in result.message


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "0.0.0.0",
                                  "[::ffff:127.0.0.1]", "169.254.169.254", "10.0.0.7",
                                  "192.168.1.1", "224.0.0.1", "[fe80::1]"])  # fmt: skip
def test_private_addresses_are_refused_without_the_setting(site, settings, host):
    settings.CAPTURE_ALLOW_PRIVATE = False
    url = f"http://{host}:{site.port}/article/1"
    result = capture_url(url)
    assert result.status == "failed"
    assert result.message.startswith("refused: ")
    assert "CAPTURE_ALLOW_PRIVATE=1" in result.message
    assert site.requests == []  # nothing was sent


def test_a_redirect_to_a_private_address_is_refused(site, settings):
    settings.CAPTURE_ALLOW_PRIVATE = False
    # The first server is let through by name (an allowed network, as a public one would be);
    # where it redirects is checked again.
    policy = CapturePolicy.from_settings(allowed=("127.0.0.1/32",))
    targets = ("http://127.0.0.2:{port}/article/1", "http://[::1]:{port}/article/1",
               "http://0.0.0.0:{port}/article/1", "http://169.254.169.254/latest/")  # fmt: skip
    for target in targets:
        site.routes["/go"] = httpd.redirect(target.format(port=site.port))
        result = capture_url(site.url("/go"), policy=policy)
        assert result.status == "failed", target
        assert result.message.startswith("refused: "), result.message
    assert {p for p, _ in site.requests} == {"/go"}
    assert not Article.objects.exists()


def test_refusal_reasons_name_the_kind_of_address():
    assert capture.refusal("127.0.0.1") == "127.0.0.1 is a loopback address"
    assert capture.refusal("::ffff:10.1.2.3") == "10.1.2.3 is a private address"
    assert capture.refusal("0.0.0.0") == "0.0.0.0 is an unspecified address"
    assert capture.refusal("169.254.1.1") == "169.254.1.1 is a link-local address"
    assert capture.refusal("ff02::1") == "ff02::1 is a multicast address"
    assert capture.refusal("100.64.0.1") == "100.64.0.1 is not a public address"
    assert capture.refusal("93.184.216.34") == ""
    assert capture.refusal("2606:4700::1111") == ""


@pytest.mark.django_db(transaction=True)
def test_the_admin_capture_form_queues_a_job_and_reports_each_url(site, allow_private,
                                                                  staff_client):  # fmt: skip
    from tests import uploads

    page = staff_client.get("/admin/archive/article/capture/")
    assert page.status_code == 200 and "Capture by URL" in page.content.decode()
    assert "Capture by URL" in staff_client.get("/admin/archive/article/").content.decode()
    bad = staff_client.post("/admin/archive/article/capture/", {"urls": "ftp://x\n"})
    assert bad.status_code == 200 and "Not an http or https URL" in bad.content.decode()
    response = staff_client.post("/admin/archive/article/capture/", {
        "urls": f"{site.url('/article/1')}\n\n{site.url('/missing')}\n", "source": "Gazette"
    })  # fmt: skip
    assert response.status_code == 302
    job, report = uploads.report(staff_client, response)
    html = report.content.decode()
    assert "Capture report" in html
    assert "imported 1, duplicates 0, failed 1" in html
    assert "the server answered 404" in html
    assert Article.objects.get().source.name == "Gazette"


def test_the_capture_form_is_for_editors_only(client, site):
    response = client.get("/admin/archive/article/capture/")
    assert response.status_code == 302 and "/login/" in response["Location"]
