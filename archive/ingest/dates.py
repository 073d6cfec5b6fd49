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
    r"^(?:posted|published|updated|last updated|first published|date|dated|stand|veröffentlicht|"
    r"aktualisiert|erschienen)(?:\s+(?:on|at|am))?\s*:?\s*",
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


def parse_date(phrase: str) -> dt.date | dt.datetime | None:
    """A date phrase -> datetime when it has a time, date when not, None when unreadable."""
    phrase = phrase.strip()
    iso = _parse_iso(phrase)
    if iso is not None:
        return iso
    cleaned = _ORDINAL.sub(r"\1", _LEADING_WEEKDAY.sub("", phrase)).replace(" at ", " ")
    parsed = _dateparse(cleaned)
    if parsed is None:
        return None
    has_time = re.search(r"\d:\d\d", phrase) is not None
    return parsed if has_time else parsed.date()


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
