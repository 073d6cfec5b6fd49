"""{% account_menu %} for the header, {% collect_button article %} for article pages and
search results: the reader's tools without touching the pages' own templates further."""

from django import template
from django.urls import reverse

register = template.Library()


def _next(context) -> str:
    request = context.get("request")
    return request.get_full_path() if request else "/"


@register.inclusion_tag("research/account_menu.html", takes_context=True)
def account_menu(context):
    return {
        "user": context["user"],
        "research": context["research"],
        "messages": context.get("messages"),
        "next": _next(context),
    }


@register.inclusion_tag("research/collect_button.html", takes_context=True)
def collect_button(context, article, compact=False):
    """The collect form for `article`. On a results page (`compact`) the reader's
    collections and what they hold are read once for the whole page."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    tools = context["research"]
    if compact:
        holding = set(tools.collected.get(article.pk, []))
        collections = tools.collections
        held = [c for c in collections if c.pk in holding]
    else:
        collections = tools.holding(article)
        held = [c for c in collections if c.holds]
    return {
        "show": True,
        "article": article,
        "collections": [c for c in collections if c not in held],
        "held": held,
        "next": _next(context),
        "compact": compact,
        "csrf_token": context.get("csrf_token"),
        "action": reverse("research:collect"),
    }
