"""Forms of the research app: every POST and GET parameter is validated here."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from archive.research.models import Collection, SavedSearch, Snapshot

NOTE_HELP = "Plain text; line breaks are kept."


class SignupForm(UserCreationForm):
    email = forms.EmailField(help_text="For resetting your password and for alerts.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this address exists: log in instead.")
        return email


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Their email address")


class CollectionForm(forms.ModelForm):
    class Meta:
        model = Collection
        fields = ("name", "note")
        labels = {"note": "Description and notes"}
        help_texts = {"note": NOTE_HELP}
        widgets = {"note": forms.Textarea(attrs={"rows": 5})}


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=NOTE_HELP,
    )  # fmt: skip


class CollectForm(forms.Form):
    """Add (or remove) one article to (from) one of the reader's collections."""

    article = forms.IntegerField(min_value=1)
    collection = forms.ModelChoiceField(queryset=Collection.objects.none(), required=False)
    new_name = forms.CharField(required=False, max_length=200)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Another reader's collection id is simply not a valid choice.
        self.fields["collection"].queryset = Collection.objects.owned_by(user)

    def clean(self):
        data = super().clean()
        if not data.get("collection") and not (data.get("new_name") or "").strip():
            raise forms.ValidationError("Choose a collection or name a new one.")
        return data


class MoveForm(forms.Form):
    direction = forms.TypedChoiceField(choices=(("-1", "up"), ("1", "down")), coerce=int)


class ShareForm(forms.Form):
    share = forms.TypedChoiceField(
        choices=(("on", "on"), ("off", "off")), coerce=lambda v: v == "on"
    )


class SavedSearchForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ("name", "alerts")
        labels = {"alerts": "Email me new matches"}


class SaveSearchForm(forms.Form):
    """What "Save this search" and "Snapshot this search" post: a name and the query string."""

    name = forms.CharField(max_length=200, required=False)
    query = forms.CharField(max_length=4000, required=False)


class SnapshotForm(forms.ModelForm):
    class Meta:
        model = Snapshot
        fields = ("name",)
