"""haystack's update_index, unchanged in its options and output, writing the whole run
through one index writer on our Whoosh backend (search.backend bulk_writes): one segment
instead of one per batch. rebuild_index calls this command too.

Other backends, and runs with --workers (several processes cannot share one writer), go
exactly as haystack's own command goes.
"""

import contextlib

from haystack import connections
from haystack.management.commands.update_index import Command as HaystackUpdateIndex

from search import capabilities


class Command(HaystackUpdateIndex):
    def handle(self, **options):
        with contextlib.ExitStack() as stack:
            if not options.get("workers"):
                aliases = options.get("using") or list(connections.connections_info)
                for alias in aliases:
                    backend = connections[alias].get_backend()
                    if capabilities.of(backend).bulk_writes:
                        stack.enter_context(backend.bulk_writes())
            return super().handle(**options)
