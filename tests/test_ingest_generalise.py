"""The importer on pages and scraped texts it was not written for: one test per failure kind of
issue 11, each on a short excerpt of a real page or on a page of ../shared/ingest-dev (skipped
when that folder is absent). Scraped texts are written as the seeds are: markdown-like, link
targets '#'."""

from __future__ import annotations

import datetime as dt
import gzip
import html as htmllib
from pathlib import Path

import pytest

from archive.ingest import parse
from archive.ingest.boilerplate import find_rule
from archive.ingest.credits import organisation, sort_credits
from archive.ingest.dates import search_date
from archive.ingest.names import split_names
from archive.ingest.titles import TitleCandidates, choose_title, strip_site_name

DEV = Path(__file__).resolve().parents[2] / "shared" / "ingest-dev"
BODY = (
    "The council met on Tuesday evening and agreed, after a long debate, to keep the library "
    "open on Sundays through the winter, a decision welcomed by parents and students alike.\n\n"
    "Officials said the cost would be met from the culture budget and that staff had agreed "
    "to the new rota without any change to their contracts or their pay this year.\n"
)


def scrape(text: str):
    [outcome] = parse(text.encode(), name="scrape.txt")
    assert outcome.error == ""
    return outcome.article


def page(html: str):
    [outcome] = parse(html.encode(), name="page.html")
    assert outcome.error == ""
    return outcome.article


def dev_page(file: str) -> bytes:
    path = DEV / "trafilatura" / "pages" / f"{file}.gz"
    if not path.exists():
        pytest.skip(f"development set not found in {DEV}")
    return gzip.decompress(path.read_bytes())


def html_doc(head: str, body: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    return f"<html><head>{head}</head><body>{body}<article>{paragraphs}</article></body></html>"


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("title", "site", "domain", "expected"),
    [
        ("Ukraine talks stall | DW | 28.04.2023", [], "www.dw.com", "Ukraine talks stall"),
        # bibliothek2null.de: the site's name and its domain begin alike
        ("Alles Neue mach der Mai… | Bibliothek 2.0 und mehr", [], "www.bibliothek2null.de",
         "Alles Neue mach der Mai…"),
        ("Apple kills its car | TechCrunch", [], "techcrunch.com", "Apple kills its car"),
        ("Vláda schválila rozpočet - Seznam Zprávy", [], "www.seznamzpravy.cz",
         "Vláda schválila rozpočet"),
        ("Parité hommes-femmes | La Presse", ["La Presse"], "", "Parité hommes-femmes"),
        ("Pros and cons - a debate", [], "example.org", "Pros and cons - a debate"),
        # disfunctions.de: the blog's section before the post's title
        ("Blog Archiv » Podcasts in Plex einbinden", [], "disfunctions.de",
         "Podcasts in Plex einbinden"),
        ("Archiv der Zukunft | Heft 3", [], "example.org", "Archiv der Zukunft | Heft 3"),
    ],
)  # fmt: skip
def test_the_site_name_and_a_date_come_off_a_title(title, site, domain, expected):
    assert strip_site_name(title, site, domain) == expected


def test_the_title_is_what_h1_og_title_and_title_agree_on():
    candidates = TitleCandidates(
        {"h1": ["Alles Neue mach der Mai…"], "title": ["Alles Neue mach der Mai… | Bibliothek 2.0"]}
    )
    assert choose_title(candidates) == "Alles Neue mach der Mai…"
    # the header's <h1> is the blog's name, the last part of <title>, while the first part is
    # the headline elsewhere (JSON-LD): the post's title wins
    logo = TitleCandidates(
        {
            "h1": ["Bibliothek 2.0 und mehr"],
            "title": ["Alles Neue | Bibliothek 2.0 und mehr"],
            "jsonld": ["Alles Neue"],
        }
    )
    assert choose_title(logo) == "Alles Neue"
    # a section's name before the headline: the <h1> (backed by JSON-LD) wins over <title>
    section = TitleCandidates(
        {
            "h1": ["Mit Musiker Voodoo Jürgens in Wien"],
            "title": ["Durch die Gegend | Mit Musiker Voodoo Jürgens in Wien"],
            "jsonld": ["Mit Musiker Voodoo Jürgens in Wien"],
        }
    )
    assert choose_title(section) == "Mit Musiker Voodoo Jürgens in Wien"
    # widget headings are no headline: the one og:title and JSON-LD agree on is
    widgets = TitleCandidates(
        {
            "h1": ["Neueste Kommentare", "Wann, wenn nicht jetzt..."],
            "og": ["Das schönste Ende der Welt: Montauk"],
            "jsonld": ["Das schönste Ende der Welt: Montauk"],
        }
    )
    assert choose_title(widgets) == "Das schönste Ende der Welt: Montauk"


def test_a_page_title_loses_its_site_name():
    head = (
        "<title>Mark Meadows to retire - POLITICO</title>"
        '<meta property="og:site_name" content="POLITICO">'
    )
    assert page(html_doc(head, "<h1>Mark Meadows to retire</h1>")).title == "Mark Meadows to retire"


def test_a_real_page_title_loses_its_site_name():
    article = page(dev_page("lastampa.it.temperature.html").decode("utf-8"))
    assert article.title == (
        "Perturbazione polare al Centro e al Sud. Il Nord, scavalcato, mantiene temperature alte"
    )


def test_navigation_lines_are_never_the_title_of_a_scrape():
    text = (
        "Breadcrumb Trail Links\n\n* [News](#)\n* [Local](#)\n\nEdition\n\n[Login](#)\n\n"
        "Donate\n\n# Library to stay open on Sundays\n\n" + BODY
    )
    article = scrape(text)
    assert article.title == "Library to stay open on Sundays"
    assert "Breadcrumb" not in article.body_html and "Donate" not in article.body_html


def test_a_blogs_day_heading_in_any_language_is_not_the_posts_title():
    text = f"# [privacy policy](#)\n\n## mardi 5 juin 2018\n\n### SibenLab privacy policy\n\n{BODY}"
    article = scrape(text)
    assert (article.title, article.published) == ("SibenLab privacy policy", dt.date(2018, 6, 5))


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("12:20pm Jan 7, 2024", dt.date(2024, 1, 7)),
        ("Published Jun 05, 2026 • 3 minute read", dt.date(2026, 6, 5)),
        ("30/04/2024 - 16:38", dt.date(2024, 4, 30)),
        ("17:41 JST, October 13, 2024", dt.date(2024, 10, 13)),
        ("June 26, 2023 5 AM PT", dt.date(2023, 6, 26)),
        ("- 06 February 2026", dt.date(2026, 2, 6)),
        ("Veröffentlicht am 10. Februar 2019 von Heiko", dt.date(2019, 2, 10)),
        ("19 de febrero de 2020", dt.date(2020, 2, 19)),
        ("13 октября 2024", dt.date(2024, 10, 13)),
        ("2024年10月13日 17:41", dt.date(2024, 10, 13)),
        ("2023년 10월 13일", dt.date(2023, 10, 13)),
        ("Posted on 28. Juli 201928. Juli 2019", dt.date(2019, 7, 28)),
    ],
)
def test_datelines_in_many_formats_and_languages_are_read_in_a_scrape(line, expected):
    article = scrape(f"# Library to stay open on Sundays\n\n{line}\n\n{BODY}")
    day = (
        article.published.date()
        if isinstance(article.published, dt.datetime)
        else article.published
    )
    assert day == expected


@pytest.mark.parametrize(
    "line", ["Last updated on 20 Feb, 2020", "© 2019 Example News", "Copyright 2021 All rights"]
)
def test_last_updated_and_copyright_lines_are_never_the_date(line):
    assert search_date(line) is None
    assert scrape(f"# Library to stay open\n\n{line}\n\n{BODY}").published is None


def test_a_day_dot_month_dateline_is_not_read_as_a_numbered_list():
    article = scrape(f"# Liebe Leser\n\nVon\n\n[Robert](#)\n\n-\n\n31. Dezember 2019\n\n{BODY}")
    assert article.published == dt.date(2019, 12, 31)
    assert article.authors == ["Robert"]
    assert "Dezember" not in article.body_html


def test_dates_of_other_stories_below_the_article_start_are_not_its_date():
    text = (
        f"# Library to stay open on Sundays\n\n{BODY}\n### [Another story](#)\n\n1. November 2023\n"
    )
    assert scrape(text).published is None


def test_a_page_without_a_shown_date_gets_none():
    head = '<meta http-equiv="last-modified" content="2020-02-20"><title>Opening hours</title>'
    assert page(html_doc(head, "<h1>Opening hours</h1>")).published is None


def test_a_page_dateline_under_the_headline_is_its_date():
    body = "<h1>Library to stay open</h1><p class='meta'>Posted on 12 March 2021</p>"
    assert page(html_doc("<title>Library</title>", body)).published == dt.date(2021, 3, 12)


def test_a_day_the_page_shows_beats_its_markups_utc_day_one_off():
    """article:published_time late on 3 May in UTC-5 is 4 May on the page: the shown day."""
    head = (
        "<title>Library</title><meta property='article:published_time'"
        " content='2022-05-03T23:30:00-05:00'>"
        "<meta property='og:url' content='https://www.example.org/news/library'>"
    )
    teasers = "".join(f"<p>Teaser {i}</p>" for i in range(40))  # far from the headline
    body = f"<h1>Library to stay open</h1>{teasers}<p class='meta'>04 de mayo 2022</p>"
    assert page(html_doc(head, body)).published == dt.date(2022, 5, 4)
    far = f"<h1>Library to stay open</h1>{teasers}<p class='meta'>20 de mayo 2022</p>"
    assert page(html_doc(head, far)).published is None  # not the markup's day, nor one off


@pytest.mark.parametrize(
    ("file", "day"),
    [
        ("eltiempo.com-candidatos.html", dt.date(2022, 5, 4)),  # markup 3 May, page 4 May
        ("kas.de-nordmazedonien.html", dt.date(2021, 11, 5)),
        ("aoc.media.archaisme.html", dt.date(2019, 12, 10)),  # the dateline under the headline
    ],
)
def test_real_pages_whose_markup_is_a_day_off_the_shown_date(file, day):
    published = page(dev_page(file).decode("utf-8")).published
    assert (published.date() if isinstance(published, dt.datetime) else published) == day


# --------------------------------------------------------------------------- authors


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("By [Sarah Lazare](#)", ["Sarah Lazare"]),
        ("## By [Sarah Lazare](#)", ["Sarah Lazare"]),
        ("by [Paul Serran](#) Jul. 19, 2026 9:45 am", ["Paul Serran"]),
        ("Von [Felix Eisenreich](#) // 1. November 2023", ["Felix Eisenreich"]),
        ("Par Jeanne Corriveau", ["Jeanne Corriveau"]),
        ("Por Luciana Bertoia", ["Luciana Bertoia"]),
        ("Di Giampiero Maggio", ["Giampiero Maggio"]),
        ("Door Anne de Vries", ["Anne de Vries"]),
        ("Av Erik Larsen", ["Erik Larsen"]),
        ("Autor: Tim Ehlers", ["Tim Ehlers"]),
        ("| By \nCara Stiles |\nApril 13, 2020", ["Cara Stiles"]),
        ("Veröffentlicht am [10. Februar 2019](#) von [Heiko](#)", ["Heiko"]),
    ],
)
def test_bylines_in_many_languages_and_shapes_give_the_people(line, people):
    article = scrape(f"# Library to stay open on Sundays\n\n{line}\n\n{BODY}")
    assert article.authors == people
    assert article.organisations == []


def test_a_byline_after_the_navigation_is_read():
    text = (
        "* [Home](#)\n* [News](#)\n* [Sport](#)\n\n# Library to stay open\n\nBy [Ann Lee](#)\n\n"
        + BODY
    )
    assert scrape(text).authors == ["Ann Lee"]


def test_a_persons_bare_name_link_under_the_byline_word_is_not_a_site_name():
    article = scrape(f"# Library to stay open\n\nBy\n\n[Lucas Leiroz](#)\n\n{BODY}")
    assert article.authors == ["Lucas Leiroz"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Deutsche Welle", "organisation"),
        ("Frankfurter Allgemeine Zeitung GmbH", "organisation"),
        ("Condé Nast", "organisation"),
        ("dpa", "organisation"),
        ("AP", "organisation"),
        ("Associated Press", "organisation"),
        ("Marcus Theurer", "person"),
    ],
)
def test_publishers_and_agencies_are_organisations_not_people(name, kind):
    people, organisations = sort_credits([name])
    assert (organisations if kind == "organisation" else people) == [organisation(name) or name]
    assert not (people if kind == "organisation" else organisations)


def test_the_sites_own_publisher_is_an_organisation_not_a_person():
    def credits(author: str, url: str):
        head = (
            f"<title>Library</title><meta name='author' content='{author}'>"
            f"<meta property='og:url' content='{url}'>"
        )
        # the byline shown under the headline (a name the page never shows is no credit)
        article = page(html_doc(head, f"<h1>Library to stay open</h1><p>{author}</p>"))
        return article.authors, article.organisations

    assert credits("Deutsches Rotes Kreuz", "https://www.drk.de/a") == (
        [],
        ["Deutsches Rotes Kreuz"],
    )
    assert credits("Diakonie Deutschland", "https://www.diakonie.de/a") == (
        [],
        ["Diakonie Deutschland"],
    )
    assert credits("Daniel Weber", "https://www.dw.com/a") == (["Daniel Weber"], [])
    assert credits("Diakonie Deutschland", "https://www.example.org/a")[0] == [
        "Diakonie Deutschland"
    ]


def test_a_blogs_author_named_like_the_blog_is_kept_and_the_site_as_author_is_not():
    def authors(author: str, url: str):
        head = (
            f"<title>Library</title><meta name='author' content='{author}'>"
            f"<meta property='og:url' content='{url}'>"
        )
        body = f"<h1>Library to stay open</h1><p>{author}</p>"  # the byline, shown
        return page(html_doc(head, body)).authors

    assert authors("Wolfgang Schmale", "https://wolfgangschmale.eu/x/") == ["Wolfgang Schmale"]
    assert authors("Tagesschau", "https://www.tagesschau.de/x.html") == []


def _page_by(name: str, boxes: int) -> str:
    head = (
        "<title>Library</title><script type='application/ld+json'>{\"@context\": "
        '"https://schema.org", "@type": "Article", "headline": "Library to stay '
        f'open", "author": {{"@type": "Person", "name": "{name}"}}}}</script>'
    )
    box = f"<aside><a href='/author/x/'>{name}</a><p>{name} Pickert ist freier Autor.</p></aside>"
    html = html_doc(head, "<h1>Library to stay open</h1>")
    return html.replace(
        "</body>", box + f"<p>{name} Pickert, Hamburg</p>" * (boxes - 1) + "</body>"
    )


def test_a_given_name_alone_as_the_author_is_widened_to_the_full_name_the_page_writes():
    assert page(_page_by("Nils", boxes=2)).authors == ["Nils Pickert"]
    assert page(_page_by("Nils", boxes=1)).authors == ["Nils"]  # written once: not sure
    assert page(_page_by("Kidogo", boxes=2)).authors == ["Kidogo"]  # a handle, not a name


@pytest.mark.parametrize("word", ["Posted", "Follow", "Datum", "Unbenannt", "Text", "Anónimo"])
def test_a_pages_labels_and_buttons_are_not_people(word):
    assert sort_credits([word]) == ([], [])


@pytest.mark.parametrize(
    ("line", "people"),
    [
        (
            "* [Clara Löw](#), [Siddharth Prakash](#) & [Klaus Jacob](#)",
            ["Clara Löw", "Siddharth Prakash", "Klaus Jacob"],
        ),
        ("[Ann Lee](#) and [Bo Chan](#)", ["Ann Lee", "Bo Chan"]),
        ("[Home](#), [News](#) & [Sport](#)", []),
    ],
)
def test_several_linked_names_on_one_line_below_the_title_are_the_authors(line, people):
    assert scrape(f"# Library to stay open\n\n{line}\n\n{BODY}").authors == people


def test_a_table_of_contents_or_related_links_are_not_a_byline():
    toc = (
        "In diesem Artikel:\n\n[Allgemeine Reisetipps](#)\n\n"
        "[Praxistipps für den Roadtrip + Podcast](#)\n\n[Orte, die sehenswert sind](#)\n\n"
    )
    article = scrape(f"# Vanlife in Schweden\n\n06.01.2022\n\n{toc}{BODY}")
    assert (article.authors, article.published) == ([], dt.date(2022, 1, 6))
    related = "[Weitere Tourentipps in Schweden](#)\n\n[Die besten Campingplätze](#)\n\n"
    text = f"# Vanlife in Schweden\n\n[Nordische Küche](#)\n\n{related}{BODY}"
    assert scrape(text).authors == []


def test_an_authors_link_beside_a_linked_date_and_a_social_link_is_the_byline():
    head = "[Nuño Domínguez](#)\n\n* [Twitter](#)\n\n[19 FEB 2020 - 18:37 CET](#)\n\n"
    assert scrape(f"# ¿Ha llegado la Antártida a los 20 grados?\n\n{head}{BODY}").authors == [
        "Nuño Domínguez"
    ]


@pytest.mark.parametrize(
    ("names", "people"),
    [
        ("[Ann Lee](#)\n\n[Bo Chan](#)", ["Ann Lee", "Bo Chan"]),
        ("[Андрей Колесников](#)\n\n[Ирина Петрова](#)", ["Андрей Колесников", "Ирина Петрова"]),
    ],
)
def test_two_linked_names_one_under_the_other_are_both_authors(names, people):
    assert scrape(f"# Library to stay open\n\n{names}\n\n{BODY}").authors == people


def test_an_agency_byline_is_kept_as_an_organisation():
    article = scrape(f"# Library to stay open\n\nBy AP and Ann Lee\n\n{BODY}")
    assert article.authors == ["Ann Lee"]
    assert article.organisations == ["AP"]


def test_a_json_ld_organisation_author_is_an_organisation():
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Library",'
        '"author": [{"@type": "Person", "name": "Ann Lee"},'
        '{"@type": "Organization", "name": "Zvei"}]}</script>'
    )
    article = page(html_doc(f"<title>Library</title>{ld}", "<h1>Library</h1>"))
    assert article.authors == ["Ann Lee"] and article.organisations == ["Zvei"]


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    "line",
    [
        "Share via email Share on X Share on Facebook",
        "Sign In",
        "Share on WhatsApp | Share on Facebook",
    ],
)
def test_share_bars_and_account_links_are_boilerplate(line):
    assert find_rule(line) is not None
    assert (
        line.split()[0] not in scrape(f"# Library\n\n{BODY}\n{line}\n\nMore text here.\n").body_html
    )


@pytest.mark.parametrize(
    "line",
    [
        "Video Player is loading.",
        "Current Time 0:00",
        "Seek to live, currently playing live",
        "Media playback is unsupported on your device",
        "00:00",
        "1,234 shares",
        "Image 3 of / 12",
        "Iklan",
        "Sharing is caring!",
        "These are external links and will open in a new window",
        "Notify me via e-mail if anyone answers my comment.",
        "Save my name, email, and website in this browser for the next time I comment.",
        "Click to share on Facebook (Opens in new window) Click to print (Opens in new window)",
        "We use cookies to understand how you use our site and to improve your experience.",
        '&lt;span data-mce-type="bookmark" style="display: inline-block;"&gt;',
        '[button link="https://example.org/review" type="big"] Send us your review[/button]',
    ],
)
def test_a_players_controls_counters_and_widget_labels_are_boilerplate(line):
    assert find_rule(line) is not None
    article = scrape(f"# Library\n\n{BODY}\n{line}\n\nMore text here.\n")
    assert line not in article.body_html
    assert any(r.text == htmllib.unescape(line) for r in article.removed)  # listed, not lost


@pytest.mark.parametrize(
    "line",
    [
        "Play the match again",
        "The vote was 57:33 in favour.",
        "2020",  # a chronology's section heading
        "12.11.2021",
        "We use cookies sparingly in our bakery, said the chef, who has baked there for years.",
        "The <span> element groups inline elements.",
    ],
)
def test_a_sentence_with_a_players_word_or_a_number_stays(line):
    assert find_rule(line) is None


def test_link_dense_navigation_and_related_story_lists_leave_the_body():
    related = "### Up Next\n\n* [Council votes on budget](#)\n* [New mayor sworn in](#)\n\n"
    teaser = "### [Grusel-Aus im Pokal: Aubstadt geht in Illertissen unter](#)\n\n"
    article = scrape(f"# Library to stay open\n\n{BODY}\n{related}{teaser}The end of the story.\n")
    assert "Council votes" not in article.body_html
    assert "Grusel-Aus" not in article.body_html
    assert "The end of the story." in article.body_html
    assert {r.rule for r in article.removed} >= {"navigation"}


def test_teaser_cards_and_share_buttons_whose_links_run_over_a_blank_line_leave_the_body():
    """A converter writes a card's heading and standfirst inside one link with a blank line
    between ('[#### Fotorecht' · 'Das berechtigte Interesse …](#)'): read as the link it is."""
    cards = (
        "[#### Fotorecht\n\nDas berechtigte Interesse im Sinne des Kunsturhebergesetzes](#)\n\n"
        "[#### Bildersuche\n\nGoogle Bildersuche ist keine rechtswidrige Verletzung](#)\n\n"
    )
    share = (
        "These are external links [Email\n\nShare this with Email](#) [Facebook\n\n"
        "Share this with Facebook](#) [Twitter\n\nShare this with Twitter](#)\n\n"
    )
    article = scrape(f"# Library to stay open\n\n{BODY}\n{cards}{share}The end of the story.\n")
    for gone in ("Fotorecht", "Bildersuche", "Share this with"):
        assert gone not in article.body_html
    assert "The end of the story." in article.body_html
    assert any("Fotorecht" in r.text for r in article.removed)
    unclosed = scrape(f"# Library to stay open\n\n{BODY}\nA [note\n\nthat goes on.\n")
    assert "that goes on." in unclosed.body_html  # a bracket no link closes joins nothing


def test_author_of_the_article_label_is_a_byline_not_text():
    article = scrape(f"# Library to stay open\n\nAuthor of the article:\n\nAnn Lee\n\n{BODY}")
    assert article.authors == ["Ann Lee"]
    assert "Author of the article" not in article.body_html


@pytest.mark.parametrize(
    "name", ["Андрей Колесников", "松岡大地", "구현모", "Gàbor Muniér", "محمد علي"]
)
def test_names_in_every_script_are_kept(name):
    article = scrape(f"# Library to stay open\n\nBy {name}\n\n{BODY}")
    assert article.authors == [name]


def test_a_surname_first_name_is_one_person_not_two():
    assert split_names("Lenharo, Mariana") == ["Mariana Lenharo"]
    assert split_names("Ann Lee, Bo Chan") == ["Ann Lee", "Bo Chan"]
    assert split_names("Reuters, AP") == ["Reuters", "AP"]


def test_a_real_page_credits_people_and_its_publisher_apart():
    article = page(dev_page("faz.net.streaming.html").decode("utf-8"))
    assert article.authors == ["Benjamin Fischer", "Marcus Theurer"]
    assert "Benjamin Fischer" not in article.organisations


@pytest.mark.parametrize(
    ("footer", "day"),
    [
        (
            "Dieser Beitrag wurde am [04/02/2020](#) von [kj](#) in [Bundesgericht](#) "
            "veröffentlicht.",
            dt.date(2020, 2, 4),
        ),
        (
            "Dieser Eintrag wurde veröffentlicht in [Inland](#) und getaggt mit [Piraten](#) am "
            "[11. Dezember 2012](#) von [gormulus](#).",
            dt.date(2012, 12, 11),
        ),
        ("This entry was posted in [News](#) on May 5, 2015 by [Ann](#).", dt.date(2015, 5, 5)),
        ("The council said on May 5, 2015 that the library would stay open.", None),
    ],
)
def test_a_blog_themes_footer_sentence_gives_the_posts_date(footer, day):
    assert scrape(f"# Library to stay open\n\n{BODY}\n{footer}\n").published == day


def test_a_labelled_publication_date_below_a_post_is_its_date():
    footer = "Veröffentlicht am: 6. August 2009\n\nKategorie: [X](#)\n"
    text = f"# Library to stay open\n\n{BODY}\n{footer}"
    assert scrape(text).published == dt.date(2009, 8, 6)
    updated = f"# Library to stay open\n\n{BODY}\nUpdated: 6. August 2009\n"
    assert scrape(updated).published is None


# --------------------------------------------------------------------------- round two: heads


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # dots are written day first, whatever dateparser's first language is
        ("[Leena Simon](#)\n\nVeröffentlicht am 06.10.2023", dt.date(2023, 10, 6)),
        ("06.11.2023 | 14:10", dt.date(2023, 11, 6)),
        # doschu.com, interscenar.io: a month's short name and a two-digit year
        ("veröffentlicht am [14 Feb ’20](#) | Kategorien: [Social Media](#)", dt.date(2020, 2, 14)),
        ("* Author: [Gàbor Muniér](#), Datum: 03.Mär.19", dt.date(2019, 3, 3)),
        # a list item of the head, beside share buttons (BBC)
        (
            "* 10 April 2020\n* Share this with Facebook\n* Share this with Twitter\n"
            "* Share this with Messenger",
            dt.date(2020, 4, 10),
        ),
        # a date that opens the first paragraph (a dateline run into the text)
        (
            "Wien, 14. Dezember 2021 – Aufgrund der steigenden Technologisierung und Mobilität "
            "sowie der damit verbundenen Schnelllebigkeit im Alltag erholen sich die Menschen "
            "immer häufiger in der Natur, sagt der Verband.",
            dt.date(2021, 12, 14),
        ),
        # WordPress writes published and modified side by side, linked: no ordered list
        ("[22. Dezember 201922. Dezember 2019](#) von [Peter Addor](#)", dt.date(2019, 12, 22)),
    ],
)
def test_head_dates_in_more_shapes(head, expected):
    article = scrape(f"# Die Bibliothek bleibt sonntags offen\n\n{head}\n\n{BODY}")
    published = article.published
    assert (published.date() if isinstance(published, dt.datetime) else published) == expected


def test_a_menu_below_the_title_does_not_end_the_head():
    text = (
        "# Frauen im THW: Vergangenheit und Zukunft\n\n"
        "* [Inhalt](#)\n* [Hauptmenü](#)\n* [Suche](#)\n\n"
        f"Bonn, 11.10.2021\n\n{BODY}"
    )
    assert scrape(text).published == dt.date(2021, 10, 11)


def test_teasers_below_the_title_still_end_the_head():
    text = (
        "# Die Bibliothek bleibt sonntags offen\n\n"
        "* [Neue Buslinie fährt ab Montag durch die Altstadt](#)\n"
        "* [Stadtrat beschließt den Haushalt für das kommende Jahr](#)\n\n"
        f"12.01.2019\n\n{BODY}"
    )
    assert scrape(text).published is None


def test_a_linked_logo_heading_is_not_the_title_when_a_plain_one_follows():
    text = (
        "# [Columbus entdeckt](#)\n\nDie besten Reisegeschichten\n\n"
        f"# Ski-Fahren auf den Spuren des Trolls\n\n{BODY}"
    )
    assert scrape(text).title == "Ski-Fahren auf den Spuren des Trolls"


def test_a_linked_headline_alone_is_still_the_title():
    assert scrape(f"# [Ski-Fahren auf den Spuren des Trolls](#)\n\n{BODY}").title == (
        "Ski-Fahren auf den Spuren des Trolls"
    )


def test_a_date_that_opens_the_title_is_the_dateline():
    article = scrape(f"# 23.01.2022 - Dorothea Wierer darf noch jubeln\n\n{BODY}")
    assert article.title == "Dorothea Wierer darf noch jubeln"
    assert article.published == dt.date(2022, 1, 23)


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Bettina Kugler 19.10.2019, 05:00 Uhr", "Bettina Kugler"),
        ("11.12.2019 - Amelie Loevenich", "Amelie Loevenich"),
        (
            "26. September 2019 [Ulrike Stockhausen](#) [Schreibe einen Kommentar](#)",
            "Ulrike Stockhausen",
        ),
        ("23.06.2016 um 16:14 Uhr - [Markus Reuter](#) - [91 Ergänzungen](#)", "Markus Reuter"),
        # oetv.at: a name and a comma before the date, the name a person's (a given name first)
        ("Michael Mäser,  02.02.2022", "Michael Mäser"),
    ],
)
def test_a_name_beside_the_date_is_the_byline(line, author):
    article = scrape(f"# Die Bibliothek bleibt sonntags offen\n\n{line}\n\n{BODY}")
    assert list(article.authors) == [author]
    assert article.published is not None
    assert line.split("](#)")[0].lstrip("[") not in article.body_html


@pytest.mark.parametrize(
    "line",
    [
        "Global Research, January 10, 2022",  # the publisher before the date, not a person
        "12.01.2019 | Published in [Politics](#)",
        "January 10, 2022 [Keine Kommentare](#)",
    ],
)
def test_a_dateline_without_a_name_names_nobody(line):
    article = scrape(f"# Die Bibliothek bleibt sonntags offen\n\n{line}\n\n{BODY}")
    assert list(article.authors) == []


# --------------------------------------------------------------------------- round two: pages


def test_soft_hyphens_leave_titles_bodies_and_names():
    body = (
        "<p>Die Mes&shy;sen&shy;ger&shy;diens&shy;te sind kein rechts&shy;frei&shy;er Raum, sagte "
        "der Präsident des Bundeskriminalamts am Dienstag in Wiesbaden vor Journalisten.</p>"
        "<p>Er forderte, dass die Anbieter mit den Ermittlungsbehörden zusammenarbeiten und "
        "Auskunft geben müssten, wenn Straftaten begangen würden.</p>"
    )
    html = (
        "<html><head><title>Mes&shy;sen&shy;ger&shy;diens&shy;te | BKA</title></head><body>"
        f"<h1>Mes&shy;sen&shy;ger&shy;diens&shy;te sind kein Raum</h1><article>{body}</article>"
        "</body></html>"
    )
    article = page(html)
    assert article.title == "Messengerdienste sind kein Raum"
    assert "Messengerdienste sind kein rechtsfreier Raum" in article.body_html
    assert "\u00ad" not in article.body_html


@pytest.mark.parametrize(
    "title",
    [
        "Von Sprachregeln, Gender-Politik und «ganz normalem Deutsch»",
        "»Einfach kein Geld mehr, um die Miete zu zahlen«",
        "« Les privatisations sont au profit d’intérêts privés »",
    ],
)
def test_guillemets_in_a_title_are_quotation_marks_not_separators(title):
    head = f"<title>{title} | Livenet</title><meta property='og:site_name' content='Livenet'>"
    assert page(html_doc(head, f"<h1>{title}</h1>")).title == title


def test_a_kicker_in_its_own_element_is_not_the_headline():
    head = "<title>Daten von Rheinmetall gehackt | tagesschau.de</title>"
    h1 = (
        "<h1><span class='dachzeile'>Interne Unterlagen im Netz</span> "
        "<span class='headline'>Daten von Rheinmetall gehackt</span></h1>"
    )
    assert page(html_doc(head, h1)).title == "Daten von Rheinmetall gehackt"


def test_a_kicker_the_meta_tags_repeat_stays():
    head = "<meta property='og:title' content='Nutzerbasierte Abrechnung: Musik-Stars fordern'>"
    h1 = (
        "<h1><span>Nutzerbasierte Abrechnung</span><span>:</span> "
        "<span>Musik-Stars fordern</span></h1>"
    )
    assert page(html_doc(head, h1)).title.startswith("Nutzerbasierte Abrechnung")


@pytest.mark.parametrize(
    "head,h1,title",
    [
        # deutschlandfunk.de: the kicker an overline, the headline the text after it
        (
            "<meta property='og:title' content='Die Zukunft der Arbeit - Wir dekorieren um'>",
            "<h1><span class='overline'>Die Zukunft der Arbeit</span>Wir dekorieren um</h1>",
            "Wir dekorieren um",
        ),
        # swim.de: a <small> kicker and a line break inside the headline's wrapper
        (
            "<title>Einheit der Woche | Lagen-Pyramide mit GA2 - SWIM.DE</title>",
            "<h1> <span itemprop='headline'><small>Einheit der Woche</small><br>"
            "Lagen-Pyramide mit GA2</span> </h1>",
            "Lagen-Pyramide mit GA2",
        ),
        # zeit.de: the meta tags join kicker and headline with a colon
        (
            "<meta property='og:title' content='Klimaschutz: Bohren, bis es heiß wird'>",
            "<h1><span class='kicker'>Klimaschutz</span><span class='visually-hidden'>: </span>"
            "<span class='title'>Bohren, bis es heiß wird</span></h1>",
            "Bohren, bis es heiß wird",
        ),
        # orf.at: the <h1> is the headline alone, the meta tags carry the kicker
        (
            "<meta property='og:title' content='Chronik: Lotte Tobisch ist tot'>",
            "<h1>Lotte Tobisch ist tot</h1>",
            "Lotte Tobisch ist tot",
        ),
        # be.ch: a CSS-in-JS style sheet inside the kicker
        (
            "<title>Impfen und Boostern ist überall möglich</title>",
            "<h1><style>.c{font-size:16px}</style><span class='c'>Medienmitteilung der "
            "Direktion <style>.h{clip:rect(0 0 0 0)}</style><span class='h'>:</span></span>"
            "Impfen und Boostern ist überall möglich</h1>",
            "Impfen und Boostern ist überall möglich",
        ),
    ],
)
def test_a_kicker_set_apart_in_the_heading_is_not_the_title(head, h1, title):
    assert page(html_doc(head, h1)).title == title


def test_an_emphasis_opening_the_headline_is_no_kicker():
    head = "<meta property='og:title' content='Star Wars is back'>"
    assert page(html_doc(head, "<h1><i>Star Wars</i> is back</h1>")).title == "Star Wars is back"


def test_headings_for_screen_readers_are_not_read():
    h1 = (
        "<h1 class='aural' aria-hidden='true'>Navigation und Service</h1>"
        "<h1><span>Energiewende und nachhaltiges Wirtschaften</span>"
        "<span class='aural'>: , Thema:</span></h1>"
    )
    assert page(html_doc("", h1)).title == "Energiewende und nachhaltiges Wirtschaften"


def test_a_site_name_holding_a_separator_is_taken_off_whole():
    # madymorrison.com: og:site_name 'Mady Morrison - Yoga Lifestyle'
    head = (
        "<title>Energy Rising - 33 Tage Yoga Challenge - Mady Morrison - Yoga Lifestyle</title>"
        "<meta property='og:site_name' content='Mady Morrison - Yoga Lifestyle'>"
    )
    assert page(html_doc(head, "")).title == "Energy Rising - 33 Tage Yoga Challenge"


def test_a_heading_that_is_part_of_the_site_name_is_the_logo():
    # 2gewinnt.wordpress.com: the site's name in the header's <h1>
    head = (
        "<title>Über uns – 2gewinnt | Kabarett | Satire</title>"
        "<meta property='og:site_name' content='2gewinnt | Kabarett | Satire'>"
        "<meta property='og:url' content='https://2gewinnt.wordpress.com/uns/'>"
    )
    h1 = "<h1 class='site-title'><a href='/'>2gewinnt | Kabarett | Satire</a></h1><h1>Über uns</h1>"
    assert page(html_doc(head, h1)).title == "Über uns"


def test_without_an_h1_the_h2_the_title_backs_is_the_headline():
    # gregoryszorc.com: the blog's name first in <title>, the post's heading an <h2>
    head = "<title>Gregory Szorc's Digital Home | Mercurial's Journey to Python 3</title>"
    body = "<h2>Navigation</h2><h2>Mercurial's Journey to Python 3</h2>"
    assert page(html_doc(head, body)).title == "Mercurial's Journey to Python 3"


def test_an_h2_nothing_backs_is_a_section_heading():
    # btv.de: a contact box's heading, the headline only in <title>
    head = "<title>Auf den Spuren von Rafael Nadal</title>"
    assert page(html_doc(head, "<h2>Ansprechpartner</h2>")).title == (
        "Auf den Spuren von Rafael Nadal"
    )


def test_a_headings_arrow_is_not_the_title():
    head = "<title>mediaarchitecture.de // » Jens Weber</title>"
    assert page(html_doc(head, "<h2>[> Jens Weber</h2>")).title == "Jens Weber"


def test_a_section_heading_beside_the_headline_loses_to_it():
    # zoll.de: '<title>Zoll online - Fachmeldungen - Verkündung …' backs both <h1>s
    head = "<title>Zoll online - Fachmeldungen - Verkündung des Tabaksteuergesetzes</title>"
    h1 = "<h1>Fachmeldungen</h1><h1>Verkündung des Tabaksteuergesetzes</h1>"
    assert page(html_doc(head, h1)).title == "Verkündung des Tabaksteuergesetzes"


def test_a_sentence_beginning_with_the_sites_initials_is_no_site_name():
    # drk.de: 'DRK: Immer mehr Menschen …' is the headline's second half, not the site's name
    title = "UN-Klimakonferenz in Glasgow - DRK: Immer mehr Menschen auf Hilfe angewiesen"
    head = (
        f"<meta property='og:title' content='{title}'><meta property='og:site_name' content='DRK'>"
    )
    assert page(html_doc(head, f"<h1>{title}</h1>")).title == title


@pytest.mark.parametrize(
    "h1,meta,title",
    [
        # the meta tags' SEO variant of the headline the page shows (vergleich.de, n-tv.de)
        (
            "Der Nervenkrieg um den Brexit geht in die nächste Runde",
            "Brexit: Nervenkrieg geht in nächste Runde",
            "Der Nervenkrieg um den Brexit geht in die nächste Runde",
        ),
        # an <h1> that is the meta tags' headline with the page's label before it
        (
            "Headline: Energiewende und gesellschaftlicher Wandel",
            "Energiewende und gesellschaftlicher Wandel",
            "Energiewende und gesellschaftlicher Wandel",
        ),
        # a widget's heading sharing no word with the headline
        ("Neueste Kommentare", "Tag des Zweinutzungshuhns am 22. Januar",
         "Tag des Zweinutzungshuhns am 22. Januar"),
    ],
)  # fmt: skip
def test_an_h1_the_meta_tags_reword_is_the_headline(h1, meta, title):
    head = f"<title>{meta}</title><meta property='og:title' content='{meta}'>"
    assert page(html_doc(head, f"<h1>{h1}</h1>")).title == title


def test_a_meta_title_cut_at_an_unescaped_quotation_mark_is_read_in_full():
    # eluniversal.com: og:title's content ends at the quotation mark it left unescaped
    head = (
        '<title>Senador republicano califica a Biden de "incapacitado"</title>'
        '<meta property="og:title" content="Senador republicano califica a Biden de '
        '"incapacitado"" /><meta property="og:site_name" content="El Universal" />'
    )
    article = page(html_doc(head, "<h1><a href='/'><img alt='EL UNIVERSAL'></a></h1>"))
    assert article.title == 'Senador republicano califica a Biden de "incapacitado"'


def test_the_site_itself_as_author_is_no_credit():
    head = (
        "<meta name='author' content='tagesschau.de'>"
        "<meta property='og:url' content='https://www.tagesschau.de/investigativ/x.html'>"
        "<meta property='og:site_name' content='tagesschau.de'>"
    )
    article = page(html_doc(head, "<h1>Daten von Rheinmetall gehackt</h1>"))
    credits = list(article.authors) + list(getattr(article, "organisations", []) or [])
    assert not any("tagesschau" in c.lower() for c in credits)


def test_escaped_entities_in_structured_authors_are_read():
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Carabineros",'
        ' "author": {"@type": "Person",'
        ' "name": "Jos&eacute; Mar&iacute;a P&eacute;rez"}}</script>'
    )
    assert list(page(html_doc(ld, "<h1>Carabineros</h1>")).authors) == ["José María Pérez"]


@pytest.mark.parametrize(
    "line",
    ["Ähnliche Beiträge", "Teilen Sie dies mit:", "Zum Newsletter anmelden", "Zobacz również",
     "À lire aussi :", "Empfohlener redaktioneller Inhalt", "Wird geladen …", "Leia também"],
)  # fmt: skip
def test_end_matter_headings_in_many_languages_are_boilerplate(line):
    rule = find_rule(line)
    assert rule is not None and rule.name.endswith(("multilingual", "placeholder"))


@pytest.mark.parametrize(
    "line",
    ["Teilen ist für sie ein Grundsatz, sagt die Bürgermeisterin.", "Mehr zu tun gibt es nicht."],
)
def test_sentences_with_those_words_stay(line):
    assert find_rule(line) is None


@pytest.mark.parametrize("line", ["### Elizabeth Gibney", "**Christoph von Ritter**"])
def test_a_name_set_apart_below_the_title_is_the_byline(line):
    article = scrape(f"# Die Bibliothek bleibt sonntags offen\n\n{line}\n\n{BODY}")
    assert list(article.authors) == [line.strip("#* ")]


def test_a_plain_two_word_line_below_the_title_is_no_byline():
    article = scrape(f"# Die Bibliothek bleibt sonntags offen\n\nHohe Bedeutung\n\n{BODY}")
    assert list(article.authors) == []


# --------------------------------------------------------------------------- round three: bylines

TITLE = "# Die Bibliothek bleibt sonntags offen"


@pytest.mark.parametrize(
    ("head", "author"),
    [
        # a name line above or below the dateline, short lines between (wired, le devoir)
        ("[Will Knight](#)\n\n[Business](#)\n\n01.21.2020 07:00 AM", "Will Knight"),
        ("### [Jeanne Corriveau](#)\n\n19 février 2020", "Jeanne Corriveau"),
        # a linked name and a role after it (the guardian)
        ("[Richard Adams](#) Education editor\n\nMon 20 Jan 2020 06.05 GMT", "Richard Adams"),
        # a forum's handle, beside the date on its own line
        ("[reineckefuchs](#) —\n\n[2. Februar 2022](#)", "reineckefuchs"),
    ],
)
def test_a_name_line_beside_the_dateline_is_the_byline(head, author):
    article = scrape(f"{TITLE}\n\n{head}\n\n{BODY}")
    assert list(article.authors) == [author]
    assert article.published is not None
    assert author not in article.body_html


@pytest.mark.parametrize(
    ("head", "authors"),
    [
        # theintercept.com: two linked names, a comma between, the dateline below
        (
            "[Ibtisam Mahdi](#), [Ruwaida Kamal Amer](#)\n\nNovember 8 2023, 3:18 p.m.",
            ["Ibtisam Mahdi", "Ruwaida Kamal Amer"],
        ),
        ("[Anna Weber](#) und [Jonas Keller](#)\n\n12.03.2021", ["Anna Weber", "Jonas Keller"]),
    ],
)
def test_linked_names_alone_beside_the_dateline_are_the_byline(head, authors):
    article = scrape(f"{TITLE}\n\n{head}\n\n{BODY}")
    assert list(article.authors) == authors
    assert article.published is not None


@pytest.mark.parametrize(
    "head",
    [
        "[Politik](#), [Wirtschaft](#)\n\n12.03.2021",  # sections, no people
        "[Anna Weber](#) [Jonas Keller](#)\n\n12.03.2021",  # links without a separator
        "Mehr von [Anna Weber](#), [Jonas Keller](#)\n\n12.03.2021",  # words before them
    ],
)
def test_links_beside_the_dateline_that_are_not_names_alone_name_nobody(head):
    article = scrape(f"{TITLE}\n\n{head}\n\n{BODY}")
    assert "Jonas Keller" not in article.authors and "Politik" not in article.authors


@pytest.mark.parametrize(
    "head",
    [
        "[Open Future](#) [Open Future](#)\n\nJun 18th 2018",  # a line of section links
        "Tipps von\n\n7. November 2022",  # a label, no name
        "Kommentare 0\n\n21. September 2019",
    ],
)
def test_a_line_beside_the_dateline_that_is_no_name_names_nobody(head):
    article = scrape(f"{TITLE}\n\n{head}\n\n{BODY}")
    assert list(article.authors) == []


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("By [Evan Halper](#)Staff Writer", ["Evan Halper"]),  # glued by the scrape
        (
            "* Von [Benjamin Fischer](#) und [Marcus Theurer](#)\n* -Aktualisiert am",
            ["Benjamin Fischer", "Marcus Theurer"],
        ),  # a byline as a list: not a list of other stories, and the label is no name
        ("von [Christoph Schulz](#) [Blog](#), [Ernährung](#)", ["Christoph Schulz"]),
        ("[von flerche](#)", ["flerche"]),  # a handle after the byline word
        ("Publiziert am [13. Januar 2014](#) von [uriebe](#)", ["uriebe"]),
    ],
)
def test_linked_names_end_where_their_links_do(line, people):
    article = scrape(f"{TITLE}\n\n{line}\n\n{BODY}")
    assert list(article.authors) == people


@pytest.mark.parametrize("line", ["Autor: red", "von tennisnet.com", "Dieser Beitrag von kj"])
def test_initials_and_sites_after_a_byline_word_are_no_handle(line):
    article = scrape(f"{TITLE}\n\n{line}\n\n{BODY}")
    assert list(article.authors) == []


@pytest.mark.parametrize(
    ("end", "author"),
    [
        ("Datum: 19.11.2021 Autor: Fritz Imhof Quelle: Livenet", "Fritz Imhof"),
        ("Text: Kirsten Freund / handwerksblatt.de", "Kirsten Freund"),
        ("Auteur : [Anna Kubišta](#)", "Anna Kubišta"),
    ],
)
def test_a_labelled_credit_below_the_text_names_the_author(end, author):
    article = scrape(f"{TITLE}\n\n{BODY}\n{end}\n")
    assert list(article.authors) == [author]


def test_a_credit_line_that_starts_with_its_label_may_end_with_a_full_stop():
    # hss.de: "**Autorin: Uta Staschewski, Projektleiterin der HSS in Tunesien.**"
    end = "**Autorin: Uta Staschewski, Projektleiterin der HSS in Tunesien.**"
    notes = "[#### Anmerkungen](#)\n\n(1) Afrobarometer (2021)"
    article = scrape(f"{TITLE}\n\n{BODY}\n{end}\n\n{notes}\n")
    assert list(article.authors) == ["Uta Staschewski"]
    # a sentence that only mentions a label names nobody
    article = scrape(f"{TITLE}\n\n{BODY}\nDas sagte die Sprecherin: Anna Meier hat recht.\n")
    assert list(article.authors) == []


@pytest.mark.parametrize(
    ("end", "authors"),
    [
        ("**Marina Mucha**", ["Marina Mucha"]),  # galore.de
        ("***Stefan Wasmer***", ["Stefan Wasmer"]),  # eishockeynews.de
        ("**Weitere Informationen**", []),  # bold, but no given name
        ("### Christoph Poehlmann\n\nStellvertretender Geschäftsführer", []),  # a contact box
        ("Marina Mucha", []),  # plain: may be a caption's or a list's line
    ],
)
def test_a_name_set_apart_right_below_the_text_signs_it(end, authors):
    article = scrape(f"{TITLE}\n\n{BODY}\n{end}\n")
    assert list(article.authors) == authors
    for name in authors:  # the signature is a credit now, not the text's last line
        assert name not in article.body_html


def test_a_labelled_credit_below_does_not_override_the_byline():
    article = scrape(f"{TITLE}\n\nBy Jane Roe\n\n{BODY}\nFotos: Helmut Elstrodt\n")
    assert list(article.authors) == ["Jane Roe"]


# --------------------------------------------------------------------------- round three: heads


@pytest.mark.parametrize(
    ("head", "title"),
    [
        (
            "# Zahlenzauberin\n\n### Was zum hören in den Ferien\n\n#### von zahlenzauberin",
            "Was zum hören in den Ferien",
        ),
        (
            "# [jan-grosser.de](#)\n\n### XUM1541: Dateien zwischen Linux und C64 austauschen"
            "\n\n31.01.2016",
            "XUM1541: Dateien zwischen Linux und C64 austauschen",
        ),
        (
            "# Literaturgefluester\n\n## 2019-01-01\n\n### Ins neue Jahr\n\njancak @ 00:11",
            "Ins neue Jahr",
        ),
    ],
)
def test_a_blogs_name_above_the_posts_heading_is_not_the_title(head, title):
    article = scrape(f"{head}\n\n{BODY}")
    assert article.title == title


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # gv-bayern.de: the logo's heading, its image gone in the scrape
        (
            "# \n\n## Der Genossenschaftsverband Bayern im Porträt",
            "Der Genossenschaftsverband Bayern im Porträt",
        ),
        # bundesrat.de: a navigation heading in other words than the lexicon's
        ("## Haupt-Navigations-Menü\n\n## Erinnerung an die Opfer", "Erinnerung an die Opfer"),
        # a login box's label above the headline
        ("## Benutzername:\n\n## Faire Lieferketten", "Faire Lieferketten"),
        # hpd.de: the share box's heading
        ("# Social Network Links\n\n## Faire Lieferketten", "Faire Lieferketten"),
        # einfachspanien.de: a short heading with nothing under it (a category's), then the post's
        (
            "## Allgemein\n\n## Malaga, die quirlige Metropole in Andalusien\n\n"
            "⋅ November 22, 2011 ⋅ [Email this post](#)",
            "Malaga, die quirlige Metropole in Andalusien",
        ),
        # dsv.de: a sidebar's empty boxes above the headline
        (
            "## Vereinsfinder\n\n## Kommende Events\n\n"
            "## Levelpässe für das Synchronschwimmen können ab sofort bestellt werden",
            "Levelpässe für das Synchronschwimmen können ab sofort bestellt werden",
        ),
    ],
)
def test_furniture_headings_are_not_the_title(head, title):
    article = scrape(f"{head}\n\n{BODY}")
    assert article.title == title


def test_a_headline_with_a_colon_inside_is_still_the_title():
    article = scrape(f"## Interview: Der Minister spricht\n\n{BODY}")
    assert article.title == "Interview: Der Minister spricht"


def test_a_short_headline_keeps_its_subtitle_below():
    article = scrape(f"# Tomaten richtig schneiden\n\n## ...der Trick mit dem Strunk\n\n{BODY}")
    assert article.title == "Tomaten richtig schneiden"


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # haus.de: the breadcrumb's last item is the page's <h1>
        (
            "2. [Bauen](#)\n3. [Bauwissen](#)\n4. # Was ist eine Vorsatzschalung?",
            "Was ist eine Vorsatzschalung?",
        ),
        # watson.ch
        (
            "* [Leben](#)\n* [Drinks](#)\n* # Sazerac - alles über den Cocktail-Klassiker",
            "Sazerac - alles über den Cocktail-Klassiker",
        ),
    ],
)
def test_a_heading_written_as_a_list_item_is_the_title(head, title):
    article = scrape(f"{head}\n\n{BODY}")
    assert article.title == title
    assert "Bauwissen" not in article.title and "Drinks" not in article.title


def test_a_subtitle_below_a_heading_keeps_the_heading_the_title():
    # a lower heading right below is the headline's subtitle, not an empty section's sign
    article = scrape(f"## Klänge des Verschweigens\n\n#### Ein detektivischer Musikfilm\n\n{BODY}")
    assert article.title == "Klänge des Verschweigens"


def test_a_short_heading_above_a_signed_headline_is_its_section():
    # finanztip.de: the section's name, then the headline with its author and as-of date
    article = scrape(
        "# Betriebliche Altersvorsorge\n\n## Mit Hilfe des Chefs für die Rente sparen\n\n"
        f"Sara Zinnecker\n\nStand:\n05. Februar 2020\n\n{BODY}"
    )
    assert article.title == "Mit Hilfe des Chefs für die Rente sparen"
    assert article.authors == ["Sara Zinnecker"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Published: 22:00 GMT, 26 September 2020 | Updated: 08:39 GMT, 28 September 2020",
            dt.date(2020, 9, 26),
        ),
        (
            "By [Cat Lafuente](#)/June 12, 2020 9:49 am EST/Updated: Aug. 18, 2020",
            dt.date(2020, 6, 12),
        ),
    ],
)
def test_the_date_before_an_updated_mark_is_the_date(line, expected):
    article = scrape(f"{TITLE}\n\n{line}\n\n{BODY}")
    assert article.published == expected


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (
            "* Author: Jacopo Cascioli\n* Published: 03 December 2019\n* Updated: 06 December 2019",
            dt.date(2019, 12, 3),
        ),
        (
            "Der Beitrag wurde am Mittwoch, den 27. November 2019 um 15:21 Uhr veröffentlicht",
            dt.date(2019, 11, 27),
        ),
        ("Créé: 12.12.2019, 07h36", dt.date(2019, 12, 12)),
    ],
)
def test_a_labelled_date_below_the_text_is_its_date(end, expected):
    article = scrape(f"{TITLE}\n\n{BODY}\n{end}\n")
    assert article.published == expected


def _jsonld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


def test_a_webpage_date_only_the_markup_states_is_no_date():
    # SEO plugins give every page (shops, guides, products) a WebPage datePublished
    head = _jsonld('{"@type": "WebPage", "datePublished": "2019-11-14T13:51:06+00:00"}')
    article = page(html_doc(head, "<h1>Wie hoch sind die Zinsen für einen Privatkredit?</h1>"))
    assert article.published is None


def test_an_articles_date_only_the_markup_states_is_its_date():
    head = _jsonld('{"@type": "NewsArticle", "datePublished": "2019-11-14T13:51:06+00:00"}')
    article = page(html_doc(head, "<h1>Die Bibliothek bleibt sonntags offen</h1>"))
    assert _day(article.published) == dt.date(2019, 11, 14)


def test_an_open_graph_date_beside_a_webpages_json_ld_is_no_date():
    """selbstversorger.de, financescout24.de: Yoast writes article:published_time and a
    WebPage (or FAQPage) JSON-LD for every page; the page shows no date."""
    og = "<meta property='article:published_time' content='2021-09-08T09:30:24+00:00'>"
    body = "<h1>Wie viele Eier legt ein Huhn?</h1>"
    for kind in ("WebPage", "FAQPage"):
        head = og + _jsonld(f'{{"@graph": [{{"@type": "WebSite"}}, {{"@type": "{kind}"}}]}}')
        assert page(html_doc(head, body)).published is None
    head = og + _jsonld('{"@graph": [{"@type": "WebPage"}, {"@type": "Article"}]}')
    assert _day(page(html_doc(head, body)).published) == dt.date(2021, 9, 8)
    assert _day(page(html_doc(og, body)).published) == dt.date(2021, 9, 8)  # no JSON-LD


def test_a_webpage_date_the_page_shows_is_its_date():
    head = _jsonld('{"@type": "WebPage", "datePublished": "2019-11-14T13:51:06+00:00"}')
    body = "<h1>Die Bibliothek bleibt sonntags offen</h1><p>14. November 2019</p>"
    article = page(html_doc(head, body))
    assert _day(article.published) == dt.date(2019, 11, 14)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Updated Mar 12, 2020 @ 10:42 am", dt.date(2020, 3, 12)),
        ("Stand: 05. Februar 2020", dt.date(2020, 2, 5)),
        ("Last updated 04 Jun 2020, originally created 17 Jun 2019", dt.date(2020, 6, 4)),
    ],
)
def test_an_updated_line_under_the_headline_dates_a_page_that_shows_no_other(line, expected):
    """hellogiggles.com, finanztip.de, pythonspeed.com: the one date the page shows is its
    update's; it wins over a date only the markup states."""
    head = _jsonld('{"@type": "NewsArticle", "datePublished": "2019-10-15T16:59:59Z"}')
    body = f"<h1>Die Bibliothek bleibt sonntags offen</h1><div class='timestamp'>{line}</div>"
    assert _day(page(html_doc(head, body)).published) == expected


def test_an_updated_line_does_not_override_the_dateline_under_the_headline():
    body = (
        "<h1>Die Bibliothek bleibt sonntags offen</h1><p>12. März 2020</p>"
        "<p>Aktualisiert: 11.04.2020, 10:27</p>"
    )
    assert _day(page(html_doc("<title>Bibliothek</title>", body)).published) == dt.date(2020, 3, 12)


def test_a_readers_comment_dates_not_the_article():
    """muffinrezept.net, fifplay.com: htmldate takes the first comment's day, which the page
    shows only there; the article itself shows none."""
    comments = "".join(
        f"<li class='comment' id='comment-{i}'><div class='comment-meta'><a>Juli {i}, 2013 um"
        f" 2:33 pm</a></div><p>Lecker, danke für das Rezept!</p></li>"
        for i in range(20, 23)
    )
    html = html_doc("<title>Muffin Grundrezept</title>", "<h1>Muffin Grundrezept</h1>")
    html = html.replace("</body>", f"<div id='comments'><ol>{comments}</ol></div></body>")
    assert page(html).published is None


@pytest.mark.parametrize(
    ("file", "day"),
    [
        ("1337kultur.de.picard.html", None),  # a podcast page; only its comments are dated
        ("fifplay.com.settings.html", None),
        ("energiezukunft.eu.bioenergie.html", dt.date(2022, 11, 29)),  # not the comment's day
    ],
)
def test_real_pages_whose_comments_are_dated(file, day):
    assert _day(page(dev_page(file).decode("utf-8")).published) == day


def test_a_stated_utc_time_a_day_off_the_shown_day_is_the_same_moment():
    """twincities.com: '2023-11-09T05:30:59Z' is the evening of 8 November in Minnesota, the
    day the page shows for the story; 9 November is shown too, for another story."""
    from archive.ingest.html import _shown_day
    from archive.ingest.pagemeta import PageMeta

    meta = PageMeta(visible_dates={dt.date(2023, 11, 8), dt.date(2023, 11, 9)})
    utc = dt.datetime(2023, 11, 9, 5, 30, tzinfo=dt.UTC)
    assert _shown_day(dt.date(2023, 11, 8), meta, utc) == dt.date(2023, 11, 8)
    local = dt.datetime(2023, 11, 9, 5, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert _shown_day(dt.date(2023, 11, 8), meta, local) == local  # the outlet's own day


@pytest.mark.parametrize(
    ("line", "other"),
    [
        ("11/01/2021", dt.date(2021, 11, 1)),
        ("Publié le 04/05/2022 à 22h03", dt.date(2022, 4, 5)),
        ("11.01.2021", None),  # dots: always day first
        ("13/01/2021", None),  # 13 is no month
        ("05/05/2021", None),  # the same either way
    ],
)
def test_a_slash_date_may_be_read_month_first(line, other):
    from archive.ingest.dates import month_first

    assert month_first(line) == other


def test_a_slash_date_read_month_first_is_the_markups_date():
    """motor.at: '11/01/2021' under the headline, article:published_time 1 November."""
    from archive.ingest.html import _page_date
    from archive.ingest.pagemeta import PageMeta

    meta = PageMeta(
        visible_dates={dt.date(2021, 1, 11)},
        other_readings={dt.date(2021, 11, 1)},
        head_date=dt.date(2021, 1, 11),
        article_published="2021-11-01T04:00:14Z",
    )
    assert _page_date(dt.date(2021, 11, 1), meta, "") == dt.date(2021, 11, 1)
    meta.other_readings = set()
    assert _page_date(dt.date(2021, 11, 1), meta, "") == dt.date(2021, 1, 11)


@pytest.mark.parametrize(
    ("file", "day"),
    [
        ("twincities.com-mayor.html", dt.date(2023, 11, 8)),
        ("motor.at-elektroroller.html", dt.date(2021, 11, 1)),
    ],
)
def test_real_pages_whose_markup_tells_the_shown_day(file, day):
    assert _day(page(dev_page(file).decode("utf-8")).published) == day


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("macbacchi28.09.1912:44 hallo, hat jemand", dt.date(2019, 9, 28)),  # a forum's post
        ("28.09.1912:44", dt.date(2019, 9, 28)),
        ("28.09.2019 12:44", dt.date(2019, 9, 28)),
    ],
)
def test_a_two_digit_year_run_into_the_time_is_no_four_digit_year(line, expected):
    """A forum thread (ingest-dev's d43f330c….html): a post's '28.09.19' and '12:44' run
    together once the markup is gone were read as 28 September 1912."""
    assert search_date(line) == expected


def test_a_copyright_line_under_the_headline_dates_nothing():
    body = "<h1>Die Bibliothek bleibt sonntags offen</h1><p>© 12.03.2020 Stadtbibliothek</p>"
    assert page(html_doc("<title>Bibliothek</title>", body)).published is None


def _day(value):
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.mark.parametrize(
    ("end", "author"),
    [
        ("Posted by [T. V. Raman](#) at [2:33 PM](#)", "T. V. Raman"),
        ("Eingestellt von Der Michel um [21:11](#)", "Der Michel"),
    ],
)
def test_a_blogs_posted_by_footer_names_the_author(end, author):
    article = scrape(f"{TITLE}\n\n{BODY}\n{end}\n")
    assert list(article.authors) == [author]


def test_a_dated_list_item_keeps_its_day():
    # markdown would read "25." as a list inside the item and drop the day
    article = scrape(f"{TITLE}\n\n* 25. Juli 2019\n* [Isabella Beyer](#)\n\n{BODY}")
    assert article.published == dt.date(2019, 7, 25)


@pytest.mark.parametrize("line", ["Stand: 28.04.2020 18:00 Uhr", "Stand:\n05. Februar 2020"])
def test_an_as_of_line_under_the_headline_is_the_date_when_nothing_else_is(line):
    article = scrape(f"{TITLE}\n\n{line}\n\n{BODY}")
    assert article.published is not None


def test_an_as_of_line_does_not_override_the_dateline():
    article = scrape(f"{TITLE}\n\n12. März 2020\n\nStand: 28.04.2020 18:00 Uhr\n\n{BODY}")
    assert article.published == dt.date(2020, 3, 12)


# --------------------------------------------------------------- datelines the head search missed


def _day(value):
    return value.date() if isinstance(value, dt.datetime) else value


def test_a_credited_dateline_is_not_an_images_alt_text():
    """5min.at: the dateline and a '/ ©' credit on the next line looked like alt text over a
    caption and were dropped, date and all."""
    text = (
        "Veröffentlicht am 5. November 2023, 14:09 \n / ©5min.at\n\n"
        f"[Auf Facebook teilen](#)\n\n# Villachs Meister Proper expandiert nach Wien\n\n{BODY}"
    )
    assert _day(scrape(text).published) == dt.date(2023, 11, 5)


def test_a_date_run_into_a_linked_name():
    """laweekly.com: '[Shana Nys Dambrot](#)November 6, 2023' once the link is text."""
    article = scrape(
        f"# Meet Cultural Cultivation Artist\n\n[Shana Nys Dambrot](#)November 6, 2023\n\n{BODY}"
    )
    assert _day(article.published) == dt.date(2023, 11, 6)
    assert article.authors == ["Shana Nys Dambrot"]


_TOC = (
    "# Alkohol auf dem Boot\n\nInhalt\n\n[Wie viel Alkohol ist auf dem Boot erlaubt?](#)\n\n"
    "[Was für Konsequenzen kann ein Alkoholverstoß haben?](#)\n\nMagazin, News\n\n"
    "7. Januar 2022\n\n{body}\n## Wie viel Alkohol ist auf dem Boot erlaubt?\n\nEins vorneweg.\n\n"
    "## Was für Konsequenzen kann ein Alkoholverstoß haben?\n\nEin Bußgeld.\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # strive-magazin.de: '* * 2. Okt. 2022' lost its day to markdown's ordered list
        (
            "* [Bianca Praetorius](#)\n* * 2. Okt. 2022\n\n# Das Dating-Dilemma\n\n{body}",
            dt.date(2022, 10, 2),
        ),
        # fisch-hitparade.de: links to the article's own headings stand above its dateline
        (_TOC, dt.date(2022, 1, 7)),
        # makronom.de: a list of the names, a tag and the date does not end the head
        (
            "# Warum es ein Ressourcenschutzgesetz braucht\n\nDer jährliche Rohstoffkonsum in "
            "Deutschland muss bis Mitte des Jahrhunderts halbiert werden, und dafür braucht es "
            "eine Verbindlichkeit, die ein Gesetz festhalten sollte.\n\n* [Clara Löw](#), "
            "[Siddharth Prakash](#) & [Klaus Jacob](#)\n* * [Energie & Umwelt](#)\n"
            "* 26. Oktober 2023\n\n{body}",
            dt.date(2023, 10, 26),
        ),
        # unsere-zeitung.at: WordPress's published and modified dates run together, as a link
        (
            "# Ist die Inklusion umsetzbar?\n\n[2. Februar 20202. Februar 2020](#)\n\n{body}",
            dt.date(2020, 2, 2),
        ),
        # lbv.de: the date stands alone below the article, over a 'Back' link
        (
            "# Lebenszeichen von Bavaria\n\n{body}\n21.01.2022\n\n[Zurück](#)\n",
            dt.date(2022, 1, 21),
        ),
    ],
    ids=["nested-list", "table-of-contents", "list-with-a-date", "doubled-date", "lone-date"],
)
def test_datelines_in_more_places(text, expected):
    assert scrape(text.format(body=BODY)).published == expected


def test_an_update_in_a_compound_word_is_no_updated_label():
    """ndr.de: 'Das Coronavirus-Update mit Christian Drosten 18.03.2020 13:15 Uhr Autor/in:
    Korinna Hennig' is the programme's name, its date and its author."""
    text = (
        "# Coronavirus-Update: Brauchen Abkürzungen\n\n"
        "## NDR Info Das Coronavirus-Update mit Christian Drosten 18.03.2020 13:15 Uhr "
        f"Autor/in: Korinna Hennig\n\n{BODY}"
    )
    article = scrape(text)
    assert _day(article.published) == dt.date(2020, 3, 18)
    assert article.authors == ["Korinna Hennig"]


def test_a_lone_date_of_a_comment_or_another_story_is_not_the_articles():
    """Below the text, a date beside another story's linked headline (next and previous
    posts) or past the comments' heading is not the article's."""
    comments = (
        f"# Ein Gefängnis ohne Dach\n\n{BODY * 6}\n## 6 Kommentare zu „Ein Gefängnis ohne Dach“\n\n"
        "[Dagmar Rehak](#)\n\n13 Dezember, 2015 um 01:10\n\nDas stimmt überhaupt nicht.\n"
    )
    assert scrape(comments).published is None
    teaser = (
        f"# Ein Gefängnis ohne Dach\n\n{BODY * 6}\nNächster\n\n"
        "[Der größte Prokrastinator der Literatur](#)\n\n11. September 2019\n"
    )
    assert scrape(teaser).published is None


def test_the_date_before_an_update_on_the_same_line():
    """larepublica.pe: '08 May 2022Actualizado el 08 de Mayo 2022 | 6:00 h'."""
    text = (
        "# ¿Cuándo serán las primeras vacaciones escolares?\n\n"
        f"[La República](#)\n\n08 May 2022Actualizado el 09 de Mayo 2022 | 6:00 h\n\n{BODY}"
    )
    assert scrape(text).published == dt.date(2022, 5, 8)


# --------------------------------------------------------------- bylines the head reading missed


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        # ejwue.de: a date, then the credit label "Redaktion:" and a role in brackets
        ("05.02.2020 - Redaktion: Eberhard Fuhr (Pressesprecher des EJW)", ["Eberhard Fuhr"]),
        ("Erstellt von Andri Bryner", ["Andri Bryner"]),  # eawag.ch
        ("Blog Beitrag von Margarita Koreneva", ["Margarita Koreneva"]),  # ethify.org
        ("***---- by Kenneth Surin***", ["Kenneth Surin"]),  # enacademic.com
        ("###### **durch** [Yirou Chen](#)", ["Yirou Chen"]),  # digitale-exzellenz.de
        ("责任编辑：孔德明", ["孔德明"]),  # banyuetan.org
        # security.googleblog.com: four names, then their team after a dash
        (
            "Posted by Nathan Parker, Varun Khaneja, Eric Mill and Kiran C Nair - Chrome Safe "
            "Browsing team",
            ["Nathan Parker", "Varun Khaneja", "Eric Mill", "Kiran C Nair"],
        ),
        # hss.de, interscenar.io, healthline.com: a role, the next field, a degree
        ("**Autorin: Uta Staschewski, Projektleiterin der HSS in Tunesien.**", ["Uta Staschewski"]),
        ("* Author: [Gàbor Muniér](#), Datum: 03.Mär.19", ["Gàbor Muniér"]),
        ("By Grant Tinsley, PhD", ["Grant Tinsley"]),
        # silvias.net: the next field begins at its bar ("Eingetragen bei:")
        ("von [Silvia Jura](#) | Eingetragen bei: [politics](#) |", ["Silvia Jura"]),
    ],
)
def test_bylines_in_more_shapes(line, authors):
    assert scrape(f"# Die Bibliothek bleibt sonntags offen\n\n{line}\n\n{BODY}").authors == authors


def test_a_surname_that_is_also_a_role_word_stays_a_name():
    assert split_names("Max Müller, Anna Leiter") == ["Max Müller", "Anna Leiter"]


def test_an_edit_button_in_chinese_is_no_byline_label():
    """baike.baidu.com: '[编辑](#) [锁定](#)' (edit, lock) under the title names nobody."""
    assert scrape(f"# 蔡健雅\n\n[编辑](#) [锁定](#) [讨论](#)\n\n{BODY}").authors == []


# --------------------------------------------------------------- authors of HTML pages


def test_initials_keep_their_stops():
    """trafilatura writes 'Günter W Kienitz' for the page's 'Günter W. Kienitz'."""
    article = page(dev_page("archive.peptalks.de.schulnoten.html").decode("utf-8"))
    assert "Günter W. Kienitz" in article.authors


def test_initials_keep_their_stops_in_a_meta_tag():
    head = '<meta name="author" content="T. V. Raman"><title>Meta</title>'
    assert page(html_doc(head, "<h1>Meta</h1><p>Posted by T. V. Raman</p>")).authors == [
        "T. V. Raman"
    ]


def test_an_imprint_in_the_author_tag_names_no_place():
    """alpin.de: 'Olympia-Verlag GmbH, Nürnberg, Germany' is the publisher and its address;
    kirche-und-leben.de: 'Kirche und Leben, Münster, Germany' the same, split into words."""
    head = '<meta name="author" content="Olympia-Verlag GmbH, Nürnberg, Germany"><title>T</title>'
    article = page(html_doc(head, "<h1>Freeride im Allgäu</h1>"))
    assert article.authors == [] and article.organisations == []
    assert article.source == "Olympia-Verlag GmbH"  # the company: the site's operator
    head = '<meta name="author" content="Kirche und Leben, Münster, Germany"><title>T</title>'
    article = page(html_doc(head, "<h1>Freeride im Allgäu</h1>"))
    assert article.authors == [] and article.organisations == []


def test_a_company_credited_beside_the_authors_is_the_publisher_not_a_credit():
    # faz.net: JSON-LD credits the journalists and the publishing company
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Streaming",'
        ' "author": [{"@type": "Person", "name": "Benjamin Fischer"},'
        ' {"@type": "Organization", "name": "Frankfurter Allgemeine Zeitung GmbH"}]}</script>'
    )
    article = page(html_doc(ld, "<h1>Streaming</h1><p>Von Benjamin Fischer</p>"))
    assert article.authors == ["Benjamin Fischer"]
    assert article.organisations == []
    assert article.source == "Frankfurter Allgemeine Zeitung GmbH"


def test_a_hosted_blogs_account_named_as_author_is_the_author():
    # creeny.wordpress.com: 'Veröffentlicht am … von Creeny', the account the address names
    head = "<meta property='og:url' content='https://creeny.wordpress.com/2020/01/24/nebel/'>"
    body = "<h1>Nebelsuppe.</h1><p>Veröffentlicht am <a>24. Januar 2020</a> von <a>Creeny</a></p>"
    assert page(html_doc(head, body)).authors == ["Creeny"]
    # … but on the site's own address a name that is the site's is no credit
    head = "<meta property='og:url' content='https://creeny.de/2020/01/24/nebel/'>"
    assert page(html_doc(head, body)).authors == []


def test_a_given_name_alone_in_the_markup_is_widened_by_the_byline():
    # rutgers.edu: JSON-LD names 'Todd', the byline under the headline 'By Todd Bates'
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "New Robot",'
        ' "author": {"@type": "Person", "name": "Todd"}}</script>'
    )
    body = "<h1>New Robot</h1><p>By</p><p>Todd Bates</p><p>Date</p><p>February 5, 2020</p>"
    assert page(html_doc(ld, body)).authors == ["Todd Bates"]


def test_an_agency_credited_on_a_page_stays_a_credit():
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Streaming",'
        ' "author": [{"@type": "Organization", "name": "dpa"}]}</script>'
    )
    assert page(html_doc(ld, "<h1>Streaming</h1><p>Von dpa</p>")).organisations == ["dpa"]


def test_a_copyright_notice_is_no_credit():
    head = '<meta name="author" content="Copyright Haufe-Lexware GmbH"><title>T</title>'
    article = page(html_doc(head, "<h1>Ordnungsgeld</h1>"))
    assert article.authors == [] and article.organisations == []


def test_a_byline_under_the_headline_that_trafilatura_leaves_out():
    """zdf.de, lopinion.fr and others: the byline stands under the <h1>, in markup no reader
    of metadata knows; trafilatura leaves it out of the text. It is read as a scrape's is."""
    body = (
        '<header><h1>Neue Regeln für den Winter</h1><div class="info"><span>12.01.2021 '
        '</span> · <span>von <a href="/autoren/kuerten">Andreas Kürten</a></span></div>'
        "</header>"
    )
    article = page(html_doc("<title>Neue Regeln für den Winter</title>", body))
    assert article.authors == ["Andreas Kürten"]


def test_a_byline_under_the_headline_of_a_real_page():
    article = page(dev_page("deleuze.enacademic.com.micropolitics.html").decode("utf-8"))
    assert article.authors == ["Kenneth Surin"]


def test_share_buttons_and_a_table_of_contents_under_the_headline_name_nobody():
    body = (
        "<h1>Unser Tipp im November</h1><p>01. November 2021 | Naturschutz</p>"
        '<p><a href="#">teilen</a></p><p><a href="#">tweeten</a></p>'
        '<p>Inhalt:</p><p><a href="#daten">Example Data</a></p><h2 id="daten">Example Data</h2>'
    )
    article = page(html_doc("<title>Unser Tipp im November</title>", body))
    assert article.authors == [] and article.organisations == []


def test_a_heading_past_a_breadcrumb_and_a_section_name_is_the_title():
    """t3n.de: no top heading; a breadcrumb list, the section's name and a button stand above
    the '## headline'."""
    text = (
        "* [Home](#)\n* [News](#)\n* Apple arbeitet an eigenen iPhone-Akkus\n\nNews\n\n"
        f"Artikel merken\n\n## Apple arbeitet an eigenen iPhone-Akkus\n\n{BODY}"
    )
    assert scrape(text).title == "Apple arbeitet an eigenen iPhone-Akkus"


def test_a_navigation_heading_in_more_languages_is_not_the_title():
    text = f"## Hauptinhalt\n\n## Schwache Profile – günstige Lawinensituation\n\n{BODY}"
    assert scrape(text).title == "Schwache Profile – günstige Lawinensituation"


# --------------------------------------------------------------- furniture of the text


def test_readers_comments_below_a_scraped_article_are_removed_and_listed():
    """A WordPress page's '34 responses to …' and 'X says:' comments are not the article."""
    text = (
        f"# Anthony Lynn: We needed to win\n\n{BODY * 3}\n"
        "## 34 responses to “Anthony Lynn: We needed to win”\n\n"
        "1. **thelastchargersfan** says:\n\n   [November 19, 2019 at 6:34 am](#)\n\n"
        "   It’s a good thing we have no fans left.\n"
        "2. **joetoronto** says:\n\n   It’s time for both fans to come to grips with it.\n"
    )
    article = scrape(text)
    assert "fans left" not in article.body_html and "council met" in article.body_html
    assert any(r.rule == "comments" and "fans left" in r.text for r in article.removed)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # an interview's quotations: "the minister says:" is no commenter's line
        (
            "# Interview\n\n{body}\nAsked about the budget, the minister says:\n\n"
            "> We will pay.\n\nAnd the mayor says:\n\n> So will we.\n\nThe interview ended.\n",
            "So will we",
        ),
        # numbered headings of the text itself
        ("# Rente\n\n{body}\n## 12 Antworten zu Ihren Fragen\n\nThe answers follow.\n", "follow"),
        ("# Rente\n\n{body}\n## 3 Comments on the budget\n\nThe answers follow.\n", "follow"),
        # a heading "Comments" before the text has really begun
        (
            "# Consultation closes\n\n{short}\n## Comments\n\n{short}\n"
            "The ministry said the comments would be published next week.\n",
            "published next week",
        ),
    ],
    ids=["interview", "numbered-heading", "numbered-heading-on", "early-heading"],
)
def test_the_texts_own_lines_are_not_taken_for_comments(text, kept):
    assert kept in scrape(text.format(body=BODY * 3, short=BODY)).body_html


@pytest.mark.parametrize(
    "line", ["Image copyright Getty Images", "Image caption", "Image 1 of 8", "1 / 8", "Report"]
)
def test_an_images_furniture_without_its_image_is_removed(line):
    article = scrape(f"# Taylor Swift may play her music\n\n{BODY}\n{line}\n\n{BODY}")
    assert line not in article.body_html


@pytest.mark.parametrize(
    ("head", "authors"),
    [
        # tagesanzeiger.ch: a long standfirst (a heading) and then the bare name
        (
            "## Sars-CoV-2 stammt von einem Tier. Allein in Fledermäusen und Flughunden gibt es "
            "mehr als 3000 Coronaviren, und viele davon können auf den Menschen überspringen.\n\n"
            "Christoph von Eichhorn",
            ["Christoph von Eichhorn"],
        ),
        ("* Tapio Nurminen", ["Tapio Nurminen"]),  # uusisuomi.fi: a list of one name
        ("Artikel von Alexa von Heyden", ["Alexa von Heyden"]),  # elle.de
        ("Hohe Bedeutung", []),  # a standfirst's start, not a given name
        ("Circular Economy", []),
    ],
)
def test_a_bare_name_under_the_headline_starts_with_a_given_name(head, authors):
    assert (
        scrape(f"# Wie Umweltzerstörung Epidemien begünstigt\n\n{head}\n\n{BODY}").authors
        == authors
    )


def test_a_menu_heading_is_no_title_and_a_site_name_that_is_the_headline_is_no_site_name():
    """ethify.org: trafilatura gives 'Hauptmenü' as the title and the headline as the site's
    name; the headline is the title."""
    candidates = TitleCandidates(
        by_source={
            "og": ["Hauptmenü"],
            "title": ["Vegetarier zu sein. Bedarf, Trend oder eigene Entscheidung? | Ethify"],
        },
        site_names=["Ethify"],
    )
    assert choose_title(candidates) == "Vegetarier zu sein. Bedarf, Trend oder eigene Entscheidung?"
    article = page(dev_page("ethify.org.vegetarier.html").decode("utf-8"))
    assert article.title == "Vegetarier zu sein. Bedarf, Trend oder eigene Entscheidung?"


@pytest.mark.parametrize(
    ("line", "authors", "organisations"),
    [
        ("1. Februar 2022 , Daniel Dillenburg", ["Daniel Dillenburg"], []),  # golf.de
        # aclu.org: a linked name, then the person's role and organisation
        ("[Sarah Hinger](#), Staff Attorney, ACLU Racial Justice Program", ["Sarah Hinger"], []),
        ("Von: det/dpa", [], ["dpa"]),  # sportnews.bz: an editor's initials and the agency
        ("**Bergisch Gladbach -**", [], []),  # a dateline's place, not a name
    ],
)
def test_names_beside_a_date_a_role_or_an_agency(line, authors, organisations):
    article = scrape(f"# Die Bibliothek bleibt sonntags offen\n\n{line}\n\n{BODY}")
    assert (article.authors, article.organisations) == (authors, organisations)


@pytest.mark.parametrize("line", ["## Autor: Petra Ruland", "Erstellt von Petra Ruland"])
def test_a_credit_line_below_the_text_in_more_shapes(line):
    """uniqz.de ('## Autor: …', a heading), eawag.ch ('Erstellt von …')."""
    assert scrape(f"# Katzendecke selber nähen\n\n{BODY * 4}\n{line}\n").authors == ["Petra Ruland"]


def test_a_lone_date_in_a_pages_footer_is_not_the_articles():
    footer = "\n\n".join(["[Impressum](#)", "[Datenschutz](#)", "[Kontakt](#)", "Newsletter"])
    text = f"# Lebenszeichen von Bavaria\n\n{BODY * 6}\n{footer}\n\n[Archiv](#)\n\n02.03.2022\n"
    assert scrape(text).published is None


@pytest.mark.parametrize(
    "line", ["Am 5. Mai 21 Uhr beginnt das Fest", "20 Tbl. N1", "Seite 3 von 12"]
)
def test_no_date_from_a_time_or_a_package_size(line):
    assert search_date(line) is None


NOTICE = (
    "Thank you for visiting nature.com. You are using a browser version with limited support "
    "for CSS. To obtain the best experience, we recommend you use a more up to date browser."
)


def test_the_top_heading_below_a_browser_notice_is_the_title():
    """nature.com, whole page: the site's notice twice, then the menu, then the <h1>."""
    text = f"{NOTICE}\n\n[Menu](#)\n\n{NOTICE}\n\n# Gigantic Chinese telescope opens\n\n{BODY}"
    assert scrape(text).title == "Gigantic Chinese telescope opens"


def test_a_top_heading_after_the_text_has_begun_is_a_section_not_the_title():
    text = f"Intro line\n\n{BODY}\n# Appendix\n\nMore text follows here.\n"
    article = scrape(text)
    assert article.title != "Appendix"


def test_the_headline_below_a_long_menu_of_a_whole_page_is_the_title():
    menu = "\n".join(f"* [Rubrik {n}](#)\n\n[Unterseite {n}](#)\n" for n in range(60))
    text = f"{menu}\n\n# Lebenszeichen von Bavaria\n\n{BODY}"
    assert scrape(text).title == "Lebenszeichen von Bavaria"


def test_trafilaturas_title_backs_nothing_on_its_own():
    """travanto.de: the <h1> against the <title>, which trafilatura merely repeats."""
    candidates = TitleCandidates(
        by_source={
            "h1": ["Ferienhaus Feinen"],
            "title": ["Ferienhaus Feinen (40222) - Ferienhaus Lierfeld"],
            "trafilatura": ["Ferienhaus Feinen (40222) - Ferienhaus Lierfeld"],
        }
    )
    assert choose_title(candidates) == "Ferienhaus Feinen"


@pytest.mark.parametrize("label", ["Autor:innen", "Autor*innen", "Autor:in"])
def test_a_gender_inclusive_label_is_a_label_not_a_name(label):
    # KATAPULT-Magazin.de: the author box below the text, its heading "Autor:innen"
    article = scrape(f"{TITLE}\n\n{BODY}\n## {label}\n\n[Tim Ehlers](#)\n\n{BODY}")
    assert list(article.authors) == ["Tim Ehlers"]


@pytest.mark.parametrize(
    ("tail", "authors"),
    [
        # lemire.me: the post's footer, a label heading and the name as a smaller one
        (
            "## Published by\n\n### Daniel Lemire\n\nA computer science professor.",
            ["Daniel Lemire"],
        ),
        # emacspeak.blogspot.com: Blogger's footer, one field a line
        ("Posted by\n\n[T. V. Raman](#)\n\nat 2:33 PM", ["T. V. Raman"]),
        # rosalux.de: an author box, the name's comma in bold
        ("#### Autor\n\n[Nikolai Huke](#)**,**", ["Nikolai Huke"]),
        # omeda.de: the role in brackets inside the name's link
        ("Autor\\*in\n\n[**Brit Weirich** (Medizinredakteurin)](#)", ["Brit Weirich"]),
        # Blogger's default profile name is nobody's
        ("Publié par\n\n[Unknown](#)\n\nà 08:00", []),
    ],
)
def test_a_credit_label_alone_names_the_next_line_wherever_it_stands(tail, authors):
    article = scrape(f"{TITLE}\n\n{BODY * 3}\n{tail}\n")
    assert list(article.authors) == authors


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("yas! | By Cara Stiles | April 13, 2020", ["Cara Stiles"]),  # chocolate.com
        # damianduchamps.wordpress.com: WordPress's post line, the handle between by and on
        ("Posted in [Datenschutz](#) by damianduchamps on August 3, 2019", ["damianduchamps"]),
    ],
)
def test_a_byline_inside_a_head_line_after_other_fields(line, authors):
    article = scrape(f"{TITLE}\n\n{line}\n\n{BODY}")
    assert list(article.authors) == authors
    assert article.published is not None


def test_a_linked_name_below_the_standfirst_is_the_byline_and_a_sections_link_is_not():
    standfirst = (
        "Ein Jahr nach den Protesten fordern die Menschen nicht mehr nur den Rücktritt der "
        "Regierung, sondern einen Neuanfang für das ganze Land und seine Institutionen."
    )
    signed = scrape(f"{TITLE}\n\n{standfirst}\n\n[Ernst Lohoff](#)\n\n{BODY}")  # jungle.world
    assert list(signed.authors) == ["Ernst Lohoff"]
    section = scrape(f"{TITLE}\n\n{standfirst}\n\n[Unsere Geschichte](#)\n\n{BODY}")  # neos.eu
    assert list(section.authors) == []
    story = scrape(f"{TITLE}\n\n[Olympische Winterspiele](#)\n\n{BODY}")
    assert list(story.authors) == []


def test_the_authors_page_first_on_a_line_of_links_beside_the_date():
    """unsere-zeitung.at: the author's link, then the comments' and the sections' links."""
    line = "[Alexander Roll](#) [1 Kommentar](#) [Inklusion](#), [Kapitalismus](#)"
    article = scrape(f"{TITLE}\n\n[2. Februar 2020](#)\n\n{line}\n\n{BODY}")
    assert list(article.authors) == ["Alexander Roll"]
    sections = scrape(f"{TITLE}\n\n[2. Februar 2020](#)\n\n[Politik](#) [Inklusion](#)\n\n{BODY}")
    assert list(sections.authors) == []


@pytest.mark.parametrize(
    ("line", "authors", "organisations"),
    [
        ("Von\n\n[Redaktion](#)", [], ["Redaktion"]),  # guten-tach.de: the newsroom's credit
        ("von Redaktion, 24. Januar 2022", [], ["Redaktion"]),  # gitarrebass.de
        # fitforfun.de: beside a person the newsroom is the desk, no credit of its own
        ("von Mathilda Trausch, Online-Redaktion", ["Mathilda Trausch"], []),
    ],
)
def test_the_newsroom_alone_is_an_organisations_credit_beside_a_name_a_role(
    line, authors, organisations
):
    article = scrape(f"{TITLE}\n\n{line}\n\n{BODY}")
    assert (list(article.authors), list(article.organisations)) == (authors, organisations)


@pytest.mark.parametrize(
    ("file", "wrong", "right"),
    [
        ("dw.com-elephants.html", "Deutsche Welle", "Kossivi Tiassou"),  # the publisher's name
        ("legrandcontinent.eu.heran.html", "Gilles Gressani", "Uriel Gadessaud"),  # the editor's
    ],
)
def test_the_byline_under_the_headline_beats_trafilaturas_guess(file, wrong, right):
    """trafilatura's author (no markup named anyone) against the byline under the <h1>:
    when the byline names other people, the byline is the page's own word."""
    article = page(dev_page(file).decode("utf-8"))
    assert right in article.authors
    assert wrong not in [*article.authors, *article.organisations]


def test_a_name_linked_inside_a_sentence_is_not_a_byline():
    line = "Was meinen Sie? Haben sich die Eltern von [Wolfgang Amadeus Mozart](#) je gesorgt?"
    assert list(scrape(f"{TITLE}\n\n{line}\n\n{BODY}").authors) == []


def test_an_interviews_credit_label_names_the_interviewer():
    """fluter.de: '[Interview: Julia Lauter](#)' under the standfirst."""
    assert list(scrape(f"{TITLE}\n\n[Interview: Julia Lauter](#)\n\n{BODY}").authors) == [
        "Julia Lauter"
    ]


@pytest.mark.parametrize(
    "facts",
    [
        # strangemachines.io: the post's facts as a list right after the text's own list
        "* Author: Jacopo Cascioli\n* Published: 03 December 2019\n* [Rss](#)",
        # hausinfo.ch: each label an item of its own, its value the next
        "* Artikel von:\n* Jacopo Cascioli\n* Bild:\n* istockphoto",
    ],
)
def test_a_credit_item_of_a_list_below_the_text_names_the_author(facts):
    points = "* Tuples save memory\n* Slotted classes save more\n* Generators are lazy"
    article = scrape(f"{TITLE}\n\n{BODY * 3}\n{points}\n\n{facts}\n")
    assert list(article.authors) == ["Jacopo Cascioli"]


def test_a_short_byline_beside_its_own_date_line_below_the_text():
    """ok-magazin.de: 'von [Ulrike](#)' and the time below the article's tags."""
    tail = "Themen\n\n[Tod](#)\n\nvon [Ulrike](#)\n\n18.10.2019 16:06 Uhr"
    assert list(scrape(f"{TITLE}\n\n{BODY * 6}\n{tail}\n").authors) == ["Ulrike"]
    undated = "Themen\n\n[Tod](#)\n\nvon [Ulrike](#)\n\n[Impressum](#)"
    assert list(scrape(f"{TITLE}\n\n{BODY * 6}\n{undated}\n").authors) == []


@pytest.mark.parametrize(
    ("head", "body"),
    [
        # Yoast SEO's Twitter fields (frolleinherr.com)
        (
            '<meta name="twitter:label1" content="Verfasst von">'
            '<meta name="twitter:data1" content="Karoline Herr">',
            "",
        ),
        # WordPress's hCard under the headline (grossefragen.wordpress.com)
        (
            "",
            '<span class="byline">von <span class="author vcard"><a class="url fn n" '
            'href="/author/kh/">Karoline Herr</a></span></span>',
        ),
        # schema.org microdata
        ("", '<div itemprop="author" itemscope><span itemprop="name">Karoline Herr</span></div>'),
    ],
)
def test_the_author_the_pages_markup_marks_is_read(head, body):
    comments = (
        '<ol class="comment-list"><li><div class="comment-author vcard"><cite class="fn">'
        "Hans Leser</cite></div><p>Schöner Beitrag!</p></li></ol>"
    )
    # the page shows the name somewhere (a name only the markup gives is no credit)
    about = "<aside><p>Über die Autorin: Karoline Herr schreibt über Technik.</p></aside>"
    article = page(
        html_doc(
            f"<title>Neue Regeln für den Winter</title>{head}",
            f"<h1>Neue Regeln für den Winter</h1>{body}{about}",
        )
        + comments
    )
    assert article.authors == ["Karoline Herr"]


def test_a_readers_hcard_in_the_comments_is_no_author():
    comments = (
        '<div id="comments"><div class="comment-author vcard"><span class="author vcard">'
        '<a class="url fn n">Hans Leser</a></span></div></div>'
    )
    doc = html_doc("<title>Neue Regeln</title>", "<h1>Neue Regeln</h1>")
    article = page(doc.replace("</article>", f"</article>{comments}"))
    assert article.authors == []


@pytest.mark.parametrize(
    "credit", ["Facebook Com", "Www Haufe De", "Symple Ch", "Co. KG", "GmbH & Co. KG"]
)
def test_an_address_or_a_legal_form_alone_is_no_credit(credit):
    """trafilatura's author field on 1000things.at, haufe.de, auto-wirtschaft.ch: an address
    with its dots turned to spaces, the legal form left from 'Haufe-Lexware GmbH & Co. KG'."""
    assert sort_credits(split_names(credit)) == ([], [])


def test_a_person_and_a_company_keep_their_credits_beside_that_rule():
    assert sort_credits(["Evgenia Karp"]) == (["Evgenia Karp"], [])
    assert sort_credits(["Haufe-Lexware GmbH"]) == ([], ["Haufe-Lexware GmbH"])


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Geschrieben von[Elisa Marvena](#)", ["Elisa Marvena"]),  # globalvoices: glued link
        ("Autoren Jelko Djuren und Jutta Klaukien", ["Jelko Djuren", "Jutta Klaukien"]),
        ("**Eine Kolumne von Nils Pickert**", ["Nils Pickert"]),  # pinkstinks.de
    ],
)
def test_more_credit_lines_below_the_text(line, authors):
    assert list(scrape(f"{TITLE}\n\n{BODY * 6}\n{line}\n").authors) == authors


def test_a_label_word_opening_a_sentence_names_nobody():
    line = "Autoren wie Thomas Mann schrieben lange Sätze über das Meer."
    assert list(scrape(f"{TITLE}\n\n{BODY * 6}\n{line}\n").authors) == []


def test_a_share_bar_under_the_headline_does_not_end_the_head():
    """agrarheute.com: eighteen share buttons between the headline and its byline."""
    buttons = "\n\n".join(["[Teilen](#)", "[Twittern](#)", "[Pinnen](#)", "[Mail](#)"] * 4)
    line = "[Amelie Siekmann,](#) am Sonntag, 11.12.2022 - 05:00 [(1 Kommentar)](#)"
    standfirst = BODY.split("\n\n")[0]
    article = scrape(f"{TITLE}\n\n{standfirst}\n\n{buttons}\n\n{line}\n\n{BODY}")
    assert list(article.authors) == ["Amelie Siekmann"]
    assert article.published == dt.date(2022, 12, 11)


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Jeanne Corriveau", ["Jeanne Corriveau"]),
        ("Hoher Sachschaden", []),  # n-land.de: a German subheading, every noun capitalised
        ("Olympische Winterspiele", []),
    ],
)
def test_a_plain_line_beside_the_date_is_a_name_only_from_a_given_name(line, authors):
    article = scrape(f"{TITLE}\n\n{line}\n\n19. Februar 2020\n\n{BODY}")
    assert list(article.authors) == authors
    same_line = scrape(f"{TITLE}\n\n{line} 19.02.2020\n\n{BODY}")  # amnesty.de, mpimet.de
    assert list(same_line.authors) == authors


@pytest.mark.parametrize(
    ("head", "authors"),
    [
        # gazetadopovo.com.br: the byline word glued to the link, the list's other items facts
        ("* Por[Rodolfo Costa](#)\n* Brasília\n* 03/05/2022 21:44", ["Rodolfo Costa"]),
        ("Por\n\n[Williams Perdomo @wperdomod](#)", ["Williams Perdomo"]),  # elnacional: account
        ("DiCaprio spielt die Hauptrolle", []),  # "Di" glued to a capital is no byline
    ],
)
def test_bylines_glued_to_their_link_or_carrying_an_account(head, authors):
    assert list(scrape(f"{TITLE}\n\n{head}\n\n{BODY}").authors) == authors


@pytest.mark.parametrize(
    ("shown", "authors"), [("", []), ("<p>Von Heinz Hahn</p>", ["Heinz Hahn"])]
)
def test_a_meta_tags_author_the_page_never_shows_is_no_credit(shown, authors):
    """singapur-reiseinfo.de, blinker.de and others: `<meta name="author">` names the site's
    owner or its agency; the page shows no byline. A name the page shows is credited."""
    head = '<title>Reise ABC für Singapur</title><meta name="author" content="Heinz Hahn">'
    article = page(html_doc(head, f"<h1>Reise ABC für Singapur</h1>{shown}"))
    assert article.authors == authors


# --------------------------------------------------------------------------- credits (h18)


@pytest.mark.parametrize(
    ("head", "credit"),
    [
        ("Redaktion\n\nam 3. Februar 2022 um 21:17", "Redaktion"),  # a label with no name
        (
            "06.11.2023 | 14:10\n\nRedaktion Polizeiticker Schweiz",
            "Redaktion Polizeiticker Schweiz",
        ),
        ("Redaktion 1. November 2023 10:29", "Redaktion"),
        ("23.12.2022\n\nEmotion Redaktion", "Emotion Redaktion"),
    ],
)
def test_the_newsroom_crediting_itself_under_the_headline_is_an_organisations_credit(head, credit):
    article = scrape(f"# Library to stay open on Sundays\n\n{head}\n\n{BODY}")
    assert article.authors == []
    assert article.organisations == [credit]


def test_a_sentence_about_the_newsroom_is_no_credit():
    article = scrape(f"# Library to stay open on Sundays\n\nDie Redaktion empfiehlt\n\n{BODY}")
    assert article.organisations == []


@pytest.mark.parametrize(
    ("head", "people"),
    [
        (
            "By\n\n[David Brand](#)\n\nand\n\n[Ramsey Khalifeh](#)",
            ["David Brand", "Ramsey Khalifeh"],
        ),
        (
            "[April Roach](#)\n\n[@aprilroach28](#)\n\n[Daniel O'Mahony](#)\n\n01 October 2020",
            ["April Roach", "Daniel O'Mahony"],
        ),
        ("LP\n\nLuana Patriolino\n\nRF\n\nRaphael Felice", ["Luana Patriolino", "Raphael Felice"]),
        ("By [Ann Lee](#)\n\nHohe Bedeutung", ["Ann Lee"]),  # a plain line, no given name
    ],
)
def test_names_on_lines_of_their_own_below_a_byline_are_its_authors_too(head, people):
    article = scrape(f"# Library to stay open on Sundays\n\n{head}\n\n{BODY}")
    assert article.authors == people


def test_a_sentence_that_starts_with_a_byline_word_names_nobody():
    line = "Von den umliegenden Höfen kaufte der Burgherr noch Speck, Kaminwurzen und Hartbrot."
    article = scrape(f"# Die Geschichte der Burg\n\n{line}\n\n{BODY}")
    assert article.authors == [] and article.organisations == []


@pytest.mark.parametrize(
    ("head", "people"),
    [
        ("Swantje Schemmerling\n| 06.11.23", ["Swantje Schemmerling"]),
        ("[1. Februar 2022](#)\nLuis Holuch\n[6](#)", ["Luis Holuch"]),  # a linked date, a count
        ("* [Kommentar](#)\n* [19. Oktober 2019](#)\n* Boris T. Kaiser", ["Boris T. Kaiser"]),
        ("Markus Mäki veröffentlicht am 06.11.2023", ["Markus Mäki"]),
        ("* [Kommentar](#)\n* [19. Oktober 2019](#)\n* Hohe Bedeutung", []),  # no given name
    ],
)
def test_a_name_beside_the_date_under_the_headline_is_the_author(head, people):
    article = scrape(f"# Library to stay open on Sundays\n\n{head}\n\n{BODY}")
    assert article.authors == people


@pytest.mark.parametrize(
    ("box", "people"),
    [
        ("[Thomas Hanke](#)\n\n27.04.2020 - 18:50 Uhr 3 Kommentare", ["Thomas Hanke"]),
        ("Letzte Aktualisierung\n\n31.10.2023\n\n[Tom Arnold](#)", ["Tom Arnold"]),
        ("[Steven Salentin](#)\n\nMitglied der Tonight News-Redaktion", ["Steven Salentin"]),
        ("[Olympische Spiele](#)\n\nStaff Writer", []),  # a section's link: no given name
    ],
)
def test_a_linked_name_beside_a_date_line_or_a_role_anywhere_is_the_author(box, people):
    body = "\n".join([BODY] * 5)  # a box below the text, far from the headline
    article = scrape(f"# Library to stay open on Sundays\n\n{body}\n{box}\n")
    assert article.authors == people


@pytest.mark.parametrize(
    ("box", "people"),
    [
        ("Jörg Staff\n\nJörg Staff ist Mitglied des Vorstands und Chief People Officer bei X.",
         ["Jörg Staff"]),
        ("* ## Philipp Sarasin\n\nPhilipp Sarasin lehrt Geschichte der Neuzeit an der Universität "
         "Zürich.", ["Philipp Sarasin"]),
        ("Markus\n\nMarkus Stahl - Maschinenbauer, Abenteurer und Projektleiter seit 2002.",
         ["Markus Stahl"]),
        ("Hohe Bedeutung\n\nHohe Bedeutung ist dem Thema in der Stadt lange beigemessen.", []),
    ],
)  # fmt: skip
def test_a_name_over_a_paragraph_about_the_person_is_the_authors_box(box, people):
    body = "\n".join([BODY] * 5)
    article = scrape(f"# Library to stay open on Sundays\n\n{body}\n{box}\n")
    assert article.authors == people


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("Kolumnist*in: Evan Tepest", ["Evan Tepest"]),
        (
            "| 26 | 01 | 2022 | Schweiz | Praxis | Text & Fotos: Ivan Valetny | 0 |",
            ["Ivan Valetny"],
        ),
        ("* Thread starter\n  Tiberius\n* Start date Sep 18, 2020", ["Tiberius"]),
        ("* Themenstarter\n  Pepemaus\n* Beginndatum 27. September 2018", ["Pepemaus"]),
    ],
)
def test_credit_labels_of_columns_photo_stories_and_forum_threads_give_the_people(line, people):
    article = scrape(f"# Library to stay open on Sundays\n\n{line}\n\n{BODY}")
    assert article.authors == people


def test_an_about_the_author_line_below_the_text_names_the_author():
    box = "About the Author - Florina Ionescu\n\nHi! I love plants.\n"
    text = f"# Library to stay open\n\n{BODY}\n{box}"
    assert scrape(text).authors == ["Florina Ionescu"]


@pytest.mark.parametrize(
    ("top", "people"),
    [
        ("[Marina Beuerle](#)", ["Marina Beuerle"]),
        ("[Marie Jaster](#)\n\n6.11.22", ["Marie Jaster"]),  # a date line between
        ("[Damian Duchamps' Blog](#)", []),  # the blog's name, its logo's link
        ("[Unsere Geschichte](#)", []),  # a section's link: no given name
    ],
)
def test_a_linked_name_right_above_the_headline_is_the_byline(top, people):
    article = scrape(f"{top}\n\n# 11 schöne Ausflugsziele für den Herbst\n\n{BODY}")
    assert article.authors == people


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("Autor: [Rechtsanwalt](#) Sebastian Einbock", ["Sebastian Einbock"]),  # a linked role
        ("Autor Mark Newton:", ["Mark Newton"]),
    ],
)
def test_a_credit_label_below_the_text_gives_the_name_without_its_role(line, people):
    article = scrape(f"# Library to stay open\n\n{BODY}\n{line}\n")
    assert article.authors == people


def test_a_handle_after_the_date_and_its_time_is_the_author():
    article = scrape(
        f"# Junge Lenker schrotten Corvette\n\n19.10.2019 11:36 [telebasel](#)\n\n{BODY}"
    )
    assert article.authors == ["telebasel"]


def test_the_byline_under_a_headline_with_a_kicker_is_read():
    # the title is the headline without its kicker; the <h1> it stands in is still found
    head = "<title>Daten von Rheinmetall gehackt | Tagesschau</title>"
    body = (
        "<h1><a href='/'>Tagesschau</a></h1>"
        "<h1><span class='dachzeile'>Interne Unterlagen</span> Daten von Rheinmetall gehackt</h1>"
        "<p>Von Hakan Tanriverdi</p>"
    )
    article = page(html_doc(head, body))
    assert article.title == "Daten von Rheinmetall gehackt"
    assert article.authors == ["Hakan Tanriverdi"]
