"""Following feeds: an RSS or Atom feed's entries not yet archived, captured by URL.

    feed_entries(url, etag=…, modified=…)  -> FeedRead (one conditional request)
    new_entry_urls(urls)                   the entries' URLs the archive has not got
    capture_feed(url, …)                   read, pick the new entries (at most a run's cap)
    check_subscriptions(…)                 every active FeedSubscription (cron)

An unchanged feed costs one request: the ETag and Last-Modified of the last read are sent
back, and a 304 ends the work. They are kept only once every new entry was captured: a run
cut short by the per-run cap fetches the feed again next time, for the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import feedparser
from django.conf import settings
from django.utils import timezone

from archive import services
from archive.capture import CaptureError, CapturePolicy, capture_url, fetch
from archive.models import Article, FeedSubscription


@dataclass
class FeedRead:
    unchanged: bool = False
    urls: list[str] = field(default_factory=list)
    etag: str = ""
    modified: str = ""
    title: str = ""


def feed_entries(
    url: str, *, etag: str = "", modified: str = "", policy: CapturePolicy | None = None
) -> FeedRead:
    """The feed's entry links, in its order; raises CaptureError when it cannot be read."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    fetched = fetch(url, policy, headers=headers)
    if fetched.status == 304:
        return FeedRead(unchanged=True, etag=etag, modified=modified)
    if fetched.status != 200:
        raise CaptureError(f"the feed's server answered {fetched.status} {fetched.reason}")
    parsed = feedparser.parse(fetched.body)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        why = parsed.get("bozo_exception") or "no RSS or Atom in it"
        raise CaptureError(f"not an RSS or Atom feed ({why})"[:300])
    urls = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = entry["id"]
        if link.startswith(("http://", "https://")):
            urls.append(link.strip())
    lookup = {k.lower(): v for k, v in fetched.headers}
    return FeedRead(
        urls=list(dict.fromkeys(urls)), etag=lookup.get("etag", ""),
        modified=lookup.get("last-modified", ""), title=parsed.feed.get("title", ""),
    )  # fmt: skip


def new_entry_urls(urls: list[str], chunk: int = 500) -> list[str]:
    """The URLs no article has as its original URL, in their order."""
    known = set()
    for start in range(0, len(urls), chunk):
        part = urls[start : start + chunk]
        known.update(Article.objects.filter(original_url__in=part).values_list(
            "original_url", flat=True))  # fmt: skip
    return [u for u in urls if u not in known]


@dataclass
class FeedRun:
    """A feed's run: the line saying what was found, then each capture's result."""

    line: str
    results: Iterator[services.SaveResult]
    complete: bool = True  # every new entry is captured this run (nothing left by the cap)


def capture_feed(
    url: str,
    *,
    source: str = "",
    etag: str = "",
    modified: str = "",
    names: services.NameCache | None = None,
    policy: CapturePolicy | None = None,
    on_read: Callable[[FeedRead], None] | None = None,
) -> FeedRun:
    """Read the feed and capture its new entries, at most CAPTURE_FEED_MAX_ENTRIES of them."""
    read = feed_entries(url, etag=etag, modified=modified, policy=policy)
    if on_read:
        on_read(read)
    if read.unchanged:
        return FeedRun(f"feed {url}: unchanged since the last run (304)", iter(()))
    new = new_entry_urls(read.urls)
    cap = settings.CAPTURE_FEED_MAX_ENTRIES
    line = f"feed {url}: {len(read.urls)} entries, {len(new)} not yet archived"
    if len(new) > cap:
        line += f"; capturing the first {cap} this run (the other {len(new) - cap} next run)"
    names = names or services.NameCache()
    results = (capture_url(entry, source=source, names=names, policy=policy) for entry in new[:cap])
    return FeedRun(line, results, complete=len(new) <= cap)


def check_subscriptions(
    *, policy: CapturePolicy | None = None, names: services.NameCache | None = None
) -> Iterator[tuple[str, Iterator[services.SaveResult]]]:
    """Each active subscription's line and results; its ETag, Last-Modified and last result
    are saved once its entries are captured."""
    names = names or services.NameCache()
    for subscription in FeedSubscription.objects.filter(active=True).order_by("pk"):
        read_holder: list[FeedRead] = []
        try:
            run = capture_feed(
                subscription.url, source=subscription.source, etag=subscription.etag,
                modified=subscription.last_modified, names=names, policy=policy,
                on_read=read_holder.append,
            )  # fmt: skip
        except CaptureError as exc:
            _checked(subscription, f"failed: {exc}")
            yield f"failed: feed {subscription.url}: {exc}", iter(())
            continue
        yield run.line, _then_remember(run, subscription, read_holder[0])


def _then_remember(run: FeedRun, subscription: FeedSubscription, read: FeedRead):
    counts = {}
    for result in run.results:
        counts[result.status] = counts.get(result.status, 0) + 1
        yield result
    if run.complete:
        subscription.etag, subscription.last_modified = read.etag[:500], read.modified[:100]
    summary = ", ".join(f"{k} {v}" for k, v in counts.items()) or "nothing new"
    _checked(subscription, run.line.split(": ", 1)[1] + f" — {summary}")


def _checked(subscription: FeedSubscription, result: str) -> None:
    subscription.last_checked = timezone.now()
    subscription.last_result = result[:500]
    subscription.save(update_fields=["etag", "last_modified", "last_checked", "last_result"])
