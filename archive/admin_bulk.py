"""The article list's bulk actions: each asks on a confirmation page, then makes one change
to every chosen article through services.bulk_edit_articles (one transaction, revisions,
re-indexed after commit). Only for users who may change articles."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from archive import services
from archive.ingest.types import EARLIEST_DATE, LATEST_DATE
from archive.models import Tag

_LANGUAGE = re.compile(r"^[a-z]{2}$")


class SourceForm(forms.Form):
    source = forms.CharField(
        required=False, max_length=200,
        help_text="The publisher's name (made if new). Leave empty for \u201cunknown source\u201d.",
    )  # fmt: skip

    def value(self):
        return self.cleaned_data["source"].strip()


class DateForm(forms.Form):
    published = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for \u201cundated\u201d. The time of day is cleared.",
    )  # fmt: skip

    def clean_published(self):
        value = self.cleaned_data.get("published")
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                f"A date from {EARLIEST_DATE:%Y-%m-%d} to {LATEST_DATE:%Y-%m-%d}, please."
            )
        return value

    def value(self):
        return self.cleaned_data["published"]


class LanguageForm(forms.Form):
    language = forms.CharField(
        required=False, max_length=12, help_text="ISO 639-1 code (en, de, fr, …); empty: unknown."
    )

    def clean_language(self):
        code = self.cleaned_data["language"].strip().lower()
        if code and not _LANGUAGE.match(code):
            raise forms.ValidationError("Two letters, as in en, de or fr.")
        return code

    def value(self):
        return self.cleaned_data["language"]


class TagsForm(forms.Form):
    kind = forms.ChoiceField(choices=Tag.Kind.choices, initial=Tag.Kind.KEYWORD)
    names = forms.CharField(max_length=2000, help_text="One or more tags, separated by ;")

    def clean_names(self):
        names = [n.strip() for n in self.cleaned_data["names"].split(";") if n.strip()]
        if not names:
            raise forms.ValidationError("Name at least one tag.")
        return names

    def value(self):
        return [(self.cleaned_data["kind"], name) for name in self.cleaned_data["names"]]


class NoValueForm(forms.Form):
    def value(self):
        return None


# action name -> (change, description, form, verb for the message)
BULK_ACTIONS = {
    "bulk_set_source": ("source", "Set the source…", SourceForm, "Set the source of"),
    "bulk_set_date": ("published", "Set the publication date…", DateForm, "Set the date of"),
    "bulk_add_tags": ("add_tags", "Add tags…", TagsForm, "Added tags to"),
    "bulk_remove_tags": ("remove_tags", "Remove tags…", TagsForm, "Removed tags from"),
    "bulk_set_language": ("language", "Set the language…", LanguageForm, "Set the language of"),
    "bulk_publish": ("publish", "Publish", NoValueForm, "Published"),
    "bulk_hide": ("hide", "Hide from the public site", NoValueForm, "Hid"),
}


def _make_action(name: str):
    change, description, form_class, verb = BULK_ACTIONS[name]

    @admin.action(description=description, permissions=["change"])
    def action(model_admin, request, queryset):
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            count = services.bulk_edit_articles(
                article_ids=queryset.values_list("pk", flat=True), change=change,
                value=form.value(), user=request.user,
            )  # fmt: skip
            plural = "s" if count != 1 else ""
            model_admin.message_user(request, f"{verb} {count} article{plural}.", messages.SUCCESS)
            return None  # back to the list
        return _confirmation(model_admin, request, queryset, name, description, form)

    action.__name__ = name
    return action


def _confirmation(model_admin, request, queryset, name, description, form):
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": description.rstrip("…"),
        "opts": opts,
        "form": form,
        "action": name,
        "count": queryset.count(),
        "sample": list(queryset.select_related("source")[:20]),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/archive/article/bulk_confirm.html", context)


bulk_actions = [_make_action(name) for name in BULK_ACTIONS]
