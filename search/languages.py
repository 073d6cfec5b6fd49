"""The `language` filter and facet (INTERFACE.md): ISO 639-1 codes, named for readers.

Articles carry the language detected at import (Article.language); the index holds it as an
unanalysed facet value (search_indexes.ArticleIndex.language), and our backend also stems
each article's text in it (search.backend.analysis).
"""

from __future__ import annotations

import re

from django import forms
from django.conf.locale import LANG_INFO

CODE = re.compile(r"^[a-z]{2,3}$")
MAX_VALUES = 20


def label(code: str) -> str:
    """ "German" for "de"; the code itself for one Django does not name."""
    return LANG_INFO.get(code, {}).get("name", code)


class LanguageListField(forms.Field):
    """?language=de&language=fr: any of them matches."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        return list(dict.fromkeys(v.strip().lower() for v in values if v and v.strip()))

    def validate(self, value):
        if len(value) > MAX_VALUES:
            raise forms.ValidationError(f"Choose at most {MAX_VALUES}.", code="too_many")
        bad = [v for v in value if not CODE.match(v)]
        if bad:
            shown = ", ".join(repr(v[:12]) for v in bad[:3])
            raise forms.ValidationError(
                f"Not a language code (such as en, de, fr): {shown}.", code="invalid"
            )
