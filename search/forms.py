"""ArchiveSearchForm: validates every search parameter of INTERFACE.md and builds the one
result set that the page, the JSON API, the CSV export and the Atom feed all render."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator

from search import languages
from search import query as query_language
from search.results import (
    DIMENSIONS,
    PAGE_SIZE,
    DatabaseResults,
    Filters,
    IndexResults,
    lists_through_index,
)
from search.stories import grouped

SORTS = (("relevance", "Best match"), ("newest", "Newest first"), ("oldest", "Oldest first"))
GROUPS = (("story", "One result per story"),)
MIN_YEAR = 1000  # engines format dates as four-digit years
MAX_VALUES = 20  # of one filter; more would only make a slow query
MAX_PAGE_SIZE = 100  # results a page may ask for (API and page alike); the default is PAGE_SIZE
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


class QueryField(forms.CharField):
    """The query text: control characters become spaces (so "\\x00" is searched as words,
    not refused), then the length is capped."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            # Cut first: the length check refuses it anyway, and no work grows with the input.
            value = query_language.clean_text(value[: settings.SEARCH_MAX_QUERY_LENGTH + 1])
        return super().to_python(value)

    def run_validators(self, value):
        MaxLengthValidator(settings.SEARCH_MAX_QUERY_LENGTH)(value)
        super().run_validators(value)


class SlugListField(forms.Field):
    """A repeatable parameter of slugs (?tag=a&tag=b); any of them matches."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))

    def validate(self, value):
        if len(value) > MAX_VALUES:
            raise forms.ValidationError(f"Choose at most {MAX_VALUES}.", code="too_many")
        bad = [v for v in value if not _SLUG.match(v)]
        if bad:
            shown = ", ".join(repr(v[:40]) for v in bad[:3])
            raise forms.ValidationError(f"Not a valid name: {shown}.", code="invalid")


class ArchiveSearchForm(forms.Form):
    q = QueryField(label="Search for")
    source = SlugListField()
    author = SlugListField()
    tag = SlugListField()
    language = languages.LanguageListField()
    start = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], label="From",
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )  # fmt: skip
    end = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], label="To",
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )  # fmt: skip
    sort = forms.ChoiceField(choices=SORTS, required=False)
    group = forms.ChoiceField(choices=GROUPS, required=False)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=1_000_000,
        error_messages={"invalid": "Enter a page number."},
    )  # fmt: skip
    page_size = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE,
        error_messages={"invalid": f"Enter a page size from 1 to {MAX_PAGE_SIZE}."},
    )  # fmt: skip

    PARAMS = (
        "q", "source", "author", "tag", "language", "start", "end", "sort", "group", "page_size",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed = query_language.ParsedQuery()
        self._encoded = None  # url()'s cache: each parameter's part of the query string

    def clean_q(self):
        text = self.cleaned_data["q"].strip()
        self.parsed = query_language.parse(text)
        if not self.parsed.is_empty and not self.parsed.has_positive:
            raise forms.ValidationError(
                "Add a word to look for: a query cannot only exclude words.", code="only_not"
            )
        return text

    def clean(self):
        self._encoded = None
        data = super().clean()
        for name in ("start", "end"):
            if data.get(name) and data[name].year < MIN_YEAR:
                self.add_error(name, f"Enter a date from the year {MIN_YEAR} on.")
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        return data

    # --- what the views use (only on a valid form) --------------------------------------------
    @property
    def has_query(self) -> bool:
        return not self.parsed.is_empty

    @property
    def sort_order(self) -> str:
        chosen = self.cleaned_data.get("sort")
        if chosen == "relevance" and not self.has_query:
            return "newest"  # without words there is no relevance to sort by
        return chosen or ("relevance" if self.has_query else "newest")

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

    @property
    def per_page(self) -> int:
        return self.cleaned_data.get("page_size") or PAGE_SIZE

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            source=data["source"], author=data["author"], tag=data["tag"],
            language=data["language"], start=data.get("start"), end=data.get("end"),
        )  # fmt: skip

    @property
    def grouped_by_story(self) -> bool:
        return self.cleaned_data.get("group") == "story"

    def results(self):
        """The one result set for these parameters (one result per story with group=story)."""
        if not self.has_query and not lists_through_index():
            return self.database_results()
        found = IndexResults(self.parsed, self.cleaned_data["q"], self.filters(), self.sort_order)
        return grouped(found, self.cleaned_data.get("group"))

    def database_results(self):
        """Every public article matching the filters, from the database (no query)."""
        found = DatabaseResults(self.filters(), self.sort_order)
        return grouped(found, self.cleaned_data.get("group"))

    def params(self, **changes) -> list[tuple[str, str]]:
        """The canonical parameters with `changes` applied (None removes a parameter)."""
        data = {name: self.cleaned_data.get(name) for name in self.PARAMS}
        data.update(changes)
        pairs = []
        for name in (*self.PARAMS, "page"):
            pairs.extend(_pairs(name, data.get(name)))
        return pairs

    def url(self, **changes) -> str:
        """The query string of `params(**changes)`, with its "?". A results page builds one
        for every facet value, month bar and chip, so each unchanged parameter is encoded
        once per form."""
        if self._encoded is None:
            self._encoded = {n: _encoded(n, self.cleaned_data.get(n)) for n in self.PARAMS}
        parts = [
            _encoded(name, changes[name]) if name in changes else self._encoded.get(name, "")
            for name in (*self.PARAMS, "page")
        ]
        return "?" + "&".join(part for part in parts if part)

    def toggled(self, dimension: str, value: str) -> str:
        """The URL with one facet value added, or removed when it is already chosen."""
        chosen = list(self.cleaned_data[dimension])
        chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
        return self.url(**{dimension: chosen})

    def chosen_filters(self) -> list[dict]:
        """Each chosen filter with the URL that removes just that one."""
        chosen = []
        for dimension in (*DIMENSIONS, "language"):
            for value in self.cleaned_data[dimension]:
                label = "Unknown source" if (dimension, value) == ("source", "-") else value
                chosen.append(
                    {"dimension": dimension, "value": value, "label": label,
                     "url": self.toggled(dimension, value)}
                )  # fmt: skip
        for name in ("start", "end"):
            if self.cleaned_data.get(name):
                value = self.cleaned_data[name].isoformat()
                chosen.append({"dimension": name, "value": value, "url": self.url(**{name: None})})
        return chosen


def _pairs(name: str, value) -> list[tuple[str, str]]:
    """One parameter's (name, value) pairs: none when empty, one per value of a list."""
    if value in (None, "", []):
        return []
    return [(name, str(v)) for v in (value if isinstance(value, list) else [value])]


def _encoded(name: str, value) -> str:
    return urlencode(_pairs(name, value))
