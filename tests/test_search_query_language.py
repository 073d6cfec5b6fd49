"""The query parser: what readers type becomes haystack SQ objects, never an error."""

import pytest

from search.inputs import Fuzzy, Near
from search.query import MAX_DEPTH, MAX_FUZZY, MAX_TERMS, Term, parse


def read(q):
    return parse(q).describe()


def test_words_are_anded():
    assert read("Russia NATO") == "(russia AND nato)"


def test_or_joins_neighbours_tighter_than_a_space():
    assert read("a1 OR b2 c3") == "((a1 OR b2) AND c3)"


def test_explicit_and_binds_tighter_than_or():
    assert read("a1 AND b2 OR c3") == "((a1 AND b2) OR c3)"
    assert read("a1 OR b2 AND c3") == "(a1 OR (b2 AND c3))"


def test_not_binds_tightest():
    assert read("NOT a1 AND b2") == "(-a1 AND b2)"
    assert read("a1 OR NOT b2 c3") == "(a1 AND c3)"  # an OR branch that only excludes is dropped


def test_minus_and_not_exclude():
    assert read("x1 -y2 NOT z3") == "(x1 AND -y2 AND -z3)"


def test_brackets_group_and_can_be_excluded():
    assert read("Sherman -(Ryabkov OR Lavrov)") == "(sherman AND -(ryabkov OR lavrov))"
    assert read("(a1 b2) OR (c3 -d4)") == "((a1 AND b2) OR (c3 AND -d4))"
    assert read("NOT (a1 b2) c3") == "(-(a1 AND b2) AND c3)"


def test_a_field_applies_to_a_whole_group():
    assert read("title:(talks OR summit) Geneva") == "((title:talks OR title:summit) AND geneva)"


def test_unbalanced_brackets_are_spaces():
    assert read("a1 ) b2 (") == "(a1 AND b2)"
    assert read("((a1 OR b2) c3") == "((a1 OR b2) AND c3)"


def test_brackets_deeper_than_the_limit_are_ignored():
    deep = "(" * (MAX_DEPTH + 5) + "a1 OR b2" + ")" * (MAX_DEPTH + 5) + " c3"
    assert read(deep) == "((a1 OR b2) AND c3)"
    assert read("(" * 300 + "x1" + ")" * 300) == "x1"
    assert read("(" * 250 + "x1") == "x1"


def test_phrases_fields_and_prefixes():
    assert read('"Normandy format" title:talks author:"Ann Writer" negot*') == (
        '("normandy format" AND title:talks AND author:"ann writer" AND negot*)'
    )


def test_proximity_has_a_distance_capped_at_twenty():
    assert read('"Kuleba Russia"~5') == '"kuleba russia"~5'
    assert read('"Kuleba Russia"~999') == '"kuleba russia"~20'
    assert read('"Kuleba Russia"~0') == '"kuleba russia"'
    assert read('"Kuleba"~3') == "kuleba"  # one word: nothing to be near


def test_fuzzy_words_have_one_or_two_edits():
    assert read("Stoltenbrg~ Kulebaa~2 Sherman~7") == ("(stoltenbrg~1 AND kulebaa~2 AND sherman~2)")
    assert read("ab~") == "ab"  # too short to be fuzzy
    assert read("x~") == "x" and read("~") == "" and read("~~~") == ""


def test_only_a_few_words_are_fuzzy():
    words = [f"word{i}~" for i in range(10)]
    fuzzy = [t for t in parse(" ".join(words)).terms if t.fuzzy]
    assert len(fuzzy) == MAX_FUZZY


def test_lone_operators_are_dropped():
    assert read("NOT OR x1") == "x1"
    assert read("OR") == "" and read("((( ]]") == "" and read("- * :") == ""
    assert read("x1 AND") == "x1" and read("AND OR NOT") == "" and read("() x1 ()") == "x1"


def test_an_unbalanced_quote_is_read_as_words():
    assert read('"Normandy format') == "(normandy AND format)"


def test_short_prefixes_are_plain_words():
    assert read("ab*") == "ab"


def test_punctuated_words_become_phrases():
    assert read("U.S.-led") == '"u s led"'


def test_control_characters_are_spaces():
    assert read("a1\x00b2\x1b") == "(a1 AND b2)"


def test_the_number_of_terms_is_capped_and_said():
    parsed = parse(" ".join(f"w{i}" for i in range(1000)))
    assert len(parsed.terms) == MAX_TERMS and parsed.truncated
    assert not parse("a1 b2").truncated


def test_only_negative_queries_have_no_positive_term():
    assert not parse("-x1 NOT y2").has_positive
    assert not parse("-(x1 y2)").has_positive
    assert parse("x1 -y2").has_positive


def test_highlighting_skips_excluded_words_even_in_groups():
    parsed = parse('a1 -(b2 OR c3) "d4 e5"~3 fff6~ ggg7* -hhh8~')
    assert parsed.highlight_words() == ["a1", "d4", "e5"]
    assert parsed.fuzzy_words() == [("fff6", 1)] and parsed.prefixes() == ["ggg7"]


def test_terms_become_sq_objects():
    sq = parse('a1 OR "b2 c3" -title:d4').to_sq()
    assert "a1" in repr(sq) and "b2 c3" in repr(sq) and "NOT" in str(sq)
    assert "NOT" in repr(Term(("x",), negated=True).to_sq())


@pytest.mark.parametrize(
    ("query", "kind", "lookup"),
    [("Stoltenbrg~2", Fuzzy, "content__fuzzy"), ('"a1 b2"~4', Near, "content")],
)
def test_fuzzy_and_proximity_reach_haystack_as_their_own_inputs(query, kind, lookup):
    (child,) = parse(query).to_sq().children
    assert child[0] == lookup and isinstance(child[1], kind)
