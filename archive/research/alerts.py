"""The alert digests send_alerts emails: for each saved search with alerts on, the articles
added since its last digest that it matches. Idempotent: each digest moves the saved
search's `alerted_until` on in the same transaction that records it (AlertDelivery), so a
rerun, or a second cron job at once, sends nothing twice; a failed send moves nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from archive.research import queries
from archive.research.models import AlertDelivery, SavedSearch

log = logging.getLogger(__name__)

# Articles added this recently may not be searchable yet (the index writer runs after the
# commit): they wait for the next run instead of being skipped for good.
INDEX_LAG = dt.timedelta(minutes=2)
DIGEST_SIZE = 50  # articles listed in one email; the rest are counted


@dataclass
class Outcome:
    searches: int = 0
    sent: int = 0
    articles: int = 0
    failed: int = 0


def due_searches():
    return (
        SavedSearch.objects.filter(alerts=True, owner__is_active=True)
        .exclude(owner__email="")
        .select_related("owner")
    )


def digest_text(saved: SavedSearch, articles) -> str:
    site = settings.SITE_URL
    lines = [f"{len(articles)} new article(s) for your saved search “{saved.name}”:", ""]
    for article in articles[:DIGEST_SIZE]:
        date = f" ({article.published:%d %b %Y})" if article.published else ""
        lines += [f"- {article.title}{date}", f"  {site}{article.get_absolute_url()}"]
    if len(articles) > DIGEST_SIZE:
        lines.append(f"… and {len(articles) - DIGEST_SIZE} more.")
    lines += [
        "",
        f"The search: {site}{saved.search_url()}",
        f"Stop these emails: {site}{reverse('research:saved_search_edit', args=[saved.pk])}",
    ]
    return "\n".join(lines)


def send_one(saved_id: int, until: dt.datetime) -> int:
    """Sends one saved search's digest (if anything is new); returns the articles sent."""
    with transaction.atomic():
        saved = SavedSearch.objects.select_for_update().select_related("owner").get(pk=saved_id)
        if saved.alerted_until >= until:
            return 0  # another run got here first
        articles = queries.new_matches(saved.query, saved.alerted_until, until)
        if articles:
            send_mail(
                f"News archive: {len(articles)} new for “{saved.name}”",
                digest_text(saved, articles),
                None,
                [saved.owner.email],
            )
            AlertDelivery.objects.create(
                saved_search=saved, until=until, email=saved.owner.email,
                article_ids=[a.pk for a in articles],
            )  # fmt: skip
        saved.alerted_until = until
        saved.save(update_fields=["alerted_until"])
        return len(articles)


def send_alerts(*, now: dt.datetime | None = None) -> Outcome:
    until = (now or timezone.now()) - INDEX_LAG
    outcome = Outcome()
    for saved in due_searches():
        outcome.searches += 1
        try:
            n = send_one(saved.pk, until)
        except Exception:  # one failing search or mail server hiccup must not stop the rest
            log.exception("alert digest for saved search %s failed", saved.pk)
            outcome.failed += 1
            continue
        if n:
            outcome.sent += 1
            outcome.articles += n
    return outcome
