"""Collections: a reader's dossiers. Every view reads through owned_by(request.user), so
another reader's id is a 404 (never a 403 that would confirm it exists)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_POST

from archive.models import Article
from archive.research import exports, queries, services
from archive.research.forms import CollectForm, CollectionForm, MoveForm, NoteForm, ShareForm
from archive.research.models import Collection, CollectionItem
from search.views import SearchPageView, SearchUnavailable

EXPORT_FORMATS = ("csv", "ris", "bib", "json")


def safe_next(request, fallback: str) -> str:
    """`next` from the POST when it is a page of this site, else `fallback`."""
    target = request.POST.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else fallback


def owned_collection(request, pk: int) -> Collection:
    return get_object_or_404(Collection.objects.owned_by(request.user), pk=pk)


@method_decorator(login_required, name="dispatch")
class CollectionListView(View):
    template_name = "research/collections.html"

    def get(self, request):
        return self._page(request, CollectionForm())

    def post(self, request):
        form = CollectionForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        collection = services.collection_create(owner=request.user, **form.cleaned_data)
        messages.success(request, f"Collection “{collection.name}” created.")
        return redirect(collection)

    def _page(self, request, form, status=200):
        from django.db.models import Count

        collections = Collection.objects.owned_by(request.user).annotate(size=Count("items"))
        context = {"collections": collections, "form": form}
        return render(request, self.template_name, context, status=status)


@login_required
@require_POST
def collect(request):
    """POST /collect/: add an article to a collection (or a new one), or remove it."""
    form = CollectForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect(safe_next(request, "/"))
    article = get_object_or_404(Article.objects.public(), pk=form.cleaned_data["article"])
    collection = form.cleaned_data["collection"]
    if request.POST.get("action") == "remove" and collection is not None:
        services.collection_remove(collection=collection, article_id=article.pk)
        messages.success(request, f"Removed from “{collection.name}”.")
        return redirect(safe_next(request, article.get_absolute_url()))
    if collection is None:
        name = form.cleaned_data["new_name"]
        collection = services.collection_create(owner=request.user, name=name)
    if collection.items.count() >= queries.MAX_ITEMS:
        messages.error(request, f"A collection holds at most {queries.MAX_ITEMS} articles.")
    elif services.collection_add(collection=collection, article=article):
        messages.success(request, f"Added to “{collection.name}”.")
    else:
        messages.info(request, f"Already in “{collection.name}”.")
    return redirect(safe_next(request, article.get_absolute_url()))


@method_decorator(login_required, name="dispatch")
class CollectionView(View):
    """GET /collections/<id>/: the items in order with their notes; with search parameters,
    the search page's results and facets inside the collection."""

    template_name = "research/collection.html"

    def get(self, request, pk):
        collection = owned_collection(request, pk)
        return render(request, self.template_name, collection_context(request, collection))

    def post(self, request, pk):
        collection = owned_collection(request, pk)
        form = CollectionForm(request.POST, instance=collection)
        if not form.is_valid():
            context = collection_context(request, collection, edit_form=form)
            return render(request, self.template_name, context, status=400)
        services.collection_update(collection=collection, **form.cleaned_data)
        messages.success(request, "Collection saved.")
        return redirect(collection)


def collection_context(request, collection, *, edit_form=None, shared=False) -> dict:
    context = {
        "collection": collection, "shared": shared,
        "edit_form": edit_form or CollectionForm(instance=collection),
    }  # fmt: skip
    searching = any(k in request.GET for k in ("q", "source", "author", "tag", "start", "end"))
    if searching:
        ids = queries.collection_article_ids(collection)
        form = queries.WithinForm(request.GET, ids=ids)
        context["form"] = form
        if form.is_valid():
            try:
                context.update(SearchPageView().outcome_context(form))
            except EmptyPage:
                form.add_error("page", "There is no such page of results.")
            except SearchUnavailable:
                context["unavailable"] = "Search is unavailable right now."
        notes = dict(collection.items.values_list("article_id", "note"))
        context["notes"] = notes
    else:
        context["items"] = list(queries.collection_items(collection))
        context["form"] = queries.WithinForm({}, ids=[])
    context["searching"] = searching
    return context


@login_required
@require_POST
def collection_delete(request, pk):
    collection = owned_collection(request, pk)
    services.collection_delete(collection=collection)
    messages.success(request, f"Collection “{collection.name}” deleted.")
    return redirect("research:collections")


def owned_item(request, pk, article_id) -> CollectionItem:
    collection = owned_collection(request, pk)
    return get_object_or_404(collection.items, article_id=article_id)


@login_required
@require_POST
def item_note(request, pk, article_id):
    item = owned_item(request, pk, article_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.item_note_set(item=item, note=form.cleaned_data["note"])
        messages.success(request, "Note saved.")
    else:
        messages.error(request, "The note is too long (20,000 characters at most).")
    return redirect(f"{item.collection.get_absolute_url()}#item-{article_id}")


@login_required
@require_POST
def item_move(request, pk, article_id):
    item = owned_item(request, pk, article_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.collection_move(item=item, direction=form.cleaned_data["direction"])
    return redirect(f"{item.collection.get_absolute_url()}#item-{article_id}")


@login_required
@require_POST
def collection_share(request, pk):
    collection = owned_collection(request, pk)
    form = ShareForm(request.POST)
    if form.is_valid():
        services.share(obj=collection, on=form.cleaned_data["share"])
        messages.success(
            request, "Read-only link made." if collection.share_token else "Link revoked."
        )
    return redirect(collection)


def shared_collection(token: str) -> Collection:
    if not token:
        raise Http404
    return get_object_or_404(Collection, share_token=token)


def shared_collection_view(request, token):
    """GET /shared/collections/<token>/: the read-only view anyone with the link sees."""
    collection = shared_collection(token)
    context = collection_context(request, collection, shared=True)
    return render(request, "research/collection.html", context)


def _rows(collection):
    return [(item.article, item.note) for item in queries.collection_items(collection)]


def export(request, collection, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return exports.export_response(
        fmt, _rows(collection), name=collection.name, absolute=request.build_absolute_uri
    )


@login_required
def collection_export(request, pk, fmt):
    return export(request, owned_collection(request, pk), fmt)


def shared_collection_export(request, token, fmt):
    return export(request, shared_collection(token), fmt)
