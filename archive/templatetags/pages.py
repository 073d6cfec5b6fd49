"""Page links that keep the query string: numbered pages with the far ones elided."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_links(context, page_obj, on_each_side: int = 2) -> list[dict]:
    """[{"number": n, "url": "?…&page=n", "current": bool}, or {"gap": True}, …] for the pages
    around `page_obj`, the first and the last; every other parameter kept as it is."""
    params = context["request"].GET.copy()
    links = []
    for number in page_obj.paginator.get_elided_page_range(
        page_obj.number, on_each_side=on_each_side, on_ends=1
    ):
        if number == page_obj.paginator.ELLIPSIS:
            links.append({"gap": True})
            continue
        params["page"] = number
        links.append(
            {
                "number": number,
                "url": "?" + params.urlencode(),
                "current": number == page_obj.number,
            }
        )
    return links
