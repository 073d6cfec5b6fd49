"""Collections: collect in one click without JavaScript, order, notes, privacy (another
reader's ids are 404), secret read-only links, search inside, exports and JSON."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive.research import services
from archive.research.models import Collection
from tests.factories import make_article
from tests.research import client_for, make_reader

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def reader():
    return make_reader("ann")


@pytest.fixture
def articles(on_commit):
    return [
        on_commit(make_article, title="Ferries return to the harbour", source="Coastal Times"),
        on_commit(make_article, title="Harbour bridge opens", source="Inland Post"),
        on_commit(make_article, title="Summit in Geneva", source="Coastal Times"),
    ]


@pytest.fixture
def dossier(reader, articles):
    collection = services.collection_create(owner=reader, name="Harbour dossier", note="Why")
    for article in articles:
        services.collection_add(collection=collection, article=article)
    return collection


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_article_page_offers_collecting_only_to_a_reader(client, reader, articles):
    article = articles[0]
    assert 'action="/collect/"' not in client.get(article.get_absolute_url()).content.decode()
    page = client_for(reader).get(article.get_absolute_url()).content.decode()
    assert 'action="/collect/"' in page and "Add to new collection" in page


def test_collect_from_search_results_makes_a_collection_and_returns(reader, articles):
    client = client_for(reader)
    results = client.get("/search/", {"q": "harbour"}).content.decode()
    assert results.count('action="/collect/"') == 2
    response = client.post(
        "/collect/",
        {"article": articles[0].pk, "new_name": "Ports", "next": "/search/?q=harbour"},
    )
    assert response.status_code == 302 and response["Location"] == "/search/?q=harbour"
    collection = Collection.objects.get(owner=reader)
    assert collection.name == "Ports" and list(collection.articles.all()) == [articles[0]]
    # Now the result says where it is and offers removal; the others offer the collection.
    results = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "Remove" in results and f'<option value="{collection.pk}">Ports</option>' in results


def test_collecting_says_what_it_did_on_the_page_it_returns_to(reader, articles):
    response = client_for(reader).post(
        "/collect/", {"article": articles[0].pk, "new_name": "Ports", "next": "/search/?q=x"},
        follow=True,
    )  # fmt: skip
    assert "Added to “Ports”" in response.content.decode()


def test_collect_and_remove_in_one_click(reader, dossier, articles):
    client = client_for(reader)
    other = services.collection_create(owner=reader, name="Other")
    client.post("/collect/", {"article": articles[1].pk, "collection": other.pk})
    assert list(other.articles.all()) == [articles[1]]
    client.post("/collect/", {"article": articles[1].pk, "collection": other.pk,
                              "action": "remove"})  # fmt: skip
    assert not other.articles.exists()
    assert dossier.items.count() == 3  # the other collection is untouched


def test_collect_twice_keeps_one_item(reader, dossier, articles):
    client_for(reader).post("/collect/", {"article": articles[0].pk, "collection": dossier.pk})
    assert dossier.items.count() == 3


def test_collect_never_redirects_to_another_site(reader, articles):
    response = client_for(reader).post(
        "/collect/", {"article": articles[0].pk, "new_name": "X", "next": "https://evil.example/"}
    )
    assert response["Location"] == articles[0].get_absolute_url()


def test_collect_needs_csrf(reader, articles):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = client.post("/collect/", {"article": articles[0].pk, "new_name": "X"})
    assert response.status_code == 403 and not Collection.objects.exists()


def test_collect_get_is_not_allowed(reader, articles):
    assert client_for(reader).get("/collect/", {"article": articles[0].pk}).status_code == 405


def test_collect_into_another_readers_collection_is_refused(reader, dossier, articles):
    mallory = make_reader("mallory")
    response = client_for(mallory).post(
        "/collect/", {"article": articles[0].pk, "collection": dossier.pk, "action": "remove"}
    )
    assert response.status_code == 302 and dossier.items.count() == 3


def test_a_withdrawn_article_cannot_be_collected(reader, articles):
    articles[0].is_public = False
    articles[0].save()
    response = client_for(reader).post("/collect/", {"article": articles[0].pk, "new_name": "X"})
    assert response.status_code == 404


def test_collection_page_lists_in_order_and_moves(reader, dossier, articles):
    client = client_for(reader)
    page = client.get(dossier.get_absolute_url()).content.decode()
    titles = [a.title for a in articles]
    assert [page.index(t) for t in titles] == sorted(page.index(t) for t in titles)
    url = f"/collections/{dossier.pk}/items/{articles[2].pk}/move/"
    client.post(url, {"direction": "-1"})
    order = list(dossier.items.values_list("article_id", flat=True))
    assert order == [articles[0].pk, articles[2].pk, articles[1].pk]


def test_notes_are_plain_text_never_html(reader, dossier, articles):
    client = client_for(reader)
    note = '<script>alert(1)</script>\n<b onclick="x()">bold</b>'
    client.post(f"/collections/{dossier.pk}/items/{articles[0].pk}/note/", {"note": note})
    client.post(dossier.get_absolute_url(), {"name": "Renamed", "note": "<img src=x onerror=y>"})
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "<b onclick" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in page
    dossier.refresh_from_db()
    assert dossier.name == "Renamed" and dossier.items.get(article=articles[0]).note == note


def test_rename_needs_a_name(reader, dossier):
    response = client_for(reader).post(dossier.get_absolute_url(), {"name": "", "note": ""})
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.name == "Harbour dossier"


def test_empty_states(reader):
    client = client_for(reader)
    assert "No collections yet" in client.get("/collections/").content.decode()
    empty = services.collection_create(owner=reader, name="Empty")
    assert "This collection is empty" in client.get(empty.get_absolute_url()).content.decode()


def test_another_readers_urls_are_all_404(reader, dossier, articles):
    mallory = client_for(make_reader("mallory"))
    pk, art = dossier.pk, articles[0].pk
    gets = [f"/collections/{pk}/", f"/collections/{pk}/export.csv", f"/collections/{pk}/export.ris",
            f"/collections/{pk}/export.atom", f"/collections/{pk}/?q=harbour",
            f"/api/collections/{pk}/"]  # fmt: skip
    for url in gets:
        assert mallory.get(url).status_code == 404, url
    posts = [(f"/collections/{pk}/", {"name": "Mine", "note": ""}),
             (f"/collections/{pk}/delete/", {}), (f"/collections/{pk}/share/", {"share": "on"}),
             (f"/collections/{pk}/items/{art}/note/", {"note": "x"}),
             (f"/collections/{pk}/items/{art}/move/", {"direction": "1"})]  # fmt: skip
    for url, data in posts:
        assert mallory.post(url, data).status_code == 404, url
    dossier.refresh_from_db()
    assert dossier.name == "Harbour dossier" and dossier.share_token is None
    assert "Harbour dossier" not in mallory.get("/collections/").content.decode()
    assert mallory.get("/api/collections/").json() == {"results": []}


def test_anonymous_is_sent_to_log_in(client, dossier):
    response = client.get(dossier.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/collections/").status_code == 401


def test_share_link_is_read_only_and_revocable(client, reader, dossier, articles):
    owner = client_for(reader)
    owner.post(f"/collections/{dossier.pk}/share/", {"share": "on"})
    dossier.refresh_from_db()
    token = dossier.share_token
    assert len(token) >= 43  # 32 random bytes
    shared = client.get(f"/shared/collections/{token}/")
    page = shared.content.decode()
    assert shared.status_code == 200 and articles[0].title in page
    assert "Revoke" not in page and "item-note" not in page and "csrfmiddlewaretoken" not in page
    assert client.get(f"/shared/collections/{token}/export.csv").status_code == 200
    owner.post(f"/collections/{dossier.pk}/share/", {"share": "off"})
    assert client.get(f"/shared/collections/{token}/").status_code == 404
    assert client.get(f"/shared/collections/{token}/export.csv").status_code == 404
    owner.post(f"/collections/{dossier.pk}/share/", {"share": "on"})
    dossier.refresh_from_db()
    assert dossier.share_token != token  # a revoked link never comes back


def test_search_inside_a_collection_with_facets(reader, dossier, on_commit):
    outside = on_commit(make_article, title="Harbour strike", source="Coastal Times")
    page = client_for(reader).get(dossier.get_absolute_url(), {"q": "harbour"}).content.decode()
    assert "2 articles in this collection" in page
    assert "Ferries return" in page and "Harbour bridge" in page and outside.title not in page
    assert 'href="?q=harbour&amp;source=coastal-times"' in page  # a facet, kept inside
    narrowed = (
        client_for(reader)
        .get(dossier.get_absolute_url(), {"q": "harbour", "source": "coastal-times"})
        .content.decode()
    )
    assert "1 article in this collection" in narrowed and "Harbour bridge" not in narrowed


def test_search_inside_an_empty_collection_finds_nothing(reader, articles):
    empty = services.collection_create(owner=reader, name="Empty")
    page = client_for(reader).get(empty.get_absolute_url(), {"q": "harbour"}).content.decode()
    assert "0 articles in this collection" in page


def test_csv_export_with_notes(reader, dossier, articles):
    services.item_note_set(item=dossier.items.get(article=articles[0]), note="=cmd|x")
    response = client_for(reader).get(f"/collections/{dossier.pk}/export.csv")
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert 'filename="harbour-dossier.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [int(r["id"]) for r in rows] == [a.pk for a in articles]
    assert rows[0]["note"] == "'=cmd|x" and rows[0]["source"] == "Coastal Times"
    assert rows[0]["url"].startswith("http://testserver/articles/")


def test_atom_export(reader, dossier, articles):
    response = client_for(reader).get(f"/collections/{dossier.pk}/export.atom")
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}title").text == "News archive: Harbour dossier"
    assert [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")] == [
        a.title for a in articles
    ]


def test_citation_exports(reader, dossier, articles):
    client = client_for(reader)
    ris = body(client.get(f"/collections/{dossier.pk}/export.ris"))
    assert ris.count("TY  - NEWS") == 3 and "TI  - Ferries return to the harbour" in ris
    items = json.loads(body(client.get(f"/collections/{dossier.pk}/export.json")))
    assert [i["title"] for i in items] == [a.title for a in articles]
    assert items[0]["container-title"] == "Coastal Times"
    bib = body(client.get(f"/collections/{dossier.pk}/export.bib"))
    assert len(re.findall(r"^@article\{", bib, re.M)) == 3
    assert client.get(f"/collections/{dossier.pk}/export.exe").status_code == 404


def test_api_lists_and_shows_own_collections(reader, dossier, articles):
    client = client_for(reader)
    listing = client.get("/api/collections/").json()["results"]
    assert [(c["id"], c["name"], c["size"]) for c in listing] == [(dossier.pk, dossier.name, 3)]
    services.item_note_set(item=dossier.items.get(article=articles[0]), note="key source")
    detail = client.get(f"/api/collections/{dossier.pk}/").json()
    assert [i["id"] for i in detail["items"]] == [a.pk for a in articles]
    assert detail["items"][0]["note"] == "key source" and detail["shared"] is False


def test_delete_a_collection_keeps_the_articles(reader, dossier, articles):
    client_for(reader).post(f"/collections/{dossier.pk}/delete/")
    assert not Collection.objects.exists()
    articles[0].refresh_from_db()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_article_page_costs_a_reader_few_more_queries(
    client, reader, articles, django_assert_max_num_queries
):
    url = articles[0].get_absolute_url()
    client.get(url)  # warm what is cached per process
    anonymous = count_queries(client, url)
    signed_in = client_for(reader)
    # Many collections, several holding the article: the cost must not grow with them.
    for n in range(8):
        c = services.collection_create(owner=reader, name=f"C{n}")
        if n % 2:
            services.collection_add(collection=c, article=articles[0])
    # Session and user are Django's own two for any signed-in page; the collect box is one.
    with django_assert_max_num_queries(anonymous + 3):
        page = signed_in.get(url).content.decode()
    assert page.count(">Remove</button>") == 4


def test_results_page_costs_do_not_grow_with_results(
    reader, on_commit, django_assert_max_num_queries
):
    found = [on_commit(make_article, title=f"Harbour news {n}") for n in range(6)]
    client = client_for(reader)
    c = services.collection_create(owner=reader, name="C")
    client.get("/search/?q=harbour&page_size=2")  # warm what is cached per process
    few = count_queries(client, "/search/?q=harbour&page_size=2")
    for article in found[:4]:
        services.collection_add(collection=c, article=article)
    with django_assert_max_num_queries(few):
        client.get("/search/?q=harbour&page_size=6")
