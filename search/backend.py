"""The only module that knows Whoosh. Everything else speaks haystack."""

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend


class ArchiveWhooshBackend(WhooshSearchBackend):
    pass


class ArchiveWhooshEngine(WhooshEngine):
    backend = ArchiveWhooshBackend
