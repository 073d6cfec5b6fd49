"""The query parser: what readers type becomes haystack SQ objects, never an error."""

from search.query import MAX_TERMS, Term, parse


def terms(q):
    return [[(t.text, t.field, t.prefix, t.negated) for t in group] for group in parse(q).groups]


def test_words_are_anded_groups():
    assert terms("Russia NATO") == [[("russia", "", False, False)], [("nato", "", False, False)]]


def test_or_joins_neighbours_into_one_group():
    assert terms("a1 OR b2 c3") == [
        [("a1", "", False, False), ("b2", "", False, False)],
        [("c3", "", False, False)],
    ]


def test_minus_and_not_exclude():
    assert terms("x1 -y2 NOT z3") == [
        [("x1", "", False, False)],
        [("y2", "", False, True)],
        [("z3", "", False, True)],
    ]


def test_phrases_fields_and_prefixes():
    assert terms('"Normandy format" title:talks author:"Ann Writer" negot*') == [
        [("normandy format", "", False, False)],
        [("talks", "title", False, False)],
        [("ann writer", "author", False, False)],
        [("negot", "", True, False)],
    ]


def test_lone_operators_and_brackets_are_dropped():
    assert terms("NOT OR x1") == [[("x1", "", False, False)]]
    assert terms("OR") == [] and terms("((( ]]") == [] and terms("- * :") == []


def test_an_unbalanced_quote_is_read_as_words():
    assert terms('"Normandy format') == [
        [("normandy", "", False, False)],
        [("format", "", False, False)],
    ]


def test_short_prefixes_are_plain_words():
    assert terms("ab*") == [[("ab", "", False, False)]]


def test_punctuated_words_become_phrases():
    assert terms("U.S.-led") == [[("u s led", "", False, False)]]


def test_control_characters_are_spaces():
    assert terms("a1\x00b2\x1b") == [[("a1", "", False, False)], [("b2", "", False, False)]]


def test_the_number_of_terms_is_capped():
    assert len(parse(" ".join(f"w{i}" for i in range(1000))).groups) == MAX_TERMS


def test_only_negative_queries_have_no_positive_term():
    assert not parse("-x1 NOT y2").has_positive
    assert parse("x1 -y2").has_positive


def test_terms_become_sq_objects():
    sq = parse('a1 OR "b2 c3" -title:d4').to_sq()
    assert "a1" in repr(sq) and "b2 c3" in repr(sq) and "NOT" in str(sq)
    assert "NOT" in repr(Term(("x",), negated=True).to_sq())
