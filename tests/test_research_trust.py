"""Hostile content seen by a signed-in reader: article pages, results with collect buttons,
collection pages with notes, shared links and snapshots plant nothing that runs."""

import pytest

from archive.research import services
from tests.e2e.hostile import OWN_VECTORS, page_problems
from tests.factories import make_article
from tests.research import client_for, make_reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(on_commit):
    return [
        on_commit(
            make_article, title=f"Hostile {n} {vector[:80]}", body=f"<p>hostile {n}</p>{vector}"
        )
        for n, vector in enumerate(OWN_VECTORS[:12])
    ]


def test_reader_pages_with_hostile_content_plant_nothing(hostile):
    reader = make_reader()
    client = client_for(reader)
    collection = services.collection_create(
        owner=reader, name=OWN_VECTORS[0][:200], note=OWN_VECTORS[1]
    )
    for n, article in enumerate(hostile):
        services.collection_add(collection=collection, article=article)
        services.item_note_set(item=collection.items.get(article=article), note=OWN_VECTORS[n])
    services.share(obj=collection, on=True)
    client.post("/snapshots/", {"query": "q=hostile"})
    snapshot = reader.snapshots.get()
    pages = [
        hostile[0].get_absolute_url(),
        "/search/?q=hostile",
        collection.get_absolute_url(),
        f"{collection.get_absolute_url()}?q=hostile",
        f"/shared/collections/{collection.share_token}/",
        "/collections/",
        snapshot.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert page_problems(response.content) == [], url


def test_a_planted_form_inside_a_card_is_still_caught():
    page = (
        '<html><head></head><body><section class="results"><article class="card">'
        '<div class="collect"><form action="/x"></form></div></article>'
        '<div class="collect"><form method="post" action="/collect/"><button>Add</button>'
        "</form></div></section></body></html>"
    )
    problems = page_problems(page)
    assert problems and all('action="/x"' in p for p in problems)  # only the planted one
    assert any(p.startswith("[.card] <form>") for p in problems)
