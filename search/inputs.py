"""Haystack input types for the two operators haystack has no filter for: a word within a
few edits (Fuzzy) and words near each other in any order (Near).

Each prepares itself in the query syntax every haystack backend understands, so a backend
without our Whoosh engine still answers them (Elasticsearch reads `word~` as a fuzzy term
with its own AUTO distance and `"a b"~N` as a phrase with a slop of N). Our Whoosh backend
renders Fuzzy with its number of edits and the policy's prefix, and reads `"a b"~N` as an
order-free proximity (search.backend.engine.Near).
"""

from __future__ import annotations

from haystack.inputs import Clean, Exact


class Fuzzy(Clean):
    """One word, matched within `edits` (1 or 2) edits. Use as `SQ(content__fuzzy=...)`."""

    input_type_name = "fuzzy"

    def __init__(self, word: str, edits: int = 1):
        super().__init__(word, edits=edits)

    @property
    def edits(self) -> int:
        return self.kwargs["edits"]


class Near(Exact):
    """Words within `distance` positions of each other, in any order: `"a b"~N`."""

    input_type_name = "exact"  # backends pass an exact input through as it is prepared

    def __init__(self, words: str, distance: int):
        super().__init__(words, distance=distance)

    @property
    def distance(self) -> int:
        return self.kwargs["distance"]

    def prepare(self, query_obj):
        return f"{super().prepare(query_obj)}~{self.distance}"
