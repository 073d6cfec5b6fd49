"""Login brute-force throttling for the admin login and the readers' login.

After LOGIN_MAX_FAILURES failed logins for one username, that username is refused for
LOGIN_LOCKOUT_SECONDS after the last failure, even with the right password, so guessing
cannot go on in the background. One address is refused after several times as many
failures, whatever usernames it tries (password spraying), without locking out the other
editors behind it on the first few typos.

Counters live in the default cache, which is the database cache: every gunicorn worker
sees the same counts.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache

# How many more failures one address may have than one username.
ADDRESS_FACTOR = 4


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _keys(username: str, address: str) -> dict[str, str]:
    return {
        "user": _key("user", username.strip().casefold()),
        "address": _key("address", address or "unknown"),
    }


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a proxy
    # we trust rewrites it, and then that proxy should set REMOTE_ADDR.
    return (request.META.get("REMOTE_ADDR") or "") if request else ""


def is_locked(username: str, address: str) -> bool:
    keys = _keys(username, address)
    limit = settings.LOGIN_MAX_FAILURES
    return (
        cache.get(keys["user"], 0) >= limit
        or cache.get(keys["address"], 0) >= limit * ADDRESS_FACTOR
    )


def record_failure(username: str, address: str) -> None:
    # get + set rather than incr: incr would reset the expiry to the cache's default. Two
    # workers racing may lose one count, which only delays the lockout by one attempt.
    for key in _keys(username, address).values():
        cache.set(key, cache.get(key, 0) + 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(username: str) -> None:
    cache.delete(_keys(username, "")["user"])


def count_attempt(kind: str, value: str) -> int:
    """Counts one more attempt of `kind` (e.g. a password-reset email) for `value` over the
    lockout window; returns the count including this one."""
    key = _key(kind, value.strip().casefold() or "unknown")
    count = cache.get(key, 0) + 1
    cache.set(key, count, settings.LOGIN_LOCKOUT_SECONDS)
    return count


def lockout_message() -> str:
    minutes = max(1, round(settings.LOGIN_LOCKOUT_SECONDS / 60))
    return (
        "Too many failed login attempts. Logging in is blocked for this account for "
        f"{minutes} minute{'s' if minutes != 1 else ''}; try again later."
    )


class ThrottledLoginMixin:
    """For an AuthenticationForm: refuses locked usernames and addresses before it even
    checks the password."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if is_locked(username, address):
            raise forms.ValidationError(lockout_message(), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_failure(username, address)
            raise
        clear_failures(username)
        return cleaned


class ThrottledAdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin login form, throttled."""


class ThrottledLoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The readers' login form (/accounts/login/), throttled like the admin's."""
