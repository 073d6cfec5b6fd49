from archive.sanitize import clean_html, content_hash, html_to_text


def test_it_keeps_the_tags_an_article_needs():
    html = (
        "<h2>Head</h2><p>A <em>b</em> <strong>c</strong></p><ul><li>x</li></ul>"
        "<blockquote>q</blockquote><table><tr><td>1</td></tr></table>"
    )
    cleaned = clean_html(html)
    for tag in ("<h2>", "<em>", "<strong>", "<ul>", "<li>", "<blockquote>", "<table>", "<td>"):
        assert tag in cleaned


def test_it_drops_scripts_with_their_content():
    cleaned = clean_html("<p>Hi</p><script>alert(1)</script><style>p{}</style>")
    assert "script" not in cleaned and "alert" not in cleaned and "style" not in cleaned
    assert "<p>Hi</p>" in cleaned


def test_it_removes_event_handlers_and_javascript_urls():
    cleaned = clean_html(
        '<p onclick="x()">a</p><a href="javascript:alert(1)">l</a>'
        '<img src="data:text/html,x" onerror="y()"><a href="vbscript:z">v</a>'
    )
    assert "onclick" not in cleaned and "onerror" not in cleaned
    assert "javascript:" not in cleaned and "vbscript:" not in cleaned and "data:" not in cleaned


def test_links_get_safe_rel():
    cleaned = clean_html('<a href="https://example.com/x">x</a>')
    assert 'href="https://example.com/x"' in cleaned
    assert "noopener" in cleaned and "nofollow" in cleaned


def test_images_keep_safe_src():
    cleaned = clean_html('<img src="https://example.com/a.jpg" alt="A">')
    assert 'src="https://example.com/a.jpg"' in cleaned and 'alt="A"' in cleaned


def test_it_is_idempotent():
    html = '<p>a &amp; b <a href="https://e.com">e</a></p><script>x</script>'
    once = clean_html(html)
    assert clean_html(once) == once


def test_it_drops_forms_iframes_and_meta():
    cleaned = clean_html(
        '<form action="/x"><input name=a></form><iframe src="https://e.com"></iframe>'
        '<meta http-equiv="refresh" content="0"><base href="https://e.com"><p>ok</p>'
    )
    for bad in ("<form", "<input", "<iframe", "<meta", "<base"):
        assert bad not in cleaned
    assert "<p>ok</p>" in cleaned


def test_html_to_text_separates_paragraphs():
    assert html_to_text("<p>One  two</p><p>Three</p>") == "One two\n\nThree"


def test_html_to_text_of_nothing_is_empty():
    assert html_to_text("") == ""
    assert html_to_text("   ") == ""


def test_content_hash_ignores_case_spacing_and_punctuation():
    assert content_hash("Hello,  World!") == content_hash("hello world")
    assert content_hash("hello world") != content_hash("hello there")


def test_web_url_keeps_only_http_and_https():
    from archive.sanitize import web_url

    assert web_url("https://example.com/a") == "https://example.com/a"
    assert web_url("http://example.com/a") == "http://example.com/a"
    for bad in (
        "javascript:alert(1)",
        " java\tscript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "//evil.example/x",
        "/relative",
        "mailto:a@b.c",
        "",
    ):
        assert web_url(bad) == "", bad


def test_clean_name_folds_controls_and_spaces():
    from archive.sanitize import clean_name

    assert clean_name(" Ann\x00 \x07Writer\n ") == "Ann Writer"
