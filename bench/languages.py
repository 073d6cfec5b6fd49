"""Does per-language stemming find German articles by the other inflection of their words,
and would splitting German compounds pay? (issue 19). Measured on the German pages of
../shared/ingest-dev/trafilatura (parsed by the importer, language as it detects it), with
the index's own analyzer, no index needed:

    .venv/bin/python -m bench.languages [--dev DIR]

Inflections: for each headline word of a German article, the other surface forms of the
German corpus vocabulary with the same German stem; searching one "finds" the article when its
term (as a query makes it) is among the article's indexed terms: English stems (the index
before issue 19) against German ones (now).

Compounds: headline words of 12+ letters that begin or end with another vocabulary word of 5+
letters (Klimaschutzgesetz: Klimaschutz, Gesetz). Searching the part finds the article
without splitting only when the article also uses the part as a word of its own; splitting
would find it always, and would also match every other article holding such a compound but
not the part: those are counted as the matches splitting adds, against the matches the part
has now.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
from collections import defaultdict
from pathlib import Path

WORD = re.compile(r"\w{5,}")


def german_articles(dev: Path) -> list[tuple[str, str]]:
    from archive.ingest import parse

    data = json.loads((dev / "trafilatura" / "evaldata.json").read_text())
    out = []
    for entry in data.values():
        path = dev / "trafilatura" / "pages" / (entry["file"] + ".gz")
        if not path.exists():
            path = dev / "trafilatura" / "pages" / entry["file"]
        if not path.exists():
            continue
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        outcomes = parse(raw, name=path.name.removesuffix(".gz"))
        article = outcomes[0].article if outcomes else None
        if article is not None and (article.language or "")[:2] == "de" and article.title:
            from archive.sanitize import html_to_text

            out.append((article.title, html_to_text(article.body_html)))
    return out


def measure(articles: list[tuple[str, str]]) -> dict:
    from search.backend.analysis import FoldedStemAnalyzer, marked

    english = FoldedStemAnalyzer("en")
    german = english.in_language("de")
    indexed_en = [set(english.term_positions(f"{t}\n{b}")) for t, b in articles]
    indexed_de = [set(english.term_positions(marked(f"{t}\n{b}", "de"))) for t, b in articles]
    vocabulary = {w.lower() for t, b in articles for w in WORD.findall(f"{t} {b}")}
    by_stem = defaultdict(set)
    for word in vocabulary:
        by_stem[german.term(word)].add(word)
    pairs = found_en = found_de = 0
    for i, (title, _body) in enumerate(articles):
        for word in {w.lower() for w in WORD.findall(title)}:
            others = by_stem[german.term(word)] - {word}
            for other in sorted(others)[:1]:
                pairs += 1
                found_en += english.term(other) in indexed_en[i]
                found_de += german.term(other) in indexed_de[i]
    parts = compound_parts(articles, vocabulary, german)
    return {
        "german_articles": len(articles),
        "inflection_pairs": pairs,
        "found_with_english_stems": found_en,
        "found_with_german_stems": found_de,
        **parts,
    }


def compound_parts(articles, vocabulary: set[str], german) -> dict:
    from search.backend.analysis import FoldedStemAnalyzer, marked

    analyzer = FoldedStemAnalyzer("en")
    indexed = [set(analyzer.term_positions(marked(f"{t}\n{b}", "de"))) for t, b in articles]
    words_of = [{w.lower() for w in WORD.findall(f"{t} {b}")} for t, b in articles]
    cases = found = 0
    added = existing = 0
    parts_seen = set()
    for i, (title, _body) in enumerate(articles):
        for compound in {w.lower() for w in WORD.findall(title) if len(w) >= 12}:
            for part in vocabulary:
                if part == compound or len(part) < 5 or len(part) > len(compound) - 4:
                    continue
                if not (compound.startswith(part) or compound.endswith(part)):
                    continue
                cases += 1
                found += german.term(part) in indexed[i]
                if part in parts_seen:
                    continue
                parts_seen.add(part)
                term = german.term(part)
                now = sum(term in terms for terms in indexed)
                with_split = sum(
                    term in terms or any(w != part and part in w for w in words)
                    for terms, words in zip(indexed, words_of, strict=True)
                )
                existing += now
                added += with_split - now
    return {
        "compound_part_cases": cases,
        "part_finds_article_without_splitting": found,
        "matches_of_those_parts_now": existing,
        "matches_splitting_would_add": added,
    }


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parents[1]
    parser.add_argument("--dev", type=Path, default=here.parent / "shared" / "ingest-dev")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    django.setup()
    print(json.dumps(measure(german_articles(args.dev)), indent=1))


if __name__ == "__main__":
    main()
