"""Credits that are not people: news agencies and publishers named where an author stands.

"Von dpa", "By AP", an author "Deutsche Welle" or "Frankfurter Allgemeine Zeitung GmbH": readers
facet by agencies and cite publishers, so these are kept, as organisations, never as people
and never dropped. Rules are data: a list of agencies (their usual spelling), and the words
that make a name an organisation's, each with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lower-cased name -> the spelling the archive uses.
AGENCIES = {
    "ap": "AP", "associated press": "Associated Press", "the associated press": "Associated Press",
    "afp": "AFP", "agence france-presse": "AFP", "agence france presse": "AFP", "dpa": "dpa",
    "reuters": "Reuters", "reuter": "Reuters", "thomson reuters": "Reuters", "upi": "UPI",
    "efe": "EFE", "ansa": "ANSA", "apa": "APA", "sda": "SDA", "kna": "KNA", "epd": "epd",
    "kyodo": "Kyodo", "kyodo news": "Kyodo", "xinhua": "Xinhua", "tass": "TASS", "ria novosti":
    "RIA Novosti", "anadolu": "Anadolu", "anadolu agency": "Anadolu", "pti": "PTI", "ians":
    "IANS", "yonhap": "Yonhap", "bloomberg": "Bloomberg", "sid": "SID", "ddp": "ddp", "belga":
    "Belga", "ats": "ATS", "europa press": "Europa Press", "cna": "CNA", "aap": "AAP",
    "dpa-afx": "dpa-AFX", "kipa": "KIPA", "jiji": "Jiji", "jiji press": "Jiji", "ntb": "NTB",
    "tt": "TT", "ritzau": "Ritzau", "pap": "PAP", "čtk": "ČTK", "mti": "MTI", "hina": "HINA",
}  # fmt: skip
# Names a page gives where an author stands that are its software's or nobody's.
ACCOUNTS = {"name", "human", "super user", "superuser", "wordpressadmin", "wpadmin", "no author",
            "unknown", "unknown author", "by", "von", "posted by"}  # fmt: skip
# The newsroom crediting itself, no outlet named: a credit alone, a role beside a name.
NEWSROOM = {"redaktion", "die redaktion", "online-redaktion", "onlineredaktion", "webredaktion",
            "editorial team", "the editors", "redacción", "la redacción", "rédaction",
            "la rédaction", "redazione", "la redazione", "redactie", "de redactie"}  # fmt: skip
# A word that names the newsroom, alone or in a compound or beside the outlet's name ("Redaktion",
# "Emotion Redaktion", "Redaktion Polizeiticker Schweiz", "Tonight News-Redaktion").
_NEWSROOM_WORD = re.compile(
    r"(?:^|[\s-])(?:redaktion|online-redaktion|onlineredaktion|webredaktion|"
    r"redaktionsteam|newsroom|newsdesk|redacción|rédaction|redazione|redactie)$|"
    r"^(?:redaktion|redaktionsteam|newsroom|redacción|rédaction|redazione|redactie)\s",
    re.IGNORECASE,
)
NEWSROOM_WORDS = 4  # "Redaktion Polizeiticker Schweiz": a newsroom's credit is short


def newsroom_credit(text: str) -> str:
    """A short line that credits the newsroom ('Redaktion', 'Emotion Redaktion', 'Redaktion
    Polizeiticker Schweiz'): the credit as written, else ''. Every word capitalised (but an
    article's: 'die Redaktion'), no sentence ('Die Redaktion empfiehlt' is one)."""
    text = " ".join(text.split()).strip(" |•·/–—-,:*_")
    words = text.split()
    if not 1 <= len(words) <= NEWSROOM_WORDS or not _NEWSROOM_WORD.search(text):
        return ""
    if not all(w[:1].isupper() or w.lower() in ("die", "la", "de", "the") for w in words):
        return ""
    return text


# A byline word left on a name ("Par Stefan Häne", "Von Roland Brockmann", "记者 焦鹏").
_BY_PREFIX = re.compile(
    r"^(?:(?i:by|von|par|por|door|from|written by|posted by|author|autor|autorin|auteur|text|"
    r"texto|texte)|di|av|af|作者|记者|記者|责任编辑|編輯|编辑|撰文|文|기자|글)\s*[:：]?\s+"
)  # "di", "av", "af" only in lower case: "Di Maio" is a name
_LABEL_PREFIX = re.compile(r"^(?:作者|记者|記者|责任编辑|編輯|编辑|撰文|文|기자|글)\s*[:：]\s*")


# Countries, as an imprint names them after a publisher and its town ("Olympia-Verlag GmbH,
# Nürnberg, Germany" in a page's author tag): a place, never a credit.
COUNTRIES = {
    "germany", "deutschland", "austria", "österreich", "switzerland", "schweiz", "suisse",
    "svizzera", "france", "frankreich", "italy", "italia", "italien", "spain", "españa",
    "spanien", "portugal", "netherlands", "nederland", "niederlande", "belgium", "belgique",
    "belgië", "belgien", "luxembourg", "luxemburg", "denmark", "danmark", "sweden", "sverige",
    "norway", "norge", "finland", "suomi", "poland", "polska", "czech republic", "česko",
    "hungary", "magyarország", "greece", "ireland", "united kingdom", "uk", "england",
    "scotland", "usa", "us", "united states", "united states of america", "canada", "mexico",
    "méxico", "brazil", "brasil", "argentina", "chile", "peru", "perú", "colombia", "india",
    "china", "japan", "korea", "south korea", "australia", "new zealand", "south africa",
    "russia", "россия", "ukraine", "україна", "turkey", "türkiye", "israel", "egypt",
}  # fmt: skip


def drop_imprint(names: list[str]) -> list[str]:
    """A page's author tag that is an imprint ('Olympia-Verlag GmbH; Nürnberg; Germany',
    'Kirche; Leben; Münster; Germany' once split): a publisher and its address. Only what is
    an organisation's name stays; the town, the country and name fragments go."""
    if not any(" ".join(n.lower().split()).strip(" .") in COUNTRIES for n in names):
        return names
    return [n for n in names if organisation(n)]


# An address with its dots turned to spaces: two words, the last a domain's ending.
_ADDRESS = re.compile(
    r"^www\s|^\S+\s(?:com|org|net|de|ch|at|it|fr|es|eu|io|info|co\s+uk|nl|be|pl|cz)$",
    re.IGNORECASE,
)  # "Facebook Com", "Www Haufe De", "Symple Ch": trafilatura capitalises them too
_LEGAL_FORM_ONLY = re.compile(r"^(?:(?:co|kg|gmbh|ag|ohg|inc|ltd|llc|se)\.?\s*)+$", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s)", re.IGNORECASE)


@dataclass(frozen=True)
class OrgRule:
    name: str
    pattern: re.Pattern[str]
    reason: str


def _rule(name: str, pattern: str, reason: str) -> OrgRule:
    return OrgRule(name, re.compile(pattern, re.IGNORECASE), reason)


ORG_RULES: list[OrgRule] = [
    _rule(
        "company-form",
        r"(?:^|\s)(?:gmbh|ag|inc\.?|ltd\.?|llc|plc|s\.a\.|s\.l\.|e\.\s?v\.|kg|co\.|corp\.?|"
        r"sarl|s\.p\.a\.|b\.v\.|oy|ab|as|a/s)$",
        "a legal form: a company or association",
    ),
    _rule(
        "publisher-word",
        r"\b(?:zeitung|verlag|news|press|presse|media|medien|agency|agentur|nachrichten|"
        r"magazin|magazine|journal|times|tribune|herald|gazette|radio|tv|television|fernsehen|"
        r"rundfunk|broadcasting|welle|nast|online|network|newsroom|redaktion|editorial|desk|"
        r"group|gruppe|verlagsgruppe|publishing|publications|dienst)\b",
        "a word of a publisher's name",
    ),
    _rule(
        "institution-word",
        r"\b(?:institut|institute|university|universität|université|universidad|foundation|"
        r"stiftung|association|verband|verein|ministry|ministerium|department|departement|"
        r"bundesamt|office|council|partei|party|kommission|commission|agency|bureau|amt|"
        r"gesellschaft|society|company|corporation|organisation|organization)\b",
        "a word of an institution's name",
    ),
]


def company(name: str) -> bool:
    """A name with a legal form ('Olympia-Verlag GmbH', 'NATURSTROM AG', 'Hanns-Seidel-Stiftung
    e.V.'): a company's or an association's, not an agency's byline."""
    name = " ".join(name.split()).strip(" ,;:()")
    return not agency(name) and ORG_RULES[0].pattern.search(name) is not None


def agency(name: str) -> str:
    """The agency's usual spelling when the name is one ('reuters' -> 'Reuters'), else ''."""
    return AGENCIES.get(" ".join(name.lower().split()).strip(" .()"), "")


def organisation(name: str) -> str:
    """The name as an organisation's credit, or '' when it is (or may be) a person's."""
    name = " ".join(name.split()).strip(" .,;:()")
    if not name or len(name) > 120:
        return ""
    known = agency(name)
    if known:
        return known
    for rule in ORG_RULES:
        if rule.pattern.search(name):
            return name
    return ""


def sort_credits(candidates: list[str]) -> tuple[list[str], list[str]]:
    """Candidate names from a byline or a page -> (people, organisations), in order, no
    duplicates; site accounts ('admin', 'wpadmin') are neither. 'Redaktion' alone (the
    newsroom, as 'Staff' is) is the outlet's own credit: an organisation's."""
    from archive.ingest.names import clean_author, merge_authors

    people: list[str] = []
    organisations: list[str] = []
    for raw in candidates:
        raw = _LABEL_PREFIX.sub("", _BY_PREFIX.sub("", raw.strip()))
        if " ".join(raw.lower().split()) in ACCOUNTS or _COPYRIGHT.match(raw):
            continue  # "Copyright Haufe-Lexware GmbH": the site's notice, not a credit
        if _ADDRESS.search(raw) or _LEGAL_FORM_ONLY.match(raw):
            continue  # "Www Haufe De": an address spelt as words; "Co. KG" of "… GmbH & Co. KG"
        shared = [a for a in map(agency, raw.split("/")) if a] if "/" in raw else []
        if shared:  # "det/dpa", "AFP/The Local": an editor's initials or a paper, and an agency
            organisations += [a for a in shared if a not in organisations]
            continue
        org = organisation(raw)
        if org:
            if org not in organisations:
                organisations.append(org)
            continue
        person = clean_author(raw)
        if person:
            people = merge_authors(people, [person])
    if people:  # "Mathilda Trausch / Online-Redaktion": beside a name the newsroom is a role
        organisations = [o for o in organisations if " ".join(o.lower().split()) not in NEWSROOM]
    return people, organisations
