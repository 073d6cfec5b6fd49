"""Saved searches (with "N new since your last visit" and a private feed) and snapshots
(frozen result sets). Owner-only reads, as in views_collections."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from archive.models import Article
from archive.research import exports, queries, services
from archive.research.forms import SavedSearchForm, SaveSearchForm, ShareForm
from archive.research.models import SavedSearch, Snapshot
from search.views import SearchFeed

# A snapshot freezes at most this many matches (a paper's corpus, not the whole archive).
SNAPSHOT_MAX = 10_000


def _query_form(request):
    """The posted query string, validated by the search form: (canonical string, form)."""
    posted = SaveSearchForm(request.POST)
    if not posted.is_valid():
        return None, None, posted
    form = queries.saved_form(posted.cleaned_data["query"])
    if not form.is_valid():
        return None, form, posted
    canonical = urlencode(form.params(page=None))
    return canonical, form, posted


def describe(form) -> str:
    """A default name for a search: its words and filters."""
    parts = [form.cleaned_data.get("q") or "All articles"]
    parts += [f"{k}: {v}" for k, v in form.params(page=None, q=None, sort=None, page_size=None)]
    return "; ".join(parts)[:200]


@login_required
def saved_search_list(request):
    if request.method == "POST":
        canonical, form, posted = _query_form(request)
        if canonical is None:
            messages.error(request, "This search cannot be saved: its parameters are not valid.")
            return redirect("search:search")
        name = posted.cleaned_data["name"] or describe(form)
        services.saved_search_create(owner=request.user, name=name, query=canonical)
        messages.success(request, f"Search “{name}” saved.")
        return redirect("research:saved_searches")
    saved = list(SavedSearch.objects.owned_by(request.user))
    for s in saved:
        s.new = queries.count_new(s.query, s.last_visit)
    return render(request, "research/saved_searches.html", {"saved": saved})


def owned_saved(request, pk) -> SavedSearch:
    return get_object_or_404(SavedSearch.objects.owned_by(request.user), pk=pk)


@login_required
def saved_search_open(request, pk):
    """GET /searches/<id>/: marks the visit and opens the search page on it."""
    saved = owned_saved(request, pk)
    services.saved_search_visited(saved=saved)
    return redirect(saved.search_url())


@login_required
def saved_search_edit(request, pk):
    saved = owned_saved(request, pk)
    form = SavedSearchForm(request.POST or None, instance=saved)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            saved.delete()
            messages.success(request, "Saved search deleted.")
            return redirect("research:saved_searches")
        if request.POST.get("action") == "renew":
            services.feed_token_renew(saved=saved)
            messages.success(request, "A new feed address was made; the old one no longer works.")
            return redirect("research:saved_search_edit", pk=saved.pk)
        if form.is_valid():
            services.saved_search_update(saved=saved, **form.cleaned_data)
            messages.success(request, "Saved.")
            return redirect("research:saved_searches")
    feed = request.build_absolute_uri(reverse("research:saved_feed", args=[saved.feed_token]))
    context = {"saved": saved, "form": form, "feed_url": feed}
    return render(
        request, "research/saved_search_edit.html", context, status=400 if form.errors else 200
    )


class SavedSearchFeed(SearchFeed):
    """GET /feeds/search/saved/<token>/: the saved search's first 50 matches, newest first,
    for a feed reader (the token is the only key: no session needed)."""

    def __call__(self, request, *args, **kwargs):
        saved = SavedSearch.objects.filter(feed_token=kwargs.get("token") or "-").first()
        if saved is None:
            raise Http404
        form = queries.saved_form(saved.query)
        if not form.is_valid():
            return HttpResponseBadRequest("This saved search no longer has valid parameters.")
        self.saved = saved
        request.GET = form.data.copy()
        request.GET.setlist("sort", ["newest"])
        return super().__call__(request)

    def title(self):
        return f"News archive: {self.saved.name}"

    def feed_url(self):
        return reverse("research:saved_feed", args=[self.saved.feed_token])


# --- snapshots ------------------------------------------------------------------------------
@login_required
def snapshot_list(request):
    if request.method == "POST":
        canonical, form, posted = _query_form(request)
        if canonical is None:
            messages.error(request, "This search cannot be frozen: its parameters are not valid.")
            return redirect("search:search")
        if form.results().count > SNAPSHOT_MAX:
            messages.error(
                request, f"A snapshot holds at most {SNAPSHOT_MAX:,} articles: narrow the search."
            )
            return redirect(reverse("search:search") + "?" + canonical)
        name = posted.cleaned_data["name"] or describe(form)
        snapshot = services.snapshot_create(
            owner=request.user, name=name, query=canonical, articles=form.results().iter_articles()
        )
        messages.success(request, f"Snapshot of {snapshot.size} articles taken.")
        return redirect(snapshot)
    snapshots = Snapshot.objects.owned_by(request.user)
    return render(request, "research/snapshots.html", {"snapshots": snapshots})


def snapshot_rows(snapshot):
    """Each frozen item with its state now: "same", "changed" or "removed"."""
    items = list(snapshot.items.all())
    now = Article.objects.public().for_listing().in_bulk([i.article_id for i in items])
    for item in items:
        article = now.get(item.article_id)
        item.article = article
        if article is None:
            item.state = "removed"
        else:
            item.state = "same" if article.content_hash == item.content_hash else "changed"
    return items


def snapshot_context(request, snapshot, *, shared=False):
    items = snapshot_rows(snapshot)
    counts = {s: sum(1 for i in items if i.state == s) for s in ("same", "changed", "removed")}
    return {"snapshot": snapshot, "items": items, "counts": counts, "shared": shared,
            "search_url": reverse("search:search") + "?" + snapshot.query}  # fmt: skip


def owned_snapshot(request, pk):
    return get_object_or_404(Snapshot.objects.owned_by(request.user), pk=pk)


@login_required
def snapshot_view(request, pk):
    snapshot = owned_snapshot(request, pk)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            snapshot.delete()
            messages.success(request, "Snapshot deleted.")
            return redirect("research:snapshots")
        form = ShareForm(request.POST)
        if form.is_valid():
            services.share(obj=snapshot, on=form.cleaned_data["share"])
        return redirect(snapshot)
    return render(request, "research/snapshot.html", snapshot_context(request, snapshot))


def shared_snapshot(token):
    return get_object_or_404(Snapshot, share_token=token or "-")


def shared_snapshot_view(request, token):
    snapshot = shared_snapshot(token)
    return render(
        request, "research/snapshot.html", snapshot_context(request, snapshot, shared=True)
    )


def _snapshot_export(request, snapshot, fmt):
    if fmt not in ("csv", "ris", "bib", "json"):
        raise Http404
    # The CSV's note column says how each article stands against the snapshot.
    rows = [
        (i.article, f"{i.state} since the snapshot")
        for i in snapshot_rows(snapshot)
        if i.article is not None
    ]
    return exports.export_response(
        fmt, rows, name=snapshot.name, absolute=request.build_absolute_uri
    )


@login_required
def snapshot_export(request, pk, fmt):
    return _snapshot_export(request, owned_snapshot(request, pk), fmt)


def shared_snapshot_export(request, token, fmt):
    return _snapshot_export(request, shared_snapshot(token), fmt)
