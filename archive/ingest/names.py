"""Author names: splitting bylines, telling people from site accounts, deduplicating."""

from __future__ import annotations

import functools
import importlib
import re

from archive.ingest.blocks import INVISIBLE

# Byline words that name a site account or an agency, not a person.
NOT_PEOPLE = {
    "admin", "administrator", "staff", "editor", "editors", "editorial", "editorial staff",
    "editorial team", "editorial board", "guest", "guest author", "webmaster", "author", "user",
    "moderator", "newsdesk", "news desk", "team", "redaktion", "the editors", "our correspondent",
    "correspondent", "reuters", "reuter", "ap", "afp", "dpa", "associated press", "agencies",
    "news agencies", "unknown", "anonymous", "contributor", "press release", "autor", "autorin",
    "auteur", "autore", "autor/in", "autor*in", "autor:in", "autor:innen", "autor*innen",
    "autorinnen", "autoren",
    # a page's labels and buttons taken for a name ("Posted", "Follow", "Datum", "Unbenannt")
    "posted", "follow", "folgen", "share", "teilen", "datum", "date", "unbenannt", "untitled",
    "text", "foto", "fotos", "photo", "photos", "bild", "quelle", "source", "anónimo",
    "anonimo", "anonyme", "anonym", "login",
}  # fmt: skip
_PARTICLES = {
    "de", "da", "do", "dos", "das", "von", "van", "der", "den", "al", "el", "bin", "ibn", "le",
    "la", "du", "di", "del", "della", "y", "e", "zu", "ten", "ter",
}  # fmt: skip
_SPLIT = re.compile(r" ?(?:,|;|\band\b|\bund\b|&|\|) ?", re.IGNORECASE)
# "X (Reuters)", "X - Site", "X | Site", "X in Kyiv", "X for Example News": everything from
# the first such mark on goes. Each alternative starts with a literal and runs to the end
# without a choice to backtrack into, and names are folded and cut to MAX_NAMES first.
# "X from University of Michigan" too, and the dateline's label after a name ("herr_rein
# veröffentlicht", "Online-Redaktion veröffentlicht am", "Pepemaus Beginndatum").
# "Sara Zinnecker Stand: …", "Alejandro Villamor Last updated …": the as-of label after it;
# "Brendan Carlin For The Mail On Sunday": a title-cased byline's paper.
_TRAILING_NOISE = re.compile(
    r" ?(?:\(| [-–—] |[|/]|\bin [A-Z]|\bfor \S|\bfrom [A-Z]"
    r"| (?i:veröffentlicht|published|posted|aktualisiert|updated|datum|beginndatum|publié)\b"
    r"| (?i:stand|last|zuletzt)\b(?=\s*(?::|updated|aktualisiert|geändert|\d))"
    r"| For [A-Z]).*$"
)
# A byline word or a follow button glued to the name by the scrape ("PorRodolfo Costa",
# "Inga HoeltmannFollow"); not "Di", which begins names ("DiCaprio").
_GLUED_BY = re.compile(r"^(?:By|Por|Von|Par|Door)(?=[A-Z][a-z])")
_GLUED_BUTTON = re.compile(r"(?<=[a-zà-ÿ])(?:Follow|Folgen|Abonnieren|Subscribe|Suivre|Seguir)$")
# A job title or a credit of another kind inside one name ("Christoph Hein Chefredakteur",
# "Christian Seiler Illustration von Markus Roost", "FOCUS-Online-Experte Robin Tschöpe"):
# words that are never a name's (no "-leiter": "Schleiter" is a surname).
_ROLE_WORD = re.compile(
    r"(?i:[\w-]*(?:redakteur|redakteurin|experte|expertin|korrespondent|korrespondentin)"
    r"|illustrationen|illustration|fotos|foto|photos|photo|bilder|interview|chefredaktion)$"
)
MAX_NAMES = 300  # characters of a byline read for names: no line of names is longer
_NAME_REST = re.compile(r"^[\w'’.·-]*$")
_LAST_FIRST = re.compile(r"^([^\W\d_][\w'’.-]*), ([^\W\d_][\w'’.-]*)$")


# A role or an affiliation after a name ("Uta Staschewski, Projektleiterin der HSS", "Sarah
# Hinger, Staff Attorney, ACLU …"): from the first part that names one on, no more names.
ROLE = re.compile(
    r"\b(?:editor|editors|correspondent|reporter|writer|attorney|professor|director|manager|"
    r"president|chair|chairman|chief|senior|staff|columnist|contributor|journalist|"
    r"analyst|researcher|fellow|founder|ceo|cfo|cto|photographer|spokesman|spokeswoman|"
    r"spokesperson|geschäftsführer|geschäftsführerin|präsident|präsidentin|vorsitzender?|"
    r"journalistin|fotograf|fotografin|rédacteur|rédactrice|correspondant|correspondante|"
    r"envoyée?|journaliste|periodista|corresponsal|redactora?|giornalista|redattore|inviato|"
    r"rechtsanwalt|rechtsanwältin|anwalt|anwältin|illustration|illustrations|fotos?|photos?)\b"
    r"|\w+(?:leiter|leiterin|sprecher|sprecherin|referent|referentin|beauftragter?|redakteur|"
    r"redakteurin|experte|expertin|korrespondent|korrespondentin)\b",
    re.IGNORECASE,
)


# Faker's lists of given names, by locale (a maintained, MIT-licensed lexicon of some 10,000
# names in 27 locales): a bare line "Markus Mäki" under a headline is a byline when its first
# word is a given name; "Hohe Bedeutung" or "Circular Economy" is not.
GIVEN_NAME_LOCALES = (
    "de_DE", "de_AT", "de_CH", "en_US", "en_GB", "en_IN", "fr_FR", "es_ES", "es_MX", "it_IT",
    "nl_NL", "pl_PL", "pt_BR", "pt_PT", "sv_SE", "da_DK", "no_NO", "fi_FI", "cs_CZ", "sk_SK",
    "hu_HU", "ro_RO", "hr_HR", "el_GR", "tr_TR", "ru_RU", "uk_UA",
)  # fmt: skip


@functools.cache
def given_names() -> frozenset[str]:
    """Lower-cased given names of GIVEN_NAME_LOCALES (loaded once, ~20 ms)."""
    names: set[str] = set()
    for locale in GIVEN_NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):
            continue
        for attr in ("first_names", "first_names_male", "first_names_female"):
            value = getattr(provider, attr, ())
            names.update(n.lower() for n in (value.keys() if isinstance(value, dict) else value))
    return frozenset(names)


def is_given_name(word: str) -> bool:
    return word.strip(".,").lower() in given_names()


def fold_spaces(text: str) -> str:
    """Runs of white space (tabs, newlines, no-break spaces) as one space, ends stripped."""
    return " ".join(text.translate(INVISIBLE).split())


def split_names(names: str) -> list[str]:
    """'A, B and C' -> ['A', 'B', 'C'] (a "byline" longer than MAX_NAMES names nobody)."""
    names = fold_spaces(names)
    if len(names) > MAX_NAMES:
        return []
    last_first = _LAST_FIRST.match(names)  # "Lenharo, Mariana" is one person, not two
    if last_first and not {last_first[1].lower(), last_first[2].lower()} & NOT_PEOPLE:
        return [f"{last_first[2]} {last_first[1]}"]
    parts = [part for part in _SPLIT.split(names) if part.strip()]
    role = next((i for i, part in enumerate(parts) if i and ROLE.search(part)), len(parts))
    # "Grant Tinsley, PhD": a degree; "Rechtsanwalt": a role with no name
    return [p for p in parts[:role] if not _DEGREE.fullmatch(p.strip(" .")) and not _role_only(p)]


def only_separators(text: str) -> bool:
    """Whether the text is nothing but what stands between names (', ', ' and ', ' & ')."""
    return bool(text.strip()) and not _SPLIT.sub("", text).strip()


_DEGREE = re.compile(r"(?i)ph\.?d|m\.?d|mba|msc|m\.?sc|ma|ba|rd|rn|dr|prof|dipl\.?-?\w*|mph")


def _role_only(part: str) -> bool:
    """A part that is only role words ('Rechtsanwalt', 'Staff Writer')."""
    return ROLE.sub("", part).strip(" .-") == "" and bool(part.strip())


def is_name_word(word: str) -> bool:
    """A word of a name in any script: a capital first in a script with case ('Андрей',
    'Ærø', "D'Afflisio"), any letter in one without ('松岡大地', '구현모', 'محمد')."""
    first = word[:1]
    if not first or not _NAME_REST.match(word[1:]):
        return False
    if first.isupper():
        return True
    return first.isalpha() and not first.islower()  # an uncased script (CJK, Hangul, Arabic…)


def clean_author(raw: str) -> str:
    """One candidate name -> the person's name, or '' when it is not a person.

    Strips trailing affiliations and fixes ALL-CAPS names ('TED D'AFFLISIO' -> "Ted D'Afflisio").
    """
    name = fold_spaces(raw)
    if len(name) > MAX_NAMES:
        return ""
    name = _GLUED_BUTTON.sub("", _GLUED_BY.sub("", name))
    name = _TRAILING_NOISE.sub("", name, count=1).strip(" .,:;*_")
    name = _without_roles(name)
    if not name or name.lower() in NOT_PEOPLE:
        return ""
    if name.isupper():
        name = " ".join(_title_word(w) for w in name.split())
    words = name.split()
    if not 1 <= len(words) <= 6:
        return ""
    if _SPLIT.search(name):
        return ""  # "Glen Owen And Brendan Carlin": two people, for split_names to part
    real = [w for w in words if w.lower() not in _PARTICLES]
    if not real or not all(is_name_word(w) for w in real):
        return ""
    return " ".join(words)


def _without_roles(name: str) -> str:
    """The name without a job title or another credit before or after it: leading role words
    go ('Interview Julia Lauter'); from a role word after two words of a name on, the rest
    goes ('Christian Seiler Illustration von Markus Roost')."""
    words = name.split()
    while len(words) > 2 and _ROLE_WORD.match(words[0].strip(":")):
        words = words[1:]
    for i in range(2, len(words)):
        if _ROLE_WORD.match(words[i].strip(":,")):
            words = words[:i]
            break
    return " ".join(words)


def _title_word(word: str) -> str:
    if word.lower() in _PARTICLES:
        return word.lower()
    return re.sub(r"(^|['’-])(\w)", lambda m: m[1] + m[2].upper(), word.lower())


def merge_authors(known: list[str], new: list[str]) -> list[str]:
    """Add names to a list without duplicates; of two forms of one name keep the fuller.

    'Lucas Leiroz' and 'Lucas Leiroz de Almeida' are one person: the shorter name's words
    are the start of the longer's.
    """
    result = list(known)
    for name in new:
        for i, existing in enumerate(result):
            if _prefix_of(name, existing):
                break
            if _prefix_of(existing, name):
                result[i] = name
                break
        else:
            result.append(name)
    return result


def _prefix_of(short: str, long: str) -> bool:
    s, ll = short.lower().split(), long.lower().split()
    return len(s) <= len(ll) and ll[: len(s)] == s
