"""Derived data (the search index, the story signatures) checked against the database."""

from __future__ import annotations

import sys
from collections.abc import Callable


def check_and_repair(write: Callable[[str], None], *, compare, repair, repair_it: bool) -> None:
    """Print "in sync" or what differs (compare() returns something with `in_sync` and
    `describe()`); with `repair_it`, repair(diff) and compare again. Exits with status 1
    while anything differs."""
    diff = compare()
    if diff.in_sync:
        write("in sync")
        return
    write(diff.describe())
    if not repair_it:
        sys.exit(1)
    repair(diff)
    after = compare()
    write("repaired: in sync" if after.in_sync else "still differs: " + after.describe())
    if not after.in_sync:
        sys.exit(1)
