"""Stories on the pages and in search: the story page and API, "Also published by",
`story` on results and articles, and group=story on the page, the API, CSV and the feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest

from archive import services
from archive.models import Article, Story
from search.forms import ArchiveSearchForm
from tests.factories import parsed
from tests.test_stories import NEAR_COPIES, html, seed_paragraphs

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def save(paragraphs, source, **kwargs):
    return services.save_article(parsed=parsed(body=html(paragraphs), source=source, **kwargs))


@pytest.fixture
def spread(on_commit):
    """One story told by three outlets (an original, an exact copy two days on, a copy with a
    paragraph cut and a footer added the next week), and one other article on the subject."""
    text = seed_paragraphs()

    def make():
        first = save(text, "The Original Times", published=dt.date(2022, 1, 10),
                     title="Talks in Geneva").article  # fmt: skip
        exact = save(text, "Copy Blog", published=dt.date(2022, 1, 12), title="Geneva talks",
                     ).article  # fmt: skip
        near = NEAR_COPIES["a header and a footer added"](text[:-1])
        later = save(near, "Aggregator Daily", published=dt.date(2022, 1, 17),
                     title="Geneva: the talks").article  # fmt: skip
        other = save(seed_paragraphs(1), "Other Post", published=dt.date(2022, 1, 11),
                     title="Geneva, another view").article  # fmt: skip
        return first, exact, later, other

    first, exact, later, other = on_commit(make)
    Article.objects.filter(pk=exact.pk).update(original_source="The Original Times")
    return {"first": first, "exact": exact, "later": later, "other": other,
            "story": Article.objects.get(pk=first.pk).story}  # fmt: skip


def test_the_story_page_lists_every_copy_oldest_first_with_lag_and_changes(client, spread):
    response = client.get(f"/stories/{spread['story'].pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    order = [page.index(name) for name in ("The Original Times", "Copy Blog", "Aggregator Daily")]
    assert order == sorted(order)
    assert "Other Post" not in page
    assert "+2 days" in page and "+7 days" in page
    assert "Originally published by The Original Times" in page
    assert "crediting The Original Times" in page
    assert "same text" in page  # the exact copy
    assert "2 paragraphs added, 1 paragraph removed" in page  # header, footer; the cut one
    assert '<ins class="paragraph">Support independent media' in page


def test_the_story_api_has_the_interface_shape(client, spread):
    data = client.get(f"/api/stories/{spread['story'].pk}/").json()
    assert (data["id"], data["size"], data["first"]) == (spread["story"].pk, 3, spread["first"].pk)
    assert [a["id"] for a in data["articles"]] == [
        spread["first"].pk,
        spread["exact"].pk,
        spread["later"].pk,
    ]
    one = data["articles"][1]
    assert {"id", "title", "url", "source", "published", "similarity"} <= set(one)
    assert one["similarity"] == 1.0 and 0.5 < data["articles"][2]["similarity"] < 1.0
    assert one["source"] == {"name": "Copy Blog", "slug": "copy-blog"}


def test_a_hidden_copy_is_not_shown_or_counted(client, spread):
    Article.objects.filter(pk=spread["later"].pk).update(is_public=False)
    data = client.get(f"/api/stories/{spread['story'].pk}/").json()
    assert data["size"] == 2 and spread["later"].pk not in [a["id"] for a in data["articles"]]
    Article.objects.filter(pk=spread["exact"].pk).update(is_public=False)
    assert client.get(f"/stories/{spread['story'].pk}/").status_code == 404  # a story of one
    assert client.get(f"/api/stories/{spread['story'].pk}/").status_code == 404


def test_a_story_of_many_copies_is_paged_each_copy_compared_with_the_earliest(
    client, spread, monkeypatch
):
    from archive import story_pages

    monkeypatch.setattr(story_pages, "STORY_PAGE", 2)
    url = f"/stories/{spread['story'].pk}/"
    first = client.get(url).content.decode()
    assert "Published by 3 outlets" in first  # counts them all
    assert "The Original Times" in first and "Copy Blog" in first
    assert "Aggregator Daily" not in first and 'href="?page=2"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "Aggregator Daily" in second and "Copy Blog" not in second
    assert "Originally published by The Original Times" in second  # the earliest, still
    assert "2 paragraphs added, 1 paragraph removed" in second  # against the earliest
    assert client.get(url, {"page": 3}).status_code == 404
    assert client.get(url, {"page": "x"}).status_code == 404
    data = client.get(f"/api/stories/{spread['story'].pk}/").json()
    assert (data["size"], data["page"], data["pages"]) == (3, 1, 2)
    assert data["next"].endswith(f"/api/stories/{spread['story'].pk}/?page=2")
    assert data["next"].startswith("http")
    rest = client.get(data["next"]).json()
    assert [a["id"] for a in rest["articles"]] == [spread["later"].pk]
    assert rest["first"] == spread["first"].pk and rest["next"] is None
    assert rest["articles"][0]["changes"] == {"added": 2, "removed": 1, "altered": 0}


def test_an_unknown_story_is_404(client, db):
    assert client.get("/stories/999/").status_code == 404
    assert client.get("/api/stories/999/").status_code == 404


def test_the_article_page_says_who_else_published_it(client, spread):
    page = client.get(spread["exact"].get_absolute_url()).content.decode()
    assert "Also published by 2 outlets" in page
    assert spread["first"].get_absolute_url() in page and spread["later"].get_absolute_url() in page
    assert f"/stories/{spread['story'].pk}/" in page
    alone = client.get(spread["other"].get_absolute_url()).content.decode()
    assert "Also published by" not in alone


def test_the_article_api_carries_its_story(client, spread):
    story = spread["story"].pk
    assert client.get(f"/api/articles/{spread['first'].pk}/").json()["story"] == {
        "id": story, "size": 3}  # fmt: skip
    assert client.get(f"/api/articles/{spread['other'].pk}/").json()["story"] is None


def test_search_results_carry_their_story(client, spread):
    results = client.get("/api/search/", {"q": "Geneva"}).json()["results"]
    stories = {r["id"]: r["story"] for r in results}
    assert stories[spread["first"].pk] == {"id": spread["story"].pk, "size": 3}
    assert stories[spread["other"].pk] is None
    assert all("outlets" not in r for r in results)


@pytest.mark.parametrize("q", ["Geneva", ""])
def test_group_story_gives_one_result_per_story_and_counts_stories(client, spread, q):
    ungrouped = client.get("/api/search/", {"q": q}).json()
    data = client.get("/api/search/", {"q": q, "group": "story"}).json()
    assert ungrouped["count"] == 4
    assert data["count"] == 2
    ids = [r["id"] for r in data["results"]]
    assert spread["other"].pk in ids and len(ids) == 2
    best = next(r for r in data["results"] if r["story"])
    assert best["outlets"] == 2
    assert data["facets"]["source"] == ungrouped["facets"]["source"]  # facets count articles


def test_group_story_keeps_the_chosen_order_best_match_first(client, spread):
    oldest = client.get("/api/search/", {"group": "story", "sort": "oldest"}).json()["results"]
    newest = client.get("/api/search/", {"group": "story", "sort": "newest"}).json()["results"]
    assert [r["id"] for r in oldest] == [spread["first"].pk, spread["other"].pk]
    assert [r["id"] for r in newest] == [spread["later"].pk, spread["other"].pk]


def test_group_story_pages_through_stories(client, spread):
    first = client.get("/api/search/", {"group": "story", "page_size": 1, "sort": "oldest"}).json()
    second = client.get(
        "/api/search/", {"group": "story", "page_size": 1, "sort": "oldest", "page": 2}
    ).json()
    assert (first["pages"], [r["id"] for r in first["results"]]) == (2, [spread["first"].pk])
    assert [r["id"] for r in second["results"]] == [spread["other"].pk]
    assert "group=story" in first["next"]


def test_group_story_pages_past_many_copies(client, on_commit):
    """A story's copies ahead of the window: the page is read past every one of them."""

    def make():
        text = seed_paragraphs(0)
        story = [save(text, f"Outlet {i}", published=dt.date(2022, 1, 1 + i)).article
                 for i in range(7)]  # fmt: skip
        others = [save(seed_paragraphs(n), f"Other {n}", published=dt.date(2022, 2, n)).article
                  for n in (1, 2, 3)]  # fmt: skip
        return story, others

    story, others = on_commit(make)
    expected = [story[0].pk, *(a.pk for a in others)]
    for page_size in (1, 2, 3):
        got = []
        for page in range(1, 5):
            data = client.get(
                "/api/search/",
                {"group": "story", "sort": "oldest", "page_size": page_size, "page": page},
            ).json()
            if "results" not in data:
                break
            got += [r["id"] for r in data["results"]]
            if not data["next"]:
                break
        assert got == expected, page_size
    assert client.get("/api/search/", {"group": "story"}).json()["count"] == 4


def test_group_story_reads_every_storys_ids_when_matches_are_many(client, spread, monkeypatch):
    """Past MAX_LISTED_IDS matches in stories, their story ids are read all at once (no list
    of ids too long for SQLite's bound parameters): the same groups."""
    from search import stories

    params = {"group": "story", "sort": "oldest"}
    listed = client.get("/api/search/", params).json()
    monkeypatch.setattr(stories, "MAX_LISTED_IDS", 0)
    every = client.get("/api/search/", params).json()
    assert every["count"] == listed["count"] == 2
    assert [r["id"] for r in every["results"]] == [r["id"] for r in listed["results"]]
    assert [r["outlets"] for r in every["results"]] == [r["outlets"] for r in listed["results"]]


def test_group_story_from_the_database_gives_the_same(spread):
    form = ArchiveSearchForm({"group": "story", "sort": "oldest"})
    assert form.is_valid()
    results = form.database_results()
    assert results.count == 2
    assert [h.article.pk for h in results.page(1).hits] == [spread["first"].pk, spread["other"].pk]
    assert [a.pk for a in results.iter_articles()] == [spread["first"].pk, spread["other"].pk]


def test_an_unknown_group_is_a_clear_error(client, db):
    response = client.get("/api/search/", {"group": "outlet"})
    assert response.status_code == 400
    assert "group" in response.json()["errors"]
    page = client.get("/search/", {"group": "outlet"})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()


def test_the_search_page_toggles_grouping_and_says_plus_n_outlets(client, spread):
    page = client.get("/search/", {"q": "Geneva"}).content.decode()
    assert "4 articles" in page and "group=story" in page and "Published by 3 outlets" in page
    grouped = client.get("/search/", {"q": "Geneva", "group": "story"}).content.decode()
    assert "2 stories" in grouped
    assert "+2 outlets" in grouped
    assert "Every copy" in grouped


def test_csv_and_feed_group_by_story(client, spread):
    rows = list(csv.reader(io.StringIO(
        b"".join(client.get("/search/export.csv", {"q": "Geneva", "group": "story"})
                 .streaming_content).decode("utf-8-sig"))))  # fmt: skip
    assert len(rows) == 1 + 2
    feed = ET.fromstring(client.get("/feeds/search/", {"q": "Geneva", "group": "story"}).content)
    assert len(feed.findall(f"{ATOM}entry")) == 2
    everything = ET.fromstring(client.get("/feeds/search/", {"q": "Geneva"}).content)
    assert len(everything.findall(f"{ATOM}entry")) == 4


def test_a_deleted_copy_leaves_search_and_story_consistent(client, spread, on_commit):
    on_commit(Article.objects.filter(pk__in=[spread["exact"].pk, spread["later"].pk]).delete)
    assert Story.objects.count() == 0
    data = client.get("/api/search/", {"q": "Geneva", "group": "story"}).json()
    assert data["count"] == 2 and all(r["story"] is None for r in data["results"])


def test_an_article_of_a_large_story_lists_the_earliest_copies_and_counts_all(client, spread):
    from archive.story_pages import ALSO_SHOWN
    from tests.factories import make_article

    story = spread["story"]
    for day in range(ALSO_SHOWN + 5):  # later copies of the same story, set by hand
        extra = make_article(title=f"Copy {day}", published=dt.date(2022, 3, 1) + dt.timedelta(day))
        Article.objects.filter(pk=extra.pk).update(story=story)
    total = Article.objects.public().filter(story=story).count() - 1
    page = client.get(spread["exact"].get_absolute_url()).content.decode()
    assert f"Also published by {total} outlets" in page
    assert f"{ALSO_SHOWN} of {total} shown" in page
    assert spread["first"].get_absolute_url() in page  # the earliest first
    section = page.split('class="also-published"')[1].split("</section>")[0]
    assert section.count("<li>") == ALSO_SHOWN


@pytest.mark.django_db(transaction=True)  # the import's index writer sees committed rows only
def test_an_import_of_copies_leaves_their_indexed_originals_grouped_once_it_is_done(
    client, tmp_path
):
    """The originals a copy joins are re-indexed (in_story) at the import's last drain: when
    the import returns, group=story folds them with their copies."""
    from search.models import PendingIndexUpdate

    texts = [seed_paragraphs(n) for n in range(3)]
    originals = [
        services.import_paths([str(_text_file(tmp_path / f"o{n}", t))], source=f"Original {n}")
        for n, t in enumerate(texts)
    ]
    assert all(r.summary == "imported 1, duplicates 0, failed 0" for r in originals)
    copies = tmp_path / "copies"
    for n, text in enumerate(texts):
        _text_file(copies / f"c{n}", text)
    report = services.import_paths([str(copies)], source="Copy Blog")
    assert report.count(services.IMPORTED) == 3
    assert PendingIndexUpdate.objects.count() == 0
    data = client.get("/api/search/", {"group": "story"}).json()
    assert data["count"] == 3
    assert sorted(r["outlets"] for r in data["results"]) == [1, 1, 1]


def _text_file(folder, paragraphs):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "story.txt"
    path.write_text("Talks in Geneva\n\n" + "\n\n".join(paragraphs), "utf-8")
    return folder
