"""An Elasticsearch 7 cluster's HTTP answers, for tests of the scale-out path without a server.

The elasticsearch-py client, haystack's ES 7 backend and ours (search/elastic.py) all run;
only the client's Connection (the socket) is replaced: it records every request (method,
path, query parameters, JSON body) and answers as a 7.17 node would, with the hits and
facet buckets a test gives it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from elasticsearch import Connection

INDEX = "archive-test"
SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}
INFO = {
    "name": "fake",
    "cluster_name": "fake",
    "version": {"number": "7.17.13", "build_flavor": "default"},
    "tagline": "You Know, for Search",
}


@dataclass
class Request:
    method: str
    path: str
    params: dict
    body: object  # the JSON body; a list of documents for _bulk

    @property
    def is_search(self) -> bool:
        return self.method in ("GET", "POST") and self.path == f"/{INDEX}/_search"


@dataclass
class Cluster:
    """What the fake cluster holds and was asked."""

    requests: list[Request] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)  # article ids every search returns
    documents: set[int] = field(default_factory=set)  # ids written (_bulk) and not deleted
    buckets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # facet values
    total: int | None = None  # hits.total (len(hits) by default)
    mapping: dict | None = None  # the index's mapping once put

    def searches(self) -> list[Request]:
        return [r for r in self.requests if r.is_search]

    def answer(self, request: Request) -> tuple[int, object]:
        method, path = request.method, request.path
        if path == "/":
            return 200, INFO
        if path == f"/{INDEX}/_mapping":
            if method == "PUT":
                self.mapping = request.body
                return 200, {"acknowledged": True}
            if self.mapping is None:
                return 404, {"error": {"type": "index_not_found_exception"}, "status": 404}
            return 200, {INDEX: {"mappings": self.mapping}}
        if path == f"/{INDEX}" and method == "PUT":
            return 200, {"acknowledged": True, "index": INDEX}
        if path.endswith("/_bulk"):
            actions = request.body[0::2]
            self.documents |= {_pk(a["index"]["_id"]) for a in actions}
            items = [{"index": {"_id": a["index"]["_id"], "status": 201}} for a in actions]
            return 200, {"took": 1, "errors": False, "items": items}
        if path == "/_search/scroll":
            return 200, {"_scroll_id": "s", "_shards": SHARDS, "hits": {"hits": []}}
        if request.is_search:
            return 200, self._search(request)
        if method == "DELETE" and path.startswith(f"/{INDEX}/_doc/"):
            self.documents.discard(_pk(path.rsplit("/", 1)[1]))
        return 200, {"acknowledged": True}  # refresh, delete, clear_scroll

    def _search(self, request: Request) -> dict:
        docs = [
            {
                "_id": f"archive.article.{pk}",
                "_score": 1.0,
                "_source": {"django_ct": "archive.article", "django_id": str(pk)},
            }
            # a scroll (check_index) reads what the cluster holds; a search, the given hits
            for pk in (sorted(self.documents) if "scroll" in request.params else self.hits)
        ]
        aggs = {
            name: {
                "meta": spec.get("meta", {}),
                "buckets": [{"key": k, "doc_count": n} for k, n in self.buckets.get(name, [])],
            }
            for name, spec in (request.body or {}).get("aggs", {}).items()
        }
        total = len(self.hits) if self.total is None else self.total
        answer = {
            "_shards": SHARDS,
            "hits": {"total": {"value": total, "relation": "eq"}, "hits": docs},
        }
        if aggs:
            answer["aggregations"] = aggs
        if "scroll" in request.params:
            answer["_scroll_id"] = "s"
        return answer


def connection_class(cluster: Cluster) -> type[Connection]:
    """A Connection answering from `cluster`."""

    class FakeConnection(Connection):
        def perform_request(
            self, method, url, params=None, body=None, timeout=None, ignore=(), headers=None
        ):
            path = url.split("?")[0]
            request = Request(method, path, dict(params or {}), _decode(body))
            cluster.requests.append(request)
            status, answer = cluster.answer(request)
            raw = json.dumps(answer)
            if not (200 <= status < 300) and status not in ignore:
                self._raise_error(status, raw)
            return status, {"x-elastic-product": "Elasticsearch"}, raw

    return FakeConnection


def _pk(doc_id: str) -> int:
    return int(doc_id.rsplit(".", 1)[1])


def _decode(body):
    if body is None:
        return None
    text = body.decode() if isinstance(body, bytes) else body
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > 1:  # NDJSON (_bulk)
        return [json.loads(line) for line in lines]
    return json.loads(lines[0]) if lines else None
