"""archive.settings with index updates on save turned off, for `bench.run --defer-index`:
the bulk import then only parses and saves, and `rebuild_index` (which the benchmark runs
next anyway) builds the whole index. Nothing else differs."""

from archive.settings import *  # noqa: F403

HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
