"""Dates from dateline-looking lines ("Posted on January 27, 2022", "12 Jan. 2022 15:56").

A regular expression first finds a date-shaped phrase and insists that it makes up most of the
line, so a body sentence that mentions a date is never read as the publication date; dateparser
then reads the phrase with settings that stop it guessing (day, month and year all required,
no relative dates).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

_MONTH = r"[A-Za-zÄÖÜäöüéû]{3,10}\.?"
_WEEKDAYS = (
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|mo|di|mi|do|fr|"
    r"sa|so"
)
_WEEKDAY = rf"(?:(?i:{_WEEKDAYS})\.?,?\s+)"
_DAY = r"\d{1,2}(?:st|nd|rd|th|\.)?"
_TIME = (
    r"(?:,?\s*(?:at\s+|um\s+|-\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
    r"(?:\s*(?:[+-]\d{4}|[A-Z]{2,5}))?)"
)
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE_RE = re.compile(
    rf"""(?P<date>
        {_ISO}
      | {_WEEKDAY}?{_MONTH}\s+{_DAY},?\s+\d{{4}}{_TIME}?
      | {_WEEKDAY}?{_DAY}\s*{_MONTH},?\s+\d{{4}}{_TIME}?
      | \d{{1,2}}\.\d{{1,2}}\.\d{{4}}{_TIME}?
    )""",
    re.VERBOSE,
)
# Words a dateline may carry besides the date itself.
_PREFIX = re.compile(
    r"^(?:posted|published|first published|date|dated|veröffentlicht|erschienen)"
    r"(?:\s+(?:on|at|am))?\s*:?\s*",
    re.IGNORECASE,
)
_NOISE = re.compile(r"\b(?:clock|uhr|o'clock)\b\.?", re.IGNORECASE)
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b")
_LEADING_WEEKDAY = re.compile(rf"^(?:{_WEEKDAYS})\.?,?\s+", re.IGNORECASE)
_NAME_WORD = re.compile(r"^(?:[A-Z0-9][\w.&'’-]*|of|the|de|du|la|le|der|die|das|and|und|&|[|·-])$")
_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DATES_FROM": "past",
    "STRICT_PARSING": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PARSERS": ["absolute-time"],
}
_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt"]
DATELINE_MAX = 200  # characters: "Global Research, Monday, January 10, 2022 at 10:45 am CET"


def find_dateline(text: str) -> tuple[str, dt.date | dt.datetime] | None:
    """For a dateline-looking line: (what precedes the date, the date); else None.

    'Global Research, January 10, 2022' -> ('Global Research', date(2022, 1, 10)).
    The line must be short and the date must be most of it; anything before the date is
    returned (it is often the publisher) and at most a couple of words may follow it.
    """
    if len(text) > DATELINE_MAX:  # checked first: the date pattern is costly on long text
        return None
    if _UPDATED.search(text[:SEARCH_MAX_CHARS]):
        return None  # "Last updated …", "Stand: …", copyright lines: not when it was published
    line = _NOISE.sub("", _PREFIX.sub("", text.strip())).strip(" |·-–—")
    if not line or len(line.split()) > 12:
        return None
    match = _DATE_RE.search(line)
    if match is None:
        return None
    before = line[: match.start()].strip(" ,|·-–—:")
    after = line[match.end() :].strip(" ,|·-–—.")
    if len(after.split()) > 2 or len(before.split()) > 5:
        return None
    if before and not all(_NAME_WORD.match(word) for word in before.split()):
        return None  # a sentence mentioning a date, not a "Publisher, date" dateline
    value = parse_date(match.group("date"))
    return None if value is None else (before, value)


# A date somewhere in a short head line, in any of the common shapes; times and zones around
# it are allowed and ignored (only the day is taken). Month words are any letters: dateparser
# decides whether they name a month. Bounded quantifiers only; lines are capped before search.
_WORD_MONTH = r"[^\W\d_]{3,12}\.?"
# A month's short name before a two-digit year ("14 Feb ’20", "03.Mär.19"): only these, as
# the pattern alone (date_span) must not take "20 Tbl. N1" for a date.
_SHORT_MONTH = (
    r"(?i:jan|feb|febr|mar|mär|mrz|apr|may|mai|jun|jul|aug|sep|sept|oct|okt|nov|dec|dez|"
    r"janv|févr|fév|mars|avr|juin|juil|août|déc|ene|abr|ago|dic|gen|mag|giu|lug|set|ott|mei|"
    r"mrt)"
)
# A year may run into the next date: WordPress writes "28. Juli 201928. Juli 2019" (published
# and modified side by side), so a four-digit year needs no boundary after it. But never a
# time: "28.09.1912:44" is a forum post's "28.09.19" run into "12:44", not a day in 1912.
_SEARCH_RE = re.compile(
    rf"""(?<![\d.])(?:
        (?P<iso>\d{{4}}-\d{{2}}-\d{{2}})
      | (?P<cjk>\d{{4}}\s?[年년]\s?\d{{1,2}}\s?[月월]\s?\d{{1,2}}\s?[日일]?)
      | (?P<numeric>\d{{1,2}}[./]\s?\d{{1,2}}[./]\s?
               (?:\d{{4}}(?!:\d)|\d{{2}}(?![\d:])|\d{{2}}(?=\d{{1,2}}:\d{{2}}(?!\d))))
      | (?P<dmy>\d{{1,2}}(?:st|nd|rd|th|er|\.|º)?\s{{1,2}}(?:de\s)?{_WORD_MONTH},?\s{{1,2}}
               (?:de\s)?\d{{4}})
      | (?P<mdy>{_WORD_MONTH}\s{{1,2}}\d{{1,2}}(?:st|nd|rd|th)?,?\s{{1,2}}\d{{4}})
      | (?P<short>\d{{1,2}}\.?\s?(?P<short_month>{_SHORT_MONTH})\.?\s?(?:['’]\d{{2}}|\d{{2}})
               (?![\d:.])(?!\s?(?i:uhr|h\b|hrs?\b)))
    )""",
    re.VERBOSE,
)
_UPDATED = re.compile(
    # not in a compound ("Coronavirus-Update"); a year may run into it ("2022Actualizado")
    r"(?:(?<![^\W\d_]-)(?:\b|(?<=\d))(?:last updated|zuletzt aktualisiert|zuletzt geändert|"
    r"letzte änderung|"
    r"updated?|last modified|modified|aktualisiert|geändert|mis à jour|modifié|"
    r"actualizado|aggiornato|bijgewerkt|atualizado|copyright|stand)\b|©)",
    re.IGNORECASE,
)
# A line that says it gives the publication date ("Veröffentlicht am: …", "Published …").
PUBLISHED_LABEL = re.compile(
    r"^[*_\s]{0,4}(?:published|posted|first published|veröffentlicht|erschienen|publié|publiée|"
    r"publiziert|erstellt am|created|créé|date\b|datum\b|data\b|fecha\b|"
    r"(?:dieser |der )?beitrag wurde am|"
    r"publicado|publicada|pubblicato|gepubliceerd|opublikowano|publicerad|julkaistu|"
    r"udgivet|publisert|zveřejněno|yayınlanma|опубликовано)\b",
    re.IGNORECASE,
)
SEARCH_MAX_CHARS = 300  # longer lines are text, not datelines
SEARCH_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt", "pl", "cs", "sv", "da", "nb", "fi",
                    "ru", "uk", "tr", "hu", "ro", "el", "sk", "hr", "ca"]  # fmt: skip


def search_date(text: str) -> dt.date | None:
    """The first readable date in a short line ('Von X // 1. November 2023', '12:20pm Jan 7,
    2024', '30/04/2024 - 16:38', '2024年10月13日'); None for long lines, 'updated' and copyright
    lines, and lines with no full date (day, month and year)."""
    text = _GLUED_MONTH.sub(" ", before_updated(text))
    if not text:
        return None
    for match in _SEARCH_RE.finditer(text):
        value = _read_found(match)
        if value is not None:
            return value
    return None


def month_first(text: str) -> dt.date | None:
    """The other reading of a line's first date when it is a slash date whose two first
    numbers may both be the month ('11/01/2021': 11 January as search_date reads it, or
    1 November as an American page means it); None for any other line. Dots are always day
    first ('11.01.2021')."""
    text = _GLUED_MONTH.sub(" ", before_updated(text))
    match = _SEARCH_RE.search(text) if text else None
    if match is None or not match["numeric"] or "/" not in match["numeric"]:
        return None
    d, m, y = (int(n) for n in re.findall(r"\d+", match["numeric"]))
    if d > 12 or m > 12 or d == m:
        return None
    return _valid(y + 2000 if y < 100 else y, d, m)


# "[Shana Nys Dambrot](#)November 6, 2023": a name and a month word run together once the
# link is gone; a capital after a small letter, then a month-length word and a day.
_GLUED_MONTH = re.compile(r"(?<=[a-zß-ÿ])(?=[A-Z][a-z]{2,9}\.?\s{1,2}\d)")


def date_span(text: str) -> tuple[int, int] | None:
    """(start, end) of the first date-shaped phrase of a short line, found by pattern alone
    (nothing parsed: cheap enough for every head line); search_date reads it."""
    text = before_updated(text)
    match = _SEARCH_RE.search(text) if text else None
    return None if match is None else (match.start(), match.end())


def updated_date(text: str) -> dt.date | None:
    """The day an 'updated' line gives ('Updated Mar 12, 2020 @ 10:42 am', 'Stand: 28.04.2020
    18:00 Uhr', 'Last updated 04 Jun 2020, originally created 17 Jun 2019'): the first date after
    its mark; None for a copyright line ('© 2019 …'), a long line or one with no full date."""
    if len(text) > SEARCH_MAX_CHARS:
        return None
    mark = _UPDATED.search(text)
    if mark is None or _COPYRIGHT.match(mark.group(0)):
        return None
    rest = _GLUED_MONTH.sub(" ", text[mark.end() :])
    for match in _SEARCH_RE.finditer(rest):
        value = _read_found(match)
        if value is not None:
            return value
    return None


_COPYRIGHT = re.compile(r"(?i)©|copyright")


def before_updated(text: str) -> str:
    """The part of a short line before its 'updated' or copyright mark: 'Published: 22:00 GMT,
    26 September 2020 | Updated: 08:39 GMT, 28 September 2020' gives the first date, 'Last
    updated …', 'Stand: …' and '© 2019 …' nothing ('' for a long line)."""
    if len(text) > SEARCH_MAX_CHARS:
        return ""
    mark = _UPDATED.search(text)
    return text if mark is None else text[: mark.start()]


def _read_found(match: re.Match) -> dt.date | None:
    if match["iso"]:
        iso = _parse_iso(match["iso"])
        return iso if isinstance(iso, dt.date) else None
    if match["cjk"]:
        y, m, d = (int(n) for n in re.findall(r"\d+", match["cjk"]))
        return _valid(y, m, d)
    if match["numeric"]:
        d, m, y = (int(n) for n in re.findall(r"\d+", match["numeric"]))
        y = y + 2000 if y < 100 else y
        if m > 12 and d <= 12:  # 04/30/2024: month first
            d, m = m, d
        return _valid(y, m, d)
    if match["short"]:  # "14 Feb ’20", "03.Mär.19": a two-digit year after a month's name
        day, year = re.findall(r"\d+", match["short"])[0], re.findall(r"\d+", match["short"])[-1]
        month = match["short_month"].rstrip(".")
        century = 2000 if int(year) <= dt.date.today().year % 100 + 1 else 1900
        parsed = _dateparse_any(f"{int(day)} {month} {century + int(year)}")
        return parsed.date() if parsed is not None else None
    phrase = _ORDINAL.sub(r"\1", match.group(0)).replace("º", "")
    parsed = _dateparse_any(re.sub(r"\s+", " ", phrase))
    return parsed.date() if parsed is not None else None


def warm_up(languages: list[str]) -> None:
    """Have dateparser compile every language's patterns now (see archive/ingest/warm.py)."""
    import dateparser

    for language in languages:
        dateparser.parse("10 zzzz 2020", languages=[language], settings=_SETTINGS)
    _dateparse_any("10 zzzz 2020")


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d) if 1900 <= y <= 2100 else None
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _dateparse_any(phrase: str) -> dt.datetime | None:
    import dateparser

    try:
        return dateparser.parse(phrase, languages=_languages_of(phrase), settings=_SETTINGS)
    except (ValueError, OverflowError, TypeError):
        return None


def _languages_of(phrase: str) -> list[str]:
    """The SEARCH_LANGUAGES whose month names the phrase uses, in their order ('4 de mayo de
    2022': es, ca; '13 октября 2024': ru): dateparser then tries those locales only instead of
    testing all 22 on every phrase (most of its time in a page's date search). A phrase with
    no month word it knows keeps them all, so nothing is read differently."""
    months = _month_words()
    found: set[str] = set()
    for word in re.findall(r"[^\W\d_]+", phrase.lower()):
        found |= months.get(word, set())
    return [lang for lang in SEARCH_LANGUAGES if lang in found] or SEARCH_LANGUAGES


_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")  # fmt: skip


@lru_cache(maxsize=1)
def _month_words() -> dict[str, set[str]]:
    """Each month word of dateparser's locale data (lower case, without its stop) -> the
    SEARCH_LANGUAGES that have it."""
    from dateparser.languages.loader import default_loader

    words: dict[str, set[str]] = {}
    for lang in SEARCH_LANGUAGES:
        info = default_loader.get_locale(lang).info
        for month in _MONTH_KEYS:
            for word in info.get(month, []):
                for part in re.findall(r"[^\W\d_]+", str(word).lower()):
                    words.setdefault(part, set()).add(lang)
    return words


def parse_date(phrase: str) -> dt.date | dt.datetime | None:
    """A date phrase -> datetime when it has a time, date when not, None when unreadable."""
    phrase = phrase.strip()
    iso = _parse_iso(phrase)
    if iso is not None:
        return iso
    dotted = _DOTTED.fullmatch(phrase)
    if dotted:  # "06.10.2023": day first wherever dots are written (dateparser reads en first)
        return _dotted(dotted)
    cleaned = _ORDINAL.sub(r"\1", _LEADING_WEEKDAY.sub("", phrase)).replace(" at ", " ")
    parsed = _dateparse(cleaned)
    if parsed is None:
        return None
    has_time = re.search(r"\d:\d\d", phrase) is not None
    return parsed if has_time else parsed.date()


_DOTTED = re.compile(
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"
    r"(?:,?\s*(?:um\s+|-\s*)?(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2})?(?:\s*(?:[+-]\d{4}|[A-Z]{2,5}))?)?"
)


def _dotted(match: re.Match) -> dt.date | dt.datetime | None:
    day = _valid(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None or match["H"] is None:
        return day
    hour, minute = int(match["H"]), int(match["M"])
    if hour >= 24 or minute >= 60:
        return day
    return dt.datetime(day.year, day.month, day.day, hour, minute)


def search_leading_date(text: str) -> dt.date | None:
    """A date that opens a line, however long the line: 'Wien, 14. Dezember 2021 – Aufgrund
    ...', '29.11.2022 – Mehrfach und vehement ...', '(21. November 2022) Energieverbraucher'.
    At most a place name or a label stands before it; never an 'updated' or copyright line."""
    head = text[:LEADING_CHARS]
    for match in _SEARCH_RE.finditer(head):
        before = head[: match.start()]
        if len(before.split()) > LEADING_WORDS or _UPDATED.search(before):
            return None
        if re.search(r"[.!?]\s", before):
            return None  # a sentence ended before it: the date is in the text
        value = _read_found(match)
        if value is not None:
            return value
    return None


LEADING_CHARS = 60  # how far into a line a date may start and still open it
LEADING_WORDS = 3  # "Pressemitteilung vom", "Wien,", "Red. /"


def _parse_iso(phrase: str) -> dt.date | dt.datetime | None:
    """ISO 8601 dates and datetimes, without dateparser (fast, exact)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].+)?", phrase):
        return None
    try:
        if len(phrase) == 10:
            return dt.date.fromisoformat(phrase)
        return dt.datetime.fromisoformat(phrase.replace("Z", "+00:00"))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _dateparse(phrase: str) -> dt.datetime | None:
    """dateparser with no guessing; cached because corpora repeat the same datelines."""
    import dateparser  # slow import; only pay for it when a non-ISO date appears

    try:
        return dateparser.parse(phrase, languages=_LANGUAGES, settings=_SETTINGS)
    except (ValueError, OverflowError, TypeError):
        return None


def parse_loose(value: object) -> dt.date | dt.datetime | None:
    """A date from a structured field (JSON 'published', HTML metadata); None if unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    return _parse_iso(value) or _parse_iso(value[:10]) or parse_date(value)
