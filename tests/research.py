"""Builders for the research tests: readers and logged-in clients."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

PASSWORD = "a-long-reader-password-1"


def make_reader(name: str = "reader", **kwargs):
    return get_user_model().objects.create_user(
        name, kwargs.pop("email", f"{name}@example.com"), PASSWORD, **kwargs
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
