import os
import subprocess
import sys

from tests.conftest import REPO


def _run(env_extra, *args):
    # Only the variables under test: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for
    # this test process, which check --deploy rightly refuses.
    unset = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_real_database_without_secret_key_is_a_loud_error():
    result = _run({"DATABASE_URL": "postgres://u@127.0.0.1:1/x", "DEBUG": "0"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_nonsense_booleans_are_refused():
    result = _run({"DEBUG": "maybe"}, "check")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_nonsense_connection_ages_and_log_levels_are_refused():
    result = _run({"CONN_MAX_AGE": "forever"}, "check")
    assert result.returncode != 0 and "CONN_MAX_AGE='forever' is not a whole" in result.stderr
    result = _run({"LOG_LEVEL": "chatty"}, "check")
    assert result.returncode != 0 and "LOG_LEVEL='CHATTY' is not one of" in result.stderr
    assert _run({"CONN_MAX_AGE": "0", "LOG_LEVEL": "debug"}, "check").returncode == 0


def test_an_unknown_search_url_is_refused():
    result = _run({"SEARCH_URL": "solr://x"}, "check")
    assert result.returncode != 0 and "SEARCH_URL" in result.stderr


def test_check_deploy_is_clean_behind_https():
    result = _run(
        {"DEBUG": "0", "HTTPS": "1", "SECRET_KEY": "x" * 60 + "-Zq9!"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_sqlite_is_set_up_for_concurrent_writers(db):
    import pytest
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_size_limit")
        limit = cursor.fetchone()[0]
    assert mode == "wal"
    assert timeout >= 10_000
    assert connection.transaction_mode == "IMMEDIATE"
    # a bulk import's log is checkpointed every 10,000 pages, the file cut back after
    assert checkpoint == 10_000 and limit == 64 * 1024 * 1024


def test_a_nonsense_checkpoint_interval_is_refused():
    result = _run({"SQLITE_WAL_AUTOCHECKPOINT": "often"}, "check")
    assert result.returncode != 0
    assert "SQLITE_WAL_AUTOCHECKPOINT='often' is not a whole" in result.stderr
