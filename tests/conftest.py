"""Shared fixtures: every test gets its own search index directory."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
SEEDS = REPO / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def static_files():
    """Collect static files once, as `make run` does: pages link hashed names from the
    manifest, and the server processes some tests start serve them with WhiteNoise."""
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)


@pytest.fixture(autouse=True)
def search_index(tmp_path_factory):
    """Point the Whoosh connection at a fresh directory for this test (as haystack's own
    test settings do), so tests never see each other's documents."""
    from haystack import connections

    info = connections.connections_info["default"]
    old = info.get("PATH")
    if info["ENGINE"].endswith("WhooshEngine"):
        info["PATH"] = str(tmp_path_factory.mktemp("whoosh"))  # apart from the test's files
        # An empty index, as a fresh install has one: reads never create an index while the
        # database holds articles (a lost index must show as unavailable).
        connections.reload("default").get_backend().setup()
    connections.reload("default")
    yield Path(info.get("PATH") or "")
    info["PATH"] = old
    connections.reload("default")


@pytest.fixture(autouse=True)
def throttle_slots(settings, tmp_path_factory):
    """Each test its own slot files for the per-client bounds (archive/throttle.py): a
    streamed export a test leaves unread must not hold the next test's export slot."""
    settings.THROTTLE_DIR = str(tmp_path_factory.mktemp("slots"))


@pytest.fixture
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is absent")
    return CORPORA


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (index updates) inside a rolled-back test transaction."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def seeds(db, django_capture_on_commit_callbacks):
    """The five seed articles, imported through the real command path and indexed."""
    from archive import services

    with django_capture_on_commit_callbacks(execute=True):
        report = services.import_paths([str(SEEDS)])
    assert report.count(services.FAILED) == 0, report.results
    return {r.name.split("_")[0][-3:]: r.article for r in report.results}


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-12345")
    client.force_login(user)
    return client
