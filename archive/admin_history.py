"""An article's revisions in the admin: who changed what and when (the body as a line
diff of its text), and a revert button per revision for users who may change articles."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from archive import history, services
from archive.models import Article, Revision


def revisions_view(request, object_id: int, *, model_admin):
    article = get_object_or_404(Article, pk=object_id)
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    revisions = article.revisions.select_related("user")[:200]
    context = {
        **admin.site.each_context(request),
        "opts": Article._meta,
        "title": f"Revisions of \u201c{article.title[:80]}\u201d",
        "article": article,
        "revisions": [(r, history.readable(r)) for r in revisions],
        "can_revert": model_admin.has_change_permission(request, article),
    }
    return TemplateResponse(request, "admin/archive/article/revisions.html", context)


@require_POST
def revert_view(request, object_id: int, revision_id: int, *, model_admin):
    revision = get_object_or_404(Revision, pk=revision_id, article_id=object_id)
    if not model_admin.has_change_permission(request, revision.article):
        raise PermissionDenied
    result = services.revert_revision(revision=revision, user=request.user)
    if result.status == services.FAILED:
        model_admin.message_user(request, f"Not reverted: {result.message}.", messages.ERROR)
    else:
        when = f"{revision.created:%Y-%m-%d %H:%M}"
        text = f"Reverted the {revision.get_kind_display()} of {when}."
        model_admin.message_user(request, text, messages.SUCCESS)
    return redirect(reverse("admin:archive_article_revisions", args=[object_id]))
