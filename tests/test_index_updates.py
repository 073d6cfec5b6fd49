"""Saves and deletes reach the index after commit, in batches, and survive a held lock."""

import contextlib
import datetime as dt
import json
import os
import random
import signal
import subprocess

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from haystack import connections

from archive.models import Article, Author
from search import index_writer, outbox
from search.backend import ArchiveWhooshBackend
from search.consistency import compare, indexed_ids
from search.models import PendingIndexUpdate
from search.policy import SearchPolicy
from search.search_indexes import ArticleIndex
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def found(q):
    return {int(r.pk) for r in _sqs(q)}


def _sqs(q):
    from haystack.query import SearchQuerySet

    from search.query import parse

    return SearchQuerySet().filter(parse(q).to_sq())


def backend():
    return connections["default"].get_backend()


def test_a_save_reaches_the_index_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        article = make_article(title="Zanzibar summit")
        assert found("zanzibar") == set()
    assert found("zanzibar") == {article.pk}
    assert PendingIndexUpdate.objects.count() == 0


def test_a_rolled_back_save_never_reaches_the_index(django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture, pytest.raises(RuntimeError), transaction.atomic():
        make_article(title="Zanzibar summit")
        raise RuntimeError
    assert found("zanzibar") == set()
    assert PendingIndexUpdate.objects.count() == 0


def test_edits_hiding_and_deleting_update_the_index(on_commit):
    article = on_commit(make_article, title="Zanzibar summit")
    article.title = "Kilimanjaro summit"
    on_commit(article.save)
    assert found("kilimanjaro") == {article.pk} and found("zanzibar") == set()
    article.is_public = False
    on_commit(article.save)
    assert found("kilimanjaro") == set()
    article.is_public = True
    on_commit(article.save)
    on_commit(article.delete)
    assert found("kilimanjaro") == set()
    assert indexed_ids() == set()


def test_renaming_an_author_reindexes_their_articles(on_commit):
    article = on_commit(make_article, title="Summit", authors=("Ann Writer",))
    author = Author.objects.get(name="Ann Writer")
    author.name = "Zelda Penhaligon"
    on_commit(author.save)
    assert found("author:penhaligon") == {article.pk}


@pytest.mark.django_db(transaction=True)  # real commits, so on_commit runs at each one
def test_an_import_writes_the_index_in_batches(monkeypatch, search_policy):
    search_policy(import_batch_articles=10, import_batch_delay=3600)
    calls = []
    original = backend().apply_changes
    monkeypatch.setattr(
        backend(), "apply_changes", lambda *a, **k: calls.append(1) or original(*a, **k)
    )

    def bulk():
        with index_writer.batched_index_updates():
            for i in range(25):
                make_article(title=f"Batch {i}")

    bulk()
    assert 3 <= len(calls) <= 4
    assert len(indexed_ids()) == 25


def test_a_held_lock_delays_an_update_but_never_loses_it(on_commit, search_policy):
    search_policy(request_lock_wait=0.1)
    doomed = on_commit(make_article, title="Doomed summit")
    doomed_pk = doomed.pk
    writer = backend().index.writer()  # another process's long write holds the lock
    try:
        article = on_commit(make_article, title="Zanzibar summit")  # the request succeeds
        on_commit(doomed.delete)
        assert found("zanzibar") == set() and found("doomed") == {doomed_pk}
        assert PendingIndexUpdate.objects.count() >= 2
    finally:
        writer.cancel()
    outbox.flush()  # the next flush, by whoever comes next, catches up
    assert found("zanzibar") == {article.pk} and found("doomed") == set()
    assert PendingIndexUpdate.objects.count() == 0


def test_reindex_articles_rewrites_the_given_ids(on_commit):
    article = make_article(title="Unindexed summit")  # no on_commit: never indexed
    assert found("unindexed") == set()
    assert outbox.reindex_articles([article.pk]) == 1
    assert found("unindexed") == {article.pk}


def test_check_index_reports_and_repairs_differences(on_commit, capsys):
    kept = on_commit(make_article, title="Kept")
    gone = on_commit(make_article, title="Gone")
    Article.objects.filter(pk=gone.pk).update(is_public=False)  # update() sends no signal
    missing = make_article(title="Missing")  # its index update never runs ...
    PendingIndexUpdate.objects.all().delete()  # ... and is lost (say, a restored backup)
    diff = compare()
    assert diff.missing == [missing.pk] and diff.extra == [gone.pk]
    with pytest.raises(SystemExit):
        call_command("check_index")
    assert "missing from the index: 1" in capsys.readouterr().out
    call_command("check_index", "--repair")
    assert "repaired: in sync" in capsys.readouterr().out
    assert indexed_ids() == {kept.pk, missing.pk}
    call_command("check_index")
    assert capsys.readouterr().out.strip() == "in sync"


def test_rebuild_index_writes_one_segment_whatever_the_batch_size(search_index):
    for n in range(7):
        make_article(body=f"<p>Wheat harvest report {n} from the plains.</p>")
    call_command("rebuild_index", interactive=False, batchsize=2, verbosity=0)
    assert len(list(search_index.glob("*.seg"))) == 1  # not one per batch of 2
    assert found("wheat") == set(Article.objects.values_list("pk", flat=True))
    call_command("update_index", batchsize=3, verbosity=0)  # the same documents again
    assert len(found("wheat")) == 7
    assert compare().in_sync


def test_a_failed_bulk_run_leaves_the_index_as_it_was(search_index, monkeypatch, on_commit):
    for n in range(3):
        make_article(body=f"<p>Barley prices, day {n}.</p>")
    call_command("update_index", verbosity=0)
    real = ArticleIndex.full_prepare

    def fail_on_second(index, obj, calls=[]):  # noqa: B006 - a counter
        calls.append(1)
        if len(calls) >= 2:  # every retry too
            raise RuntimeError("disk full")
        return real(index, obj)

    monkeypatch.setattr(ArticleIndex, "full_prepare", fail_on_second)
    with pytest.raises(RuntimeError):
        call_command("update_index", batchsize=1, max_retries=1, verbosity=0)
    monkeypatch.undo()
    assert len(found("barley")) == 3  # nothing half-written; the lock is free again
    on_commit(make_article, body="<p>Barley exports.</p>")
    assert len(found("barley")) == 4


WORDS = [
    "quay",
    "ferry",
    "tide",
    "cargo",
    "crane",
    "pier",
    "dock",
    "berth",
    "vessel",
    "tug",
    "anchor",
    "mooring",
    "freight",
]


def _jsonl(path, n, title="Writer"):
    """n distinct articles, each mentioning the harbour, as JSON lines."""
    rng = random.Random(n)
    lines = [
        json.dumps(
            {
                "title": f"{title} {i}",
                "body": "The harbour " + " ".join(rng.choice(WORDS) for _ in range(300)) + ".",
            }
        )
        for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _record_index_writes(monkeypatch, log_path, method="apply_changes"):
    """Each index commit (or bulk run) appends its process id to log_path: the backend's
    public write method, wrapped on the class so a forked writer's own backend has it too."""
    original = getattr(ArchiveWhooshBackend, method)

    def record():
        with open(log_path, "a") as f:
            f.write(f"{os.getpid()}\n")

    if method == "bulk_writes":

        @contextlib.contextmanager
        def wrapped(self, *args, **kwargs):
            record()
            with original(self, *args, **kwargs):
                yield

    else:

        def wrapped(self, *args, **kwargs):
            record()
            return original(self, *args, **kwargs)

    monkeypatch.setattr(ArchiveWhooshBackend, method, wrapped)


def _writers(log_path):
    return {int(line) for line in log_path.read_text().split()} if log_path.exists() else set()


@pytest.mark.django_db(transaction=True)  # the writer process sees only committed rows
def test_an_import_is_indexed_by_a_writer_process_beside_it(tmp_path, monkeypatch):
    from archive import services

    _record_index_writes(monkeypatch, tmp_path / "writes")
    report = services.import_paths([str(_jsonl(tmp_path / "a.jsonl", 30))])
    assert report.count(services.IMPORTED) == 30
    assert len(found("harbour")) == 30 and PendingIndexUpdate.objects.count() == 0
    writers = _writers(tmp_path / "writes")
    assert writers and os.getpid() not in writers  # all written by the other process


@pytest.mark.django_db(transaction=True)
def test_a_writer_process_writes_the_backlog_left_at_the_end_in_bulk(
    tmp_path, monkeypatch, search_policy
):
    from archive import services

    # The writer's commits never come due (an import's rows wait for the delay): all is
    # left to the end, over the bulk threshold.
    search_policy(import_batch_delay=3600, backlog_in_bulk=20)
    _record_index_writes(monkeypatch, tmp_path / "bulk", "bulk_writes")
    _record_index_writes(monkeypatch, tmp_path / "commits")
    caught_up = []
    services.import_paths([str(_jsonl(tmp_path / "a.jsonl", 30))], on_indexing=caught_up.append)
    assert caught_up == [30]
    bulk = _writers(tmp_path / "bulk")
    assert len(bulk) == 1 and os.getpid() not in bulk  # one bulk run, in the writer process
    # Its 30 rows were one write inside that run (drain_chunk is 500), and none came after.
    assert (tmp_path / "commits").read_text().split() == [str(p) for p in bulk]
    assert len(found("harbour")) == 30 and PendingIndexUpdate.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_writer_process_dies_indexes_everything_itself(tmp_path, monkeypatch):
    from archive import services

    _record_index_writes(monkeypatch, tmp_path / "writes")
    with index_writer.batched_index_updates(writer_process=True) as batch:
        os.kill(batch.writer.pid, signal.SIGKILL)  # the import (nested) keeps this batch
        batch.writer.process.join()
        report = services.import_paths([str(_jsonl(tmp_path / "a.jsonl", 30))])
    assert report.count(services.IMPORTED) == 30
    assert len(found("harbour")) == 30 and PendingIndexUpdate.objects.count() == 0
    assert _writers(tmp_path / "writes") == {os.getpid()}


def test_inside_a_transaction_an_import_indexes_in_its_own_process(tmp_path, monkeypatch):
    from archive import services

    _record_index_writes(monkeypatch, tmp_path / "writes")
    with transaction.atomic():  # a forked writer could not see these rows
        services.import_paths([str(_jsonl(tmp_path / "a.jsonl", 5))])
    assert _writers(tmp_path / "writes") == {os.getpid()}
    assert len(found("harbour")) == 5


def test_a_request_leaves_a_running_imports_rows_to_the_import(on_commit):
    imported = make_article(title="Imported summit")
    PendingIndexUpdate.objects.all().delete()
    # By an import running in this very process (alive, on this host).
    PendingIndexUpdate.objects.create(
        article_id=imported.pk, bulk=True, owner_host=outbox.HOST, owner_pid=os.getpid()
    )
    edited = on_commit(make_article, title="Edited summit")  # the request's own flush
    assert found("summit") == {edited.pk}
    assert PendingIndexUpdate.objects.filter(article_id=imported.pk).exists()
    # Rows older than the ownership window are anyone's, the import alive or not.
    window = backend().policy.import_rows_owned
    PendingIndexUpdate.objects.update(created=timezone.now() - dt.timedelta(seconds=window + 1))
    outbox.flush(request=True)
    assert found("summit") == {edited.pk, imported.pk}
    assert PendingIndexUpdate.objects.count() == 0


def test_a_request_writes_the_rows_of_an_import_whose_process_is_gone_at_once(on_commit):
    ended = subprocess.Popen(["true"])  # a process that has come and gone
    ended.wait()
    imported = make_article(title="Imported summit")
    PendingIndexUpdate.objects.all().delete()
    PendingIndexUpdate.objects.create(
        article_id=imported.pk, bulk=True, owner_host=outbox.HOST, owner_pid=ended.pid
    )
    edited = on_commit(make_article, title="Edited summit")  # well within the window
    assert found("summit") == {edited.pk, imported.pk}
    assert PendingIndexUpdate.objects.count() == 0


def test_a_request_leaves_rows_of_an_import_on_another_host_to_the_window(on_commit):
    imported = make_article(title="Imported summit")
    PendingIndexUpdate.objects.all().delete()
    PendingIndexUpdate.objects.create(
        article_id=imported.pk, bulk=True, owner_host="elsewhere", owner_pid=1
    )
    edited = on_commit(make_article, title="Edited summit")  # its pid means nothing here
    assert found("summit") == {edited.pk}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the import is another process
def test_a_killed_imports_saved_articles_are_indexed_at_once_by_check_index(tmp_path, search_index):
    from tests.e2e.live import kill_when, manage

    total = 400
    backend().setup()
    lock = backend().index.writer()  # its writer process cannot commit: every row waits
    try:
        kill_when(  # the import and its index writer, 30 articles in
            ["import_articles", str(_jsonl(tmp_path / "a.jsonl", total))],
            index_dir=search_index,
            ready=lambda: Article.objects.count() >= 30,
            timeout=90,
        )
    finally:
        lock.cancel()
    saved = set(Article.objects.values_list("pk", flat=True))
    assert 0 < len(saved) < total
    assert indexed_ids() == set()
    assert set(PendingIndexUpdate.objects.values_list("article_id", flat=True)) == saved
    # Well within the ownership window, the importing process is gone: nothing to wait for.
    assert manage("check_index", index_dir=search_index).stdout.strip() == "in sync"
    assert indexed_ids() == saved and PendingIndexUpdate.objects.count() == 0


def test_a_batch_writes_a_requests_rows_first_and_alone(monkeypatch):
    articles = [make_article(title=f"Summit {i}") for i in range(4)]
    PendingIndexUpdate.objects.all().delete()
    for article, bulk in zip(articles, (True, False, True, False), strict=True):
        PendingIndexUpdate.objects.create(article_id=article.pk, bulk=bulk)
    commits = []
    original = ArchiveWhooshBackend.apply_changes

    def apply(self, index, load, wait=None, batch=True):
        def recorded():
            live, gone = load()
            commits.append((sorted(a.pk for a in live), batch))
            return live, gone

        return original(self, index, recorded, wait=wait, batch=batch)

    monkeypatch.setattr(ArchiveWhooshBackend, "apply_changes", apply)
    outbox.flush()
    first, second, third, fourth = (a.pk for a in articles)
    # The request's rows alone, in a request's commit (no big merges); then the import's.
    assert commits == [([second, fourth], False), ([first, third], True)]
    assert indexed_ids() == {a.pk for a in articles}


def test_an_imports_backlog_is_written_in_one_bulk_commit_and_only_then_cleared():
    articles = [make_article(title=f"Backlog summit {i}") for i in range(6)]
    PendingIndexUpdate.objects.all().delete()
    for article in articles:
        PendingIndexUpdate.objects.create(article_id=article.pk, bulk=True)
    policy = SearchPolicy(backlog_in_bulk=7)
    assert index_writer.drain_backlog(policy) == 0  # too few: left for the writer's commits
    policy = SearchPolicy(backlog_in_bulk=6, batch_lock_wait=0.1)
    backend().setup()
    writer = backend().index.writer()  # the lock held: nothing written, nothing cleared
    try:
        assert index_writer.drain_backlog(policy) == 0
    finally:
        writer.cancel()
    assert PendingIndexUpdate.objects.count() == 6 and indexed_ids() == set()
    assert index_writer.drain_backlog(policy) == 6
    assert indexed_ids() == {a.pk for a in articles}
    assert PendingIndexUpdate.objects.count() == 0
