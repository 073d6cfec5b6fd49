"""manage.py import_articles: the command line around archive.services.import_paths."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from archive.models import Article, Original
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    try:
        call_command("import_articles", *args, stdout=out)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue()


def test_it_imports_the_seeds_once_and_reports_duplicates_the_second_time():
    code, out = run(str(SEEDS))
    assert code == 0
    assert out.strip().endswith("imported 5, duplicates 0, failed 0")
    code, out = run(str(SEEDS))
    assert code == 0
    assert out.count("duplicate: ") == 5
    assert out.strip().endswith("imported 0, duplicates 5, failed 0")
    assert Article.objects.count() == 5


def test_seed_metadata_lands_in_the_database():
    run(str(SEEDS))
    first = Article.objects.get(
        title="EU Excluded from US-Russia Talks Due to Its Weak Foreign Policy"
    )
    assert first.source.name == "Global Research"
    assert first.original_source == "InfoBrics"
    assert [a.name for a in first.authors.all()] == ["Lucas Leiroz de Almeida"]
    assert str(first.published) == "2022-01-10"
    assert {(t.kind, t.name) for t in first.tags.all()} == {
        ("region", "Europe"), ("region", "Russia and FSU"), ("region", "USA"),
        ("theme", "Intelligence"),
    }  # fmt: skip
    assert "Source link" not in first.body_text and "Disclaimer" not in first.body_text
    derived = Article.objects.filter(title_derived=True)
    assert derived.count() == 2 and not derived.filter(authors__name__iexact="admin").exists()
    assert not Article.objects.filter(source__name__iexact="admin").exists()


def test_the_raw_original_is_stored_untouched():
    run(str(SEEDS))
    for path in sorted(SEEDS.glob("*.txt")):
        assert Original.objects.filter(raw=path.read_bytes()).count() == 1, path.name


def test_source_option_names_the_publisher():
    run(str(SEEDS / "003_f22556e55a3eaac0.txt"), "--source", "Al Jazeera")
    assert Article.objects.get().source.name == "Al Jazeera"


def test_dry_run_saves_nothing():
    code, out = run(str(SEEDS), "--dry-run")
    assert code == 0
    assert "dry run: would import 5, duplicates 0, failed 0" in out
    assert Article.objects.count() == 0


def test_a_broken_file_fails_alone_and_the_status_says_so(tmp_path):
    (tmp_path / "good.txt").write_text("A headline\n\nSome real text of an article here.\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    code, out = run(str(tmp_path))
    assert code == 1
    assert "failed: " in out and "empty.txt" in out and "binary.txt" in out
    assert out.strip().endswith("imported 1, duplicates 0, failed 2")
    assert Article.objects.count() == 1


def test_json_lines_with_a_bad_line_import_the_rest(tmp_path):
    lines = [
        json.dumps({"title": "One", "body": "First article body.", "source": "Wire"}),
        "{not json",
        json.dumps({"title": "Two", "body": "Second article body.", "authors": ["A B"]}),
    ]
    (tmp_path / "dump.jsonl").write_text("\n".join(lines))
    code, out = run(str(tmp_path / "dump.jsonl"))
    assert code == 1
    assert "dump.jsonl:2" in out
    assert out.strip().endswith("imported 2, duplicates 0, failed 1")
    assert set(Article.objects.values_list("title", flat=True)) == {"One", "Two"}


def test_zip_archives_are_imported(tmp_path):
    with zipfile.ZipFile(tmp_path / "batch.zip", "w") as z:
        for path in sorted(SEEDS.glob("*.txt")):
            z.write(path, f"inner/{path.name}")
    code, out = run(str(tmp_path / "batch.zip"))
    assert code == 0 and out.strip().endswith("imported 5, duplicates 0, failed 0")


def test_a_missing_path_is_reported_not_a_crash(tmp_path):
    code, out = run(str(tmp_path / "nope.txt"))
    assert code == 1 and "nope.txt" in out


def test_no_paths_is_a_usage_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_articles", stdout=io.StringIO())


def test_reparse_rederives_articles_from_their_originals():
    run(str(SEEDS))
    article = Article.objects.get(title_derived=False, source__name="RT DE")
    Article.objects.filter(pk=article.pk).update(title="Damaged")
    out = io.StringIO()
    call_command("import_articles", "--reparse", str(article.pk), stdout=out)
    assert "re-parsed 1, failed 0" in out.getvalue()
    assert "changed: title 1; unchanged articles 0" in out.getvalue()
    article.refresh_from_db()
    assert article.title.startswith("Die wichtigsten europäischen Verhandlungen")
    assert Article.objects.count() == 5


def test_reparse_reports_which_fields_changed_and_how_many_articles_did_not_change():
    run(str(SEEDS))
    first, second = Article.objects.order_by("pk")[:2]
    Article.objects.filter(pk=first.pk).update(title="Damaged", language="xx")
    Article.objects.filter(pk=second.pk).update(published=None)
    out = io.StringIO()
    call_command("import_articles", "--reparse", stdout=out)
    lines = out.getvalue().splitlines()
    assert "re-parsed 5, failed 0" in lines
    assert "changed: title 1, published 1, language 1; unchanged articles 3" in lines


def test_an_organisation_credit_is_saved_as_one_and_shown_as_one(tmp_path, client):
    from archive.models import Author

    (tmp_path / "wire.txt").write_text(
        "# Library to stay open on Sundays\n\nBy AP and Ann Lee\n\n"
        "The council agreed on Tuesday to keep the library open on Sundays this winter.\n"
    )
    run(str(tmp_path))
    article = Article.objects.get()
    kinds = {a.name: a.kind for a in article.authors.all()}
    assert kinds == {"Ann Lee": Author.Kind.PERSON, "AP": Author.Kind.ORGANISATION}
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'class="organisation"' in page and "(organisation)" in page


def test_progress_lines_are_written_when_not_on_a_terminal(tmp_path, monkeypatch):
    from archive.management.commands import import_articles

    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(f"Headline {n}\n\nBody text number {n} here.\n")
    monkeypatch.setattr(import_articles.Progress, "__init__", _eager_progress_init)
    code, out = run(str(tmp_path))
    assert code == 0
    assert "… 1 of 3 documents (imported 1, duplicates 0, failed 0)" in out
    assert "left" in out


def _eager_progress_init(self, out, *, tty, every=5.0, total=0):
    import time

    self.out, self.tty, self.every, self.total = out, False, 0.0, total
    self.started = self.last = time.monotonic()
    self.done = 0


@pytest.mark.corpus
def test_a_sample_of_bbc_and_reuters_imports_without_failures(corpora, tmp_path):
    import gzip

    bbc = sorted((corpora / "bbc" / "business").glob("*.txt"))[:20]
    bbc += sorted((corpora / "bbc" / "sport").glob("19*.txt"))  # 199.txt is Latin-1
    for path in bbc:
        (tmp_path / f"{path.parent.name}-{path.name}").write_bytes(path.read_bytes())
    with gzip.open(corpora / "reuters21578.jsonl.gz", "rt") as source:
        lines = [line for _, line in zip(range(60), source, strict=False)]
    (tmp_path / "reuters.jsonl").write_text("".join(lines))
    code, out = run(str(tmp_path))
    summary = out.strip().splitlines()[-1]
    imported = int(summary.split()[1].rstrip(","))
    assert imported >= len(bbc) + 50, out
    # Reuters records without a body are the only acceptable failures.
    for line in out.splitlines():
        if line.startswith("failed: "):
            assert "no article text" in line, line


def test_update_changes_the_same_articles_in_place_and_creates_none():
    run(str(SEEDS))
    before = dict(Article.objects.values_list("pk", "content_hash"))
    code, out = run(str(SEEDS), "--update", "--source", "BBC News")
    assert code == 0
    assert out.strip().endswith("imported 0, duplicates 0, failed 0, updated 5")
    assert "duplicate: " not in out
    assert dict(Article.objects.values_list("pk", "content_hash")) == before
    assert Original.objects.count() == 5
    assert set(Article.objects.values_list("source__name", flat=True)) == {"BBC News"}
    assert set(Original.objects.values_list("source_given", flat=True)) == {"BBC News"}
    from archive.models import Revision

    revisions = Revision.objects.filter(kind="update")
    assert revisions.count() == 5
    assert all(r.changes["source"][1] == "BBC News" for r in revisions)


def test_update_takes_a_changed_body_from_the_new_file(tmp_path):
    line = {
        "title": "Harbour talks",
        "url": "https://news.example/harbour",
        "published": "2022-01-10",
    }
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({**line, "body": "Ships met in the old harbour on Monday."}) + "\n")
    run(str(path))
    article = Article.objects.get()
    path.write_text(json.dumps({**line, "body": "Ships met in the new harbour on Tuesday."}) + "\n")
    code, out = run(str(path), "--update")
    assert out.strip().endswith("updated 1")
    assert list(Article.objects.values_list("pk", flat=True)) == [article.pk]
    assert "new harbour on Tuesday" in Article.objects.get().body_text
    assert b"new harbour" in bytes(Original.objects.get().raw)


def test_update_with_dry_run_says_what_it_would_do_and_changes_nothing():
    run(str(SEEDS))
    code, out = run(str(SEEDS), "--update", "--dry-run", "--source", "BBC News")
    assert code == 0
    assert out.strip().endswith("would update 5")
    assert "dry run: would import 0, duplicates 0, failed 0" in out
    assert not Article.objects.filter(source__name="BBC News").exists()


def test_an_update_that_would_take_another_articles_text_fails_and_changes_nothing(tmp_path):
    first = {"title": "One", "url": "https://news.example/one", "body": "The first body text."}
    second = {"title": "Two", "url": "https://news.example/two", "body": "The second body text."}
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n")
    run(str(path))
    path.write_text(json.dumps({**second, "body": "The first body text."}) + "\n")
    code, out = run(str(path), "--update")
    assert code == 1
    assert "is another article's" in out
    assert Article.objects.get(original_url="https://news.example/two").body_text == (
        "The second body text."
    )


def test_progress_lines_give_the_total_and_the_time_left():
    from archive.management.commands.import_articles import Progress

    out = io.StringIO()
    progress = Progress(out, tty=False, every=0.0, total=40)
    for _ in range(10):
        progress.step({"imported": 1})
    line = out.getvalue().strip().splitlines()[-1]
    assert "10 of 40 documents" in line and " left" in line


def test_the_document_count_ahead_covers_folders_zips_and_json_lines(tmp_path):
    import gzip

    from archive.ingest.counting import count_documents

    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "feed.jsonl").write_text('{"body": "x"}\n{"body": "y"}\n{"body": "z"}')
    (tmp_path / "more.jsonl.gz").write_bytes(gzip.compress(b'{"body": "x"}\n' * 7))
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as z:
        for n in range(4):
            z.writestr(f"{n}.txt", "text")
    assert count_documents([tmp_path]) == 1 + 3 + 7 + 4
