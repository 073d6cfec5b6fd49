"""Boilerplate rules: lines a scraper picks up around an article that are not the article.

Rules are data. Each names what it removes and why; every removal is recorded as a
RemovedLine so an editor can see (and a later version can restore) what went. To add one,
append a Rule to RULES. Rules match the block's *plain text* (link syntax already gone),
case-insensitively, and are guarded by `max_words` so that a long genuine paragraph that
merely mentions "share" or "follow" is never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.ingest.blocks import Block, word_count
from archive.ingest.types import RemovedLine

# scope: "line"   - the whole block text must match
#        "prefix" - the block must start with the pattern
#        "search" - the pattern may be anywhere (only with a tight max_words)
SCOPES = ("line", "prefix", "search")


@dataclass(frozen=True)
class Rule:
    """One boilerplate rule (see module docstring)."""

    name: str
    pattern: re.Pattern[str]
    reason: str
    scope: str = "line"
    max_words: int = 60

    def matches(self, text: str, words: int | None = None) -> bool:
        """True when this rule removes a block with plain text `text` (of `words` words)."""
        if (word_count(text) if words is None else words) > self.max_words:
            return False
        if self.scope == "line":
            return self.pattern.fullmatch(text) is not None
        if self.scope == "prefix":
            return self.pattern.match(text) is not None
        return self.pattern.search(text) is not None


def _rule(name: str, pattern: str, reason: str, scope: str = "line", max_words: int = 60) -> Rule:
    return Rule(name, re.compile(pattern, re.IGNORECASE), reason, scope, max_words)


_SOCIAL = r"(instagram|twitter|facebook|telegram|x|youtube|linkedin|gab|vk|rumble|truth social)"
_NOT_PEOPLE = (
    r"(admin|administrator|staff|(the )?editor(s|ial( staff| team| board)?)?|guest|webmaster|"
    r"author|user|moderator|newsdesk|news desk|team|redaktion)"
)
_BUTTONS = r"share|tweet|e-?mail|print|pin it|whatsapp"

RULES: list[Rule] = [
    # separators and navigation debris
    _rule("separator", r"[\s*\-_=~#·•—–.]+", "separator line"),
    _rule(
        "source-link",
        r"source link|(read the )?original (article|source)( here)?",
        "link back to the scraped page",
    ),
    _rule(
        "byline-not-a-person",
        rf"(posted |written )?by:? {_NOT_PEOPLE}\.?",
        "byline naming a site account, not a person",
    ),
    # comment forms
    _rule(
        "comment-form",
        r"leave a (reply|comment)( cancel reply)?|post a comment|\d* ?comments?|add comment"
        r"|cancel reply",
        "comment form",
    ),
    _rule(
        "comment-form-email",
        r"your email address will not be published\b.*",
        "comment form",
        "prefix",
        30,
    ),
    _rule("comment-form-required", r"required fields are marked\b.*", "comment form", "prefix", 15),
    _rule(
        "comment-on-facebook",
        r"comment on .{0,60} on our facebook page",
        "comment prompt",
        "line",
        20,
    ),
    # newsletters, sharing, following, membership
    _rule("translate-website", r"\btranslate website\b", "site translation note", "search", 40),
    _rule(
        "newsletter",
        r"(to receive|subscribe to|sign up (for|to)) .{0,60}newsletter\b.*",
        "newsletter prompt",
        "prefix",
        40,
    ),
    _rule(
        "newsletter-short",
        r".{0,40}\bnewsletter\b.{0,40}(click here|subscribe|sign up).*",
        "newsletter prompt",
        "prefix",
        25,
    ),
    _rule(
        "follow-us",
        rf"(visit and )?follow us\b.*|(find|join|like) us on {_SOCIAL}\b.*",
        "social media prompt",
        "prefix",
        30,
    ),
    _rule(
        "share-prompt",
        r"(please )?(click the )?share (this|the) (article|story|post|buttons?)\b.*|share (it )?on "
        + _SOCIAL
        + r"\b.*",
        "share prompt",
        "prefix",
        30,
    ),
    _rule(
        "share-buttons",
        rf"({_BUTTONS})([\s|,/·]+({_BUTTONS}|facebook|twitter|telegram|reddit|linkedin))*",
        "share buttons",
    ),
    _rule(
        "share-bar",
        r"(?:(?:share|teilen|partager|compartir|condividi|delen|dela)(?: this| article)?"
        r"(?: (?:via|on|auf|sur|en|per|by|with|über|op|på))? (?:e-?mail|x|twitter|facebook|"
        r"whatsapp|linkedin|telegram|reddit|pinterest|messenger|threads|bluesky|mastodon|xing|"
        r"flipboard|copy link|link|sms|print)[\s|,/·•]*)+",
        "share buttons",
        "line",
        30,
    ),
    _rule(
        "account-link",
        r"(?:sign in|sign up|sign out|log ?in|log ?out|register|subscribe|my account|anmelden|"
        r"abmelden|registrieren|einloggen|mein konto|abonnieren|se connecter|connexion|"
        r"s'abonner|s’abonner|iniciar sesión|suscríbete|accedi|abbonati|inloggen)"
        r"(?:\s*[|/·•]\s*(?:sign in|sign up|log ?in|register|subscribe|anmelden|registrieren|"
        r"abonnieren|se connecter|s'abonner|s’abonner))?",
        "account or subscription link",
        "line",
        4,
    ),
    # an image's furniture left without its image
    _rule(
        "image-credit-label",
        r"(?:image|photo|picture|bild|foto)\s+(?:copyright|caption|source|credit|quelle)\b.{0,80}",
        "label of an image that is gone ('Image copyright Getty Images', 'Image caption')",
        "prefix",
        10,
    ),
    _rule(
        "gallery-counter",
        r"(?:(?:image|photo|picture|bild|foto|slide)\s+)?\d{1,3}\s*(?:/|of|von|de|di|sur)\s*\d{1,3}",
        "a gallery's counter ('Image 1 of 8', '1 / 8')",
    ),
    _rule(
        "caption-label",
        r"caption|bildunterschrift|légende|leyenda|didascalia|view (?:all )?comments"
        r"(?: \(\d+\))?|show comments|kommentare anzeigen|report|melden|close share panel",
        "a label or button without its content",
    ),
    _rule("note-to-readers", r"note to readers?:.*", "publisher note", "prefix", 80),
    _rule(
        "membership",
        r"(become a member|support (us|our work|independent journalism)|donate( now)?"
        r"|make a donation)\b.*",
        "membership or donation appeal",
        "prefix",
        40,
    ),
    _rule("click-here", r".{0,80}\bclick here\b.{0,40}", "link prompt", "line", 25),
    # legal notes
    _rule("disclaimer", r"disclaimer\b.*", "disclaimer", "prefix", 200),
    _rule(
        "fair-use",
        r".*\b(contains copyrighted material|under the provisions of [\"“]?fair use)\b.*",
        "fair-use notice",
        "line",
        200,
    ),
    _rule(
        "copyright",
        r"(copyright|©|\(c\))\s*(\d{4}|all rights|by)\b.*|.{0,60}all rights reserved\.?",
        "copyright notice",
        "line",
        30,
    ),
    _rule(
        "media-inquiries",
        r"for (media|press) (inquiries|enquiries)\b.*",
        "contact note",
        "prefix",
        20,
    ),
    _rule(
        "editorial-opinion-note",
        r".{1,40} strives for a wide range of opinions\b.*",
        "publisher note on opinion pieces",
        "prefix",
        50,
    ),
    _rule(
        "opinion-disclaimer",
        r"(the )?views (and opinions )?expressed (in this article )?are (those|solely)\b.*",
        "opinion disclaimer",
        "prefix",
        50,
    ),
    # related articles
    _rule(
        "more-on-the-subject",
        r"(more on the subject|mehr zum thema|more on this topic|read more|read also|see also"
        r"|also read|you may also like)\b.*",
        "related-article link",
        "prefix",
        30,
    ),
    _rule(
        "related-heading", r"related( articles| posts| stories| content)?:?", "related-article link"
    ),
    _rule(
        "related-heading-multilingual",
        r"(ähnliche (beiträge|artikel)|weitere (beiträge|artikel|meldungen)|auch interessant|"
        r"das könnte sie (auch )?interessieren|lesen sie (auch|mehr)|zum weiterlesen|"
        r"mehr zu(m| diesem)? (thema|klima|\w+)( und \w+)?|passend zum thema|"
        r"à lire aussi|lire aussi|sur le même sujet|articles liés|dans la même rubrique|"
        r"leggi anche|articoli correlati|ver también|te puede interesar|artículos relacionados|"
        r"noticias relacionadas|veja também|leia também|notícias relacionadas|lees ook|"
        r"gerelateerde artikelen|zobacz (również|też)|czytaj (także|też)|läs också|"
        r"relaterade artiklar|læs også|les også|you might also like|more stories|"
        r"recommended( for you| stories)?|more from .{1,40}|trending( now)?|most (read|popular))"
        r"\s*[:.…]?",
        "related-article heading",
        "line",
        8,
    ),
    _rule(
        "share-heading-multilingual",
        r"(share this|like this|teilen( sie dies)? mit|gefällt mir|diesen (artikel|beitrag) "
        r"teilen|artikel teilen|partager( cet article| sur)?|compartir( en)?|condividi|"
        r"delen|dela|udostępnij|wird geladen|chargement|cargando|caricamento|drucken|"
        r"imprimer|imprimir|stampa|print this( article| page)?)\s*[:.…]*",
        "share or print widget",
        "line",
        6,
    ),
    _rule(
        "newsletter-multilingual",
        r"((zum |unseren? |jetzt (zum )?)?newsletter (anmelden|abonnieren|bestellen)|"
        r"(abonnez|inscrivez)-vous (à|a) (notre|la) newsletter|suscríbete (a|al) (nuestro )?"
        r"(newsletter|boletín)|iscriviti alla (nostra )?newsletter|"
        r"(sign up|subscribe)( now)?( for| to)?( our| the)?( free)?( daily| weekly)? newsletters?)"
        r"\s*[!:.]?",
        "newsletter prompt",
        "line",
        10,
    ),
    _rule(
        "embed-placeholder",
        r"(empfohlener redaktioneller inhalt|externer inhalt|external content|"
        r"inhalte von (youtube|twitter|instagram|facebook) (anzeigen|laden)|"
        r"contenu externe|contenido externo|contenuto esterno)\s*[:.]?",
        "placeholder of an embedded widget",
        "line",
        8,
    ),
    _rule(
        "post-navigation",
        r"(post navigation|previous (article|post)|next (article|post))\b.*",
        "page navigation",
        "prefix",
        20,
    ),
    _rule("agency-signoff", r"(reuters?|ap|afp|dpa|upi)\.?", "news agency sign-off at the end"),
    _rule(
        "advertisement",
        r"advertisement|sponsored( content)?|loading\.\.\.|advert|anzeige|iklan|anuncio|"
        r"publicidad|pubblicità|publicité|reklama|reklame|mainos",
        "advertisement placeholder",
    ),
    _rule(
        "comment-form-consent",
        r"save my name,? e-?mail,? and website in this browser for the next time i comment\.?|"
        r"meinen namen, (meine )?e-?mail(-adresse)? und (meine )?website in diesem browser "
        r"speichern.{0,60}|enregistrer mon nom, mon e-?mail et mon site dans le navigateur.{0,60}|"
        r"guardar mi nombre, correo electrónico y web en este navegador.{0,60}",
        "comment form (WordPress's consent box)",
        "line",
        30,
    ),
    _rule(
        "share-on-new-window",
        r"(click to (share|email|print)\b.{0,40}?\(opens in new window\)\s*)+",
        "share buttons",
        "line",
        80,
    ),
    _rule(
        "consent-banner",
        r"(we|this (web)?site) uses? cookies\b.*\b(site|website|experience|browsing|consent|"
        r"accept|privacy|advertising)\b.*|(wir verwenden|diese (web)?seite verwendet) cookies\b.*"
        r"\b(website|webseite|nutzung|zustimm\w*|datenschutz\w*|erfahrung)\b.*|"
        r"nous utilisons des cookies\b.*\b(site|navigation|expérience|consentement)\b.*|"
        r"by signing up,? you agree to (our|the) .{0,40}(privacy|terms).*",
        "cookie or sign-up consent notice",
        "prefix",
        80,
    ),
    _rule(
        "markup-as-text",
        r"(<|&lt;)\s*/?(script|iframe|span|div|img|style|noscript)\b.*|"
        r"\[/?(button|caption|embed|gallery|video|audio|vc_\w+|et_pb_\w+)\b[^\]]*\].*",
        "page markup or a CMS shortcode shown as text",
        "prefix",
        200,
    ),
    _rule(
        "video-player",
        r"video player is loading\.?|play( video)?|pause|(un)?mute|current time [\d:]+|"
        r"duration( time)? -?[\d:-]+|remaining time -?[\d:]+|loaded: [\d.]+ ?%|progress: \d+ ?%|"
        r"stream type live|seek to live, currently (behind|playing) live(live)?|playback rate|"
        r"captions( off, selected| settings, opens captions settings dialog)|"
        r"descriptions off, selected|audio track|(non-)?fullscreen|picture-in-picture|"
        r"this is a modal window\.?|beginning of dialog window\..{0,80}|end of dialog window\.?|"
        r"close modal dialog|playnext playlist item|media playback is unsupported on your device",
        "a video player's controls, written out by the scrape",
        "line",
        14,
    ),
    _rule(
        "counter",
        # a count ("18", "1,234") or a clip's time ("00:00", "0:00 / 3:45"); never a year or
        # a date ("2020", "12.11.2021": a chronology's headings), which may head a section
        r"\+?\d{1,3}(?:[.,]\d{3})*|\d{1,2}:\d{2}(?::\d{2})?(?:\s*/\s*\d{1,2}:\d{2})?|"
        r"[\d.,]+\s?[km]?\s?(shares?|comments?|kommentare|views|aufrufe|letture|likes?|reads?)|"
        r"image \d+ of ?/? ?\d+",
        "a counter, a time or a gallery position without text (shares, a clip's length)",
        "line",
        6,
    ),
    _rule(
        "page-widget",
        r"sharing is caring!?|copied!?|read later|reply|submit|like loading\.{0,3}|"
        r"comments are closed\.?|back to (gallery|top)|share permalink|x share via|share via|"
        r"share close extra sharing options|these are external links and will open in a new "
        r"window|copy this link\b.{0,120}|trending (news|stories)|most popular (videos|articles|"
        r"stories)|our latest stories|you may (also )?like these posts|"
        r"tell us what you think\.{0,3}|share your thoughts( cancel reply)?|"
        r"notify me (via e-?mail )?(if|when|of) .{0,60}|"
        r"(name|e-?mail|website) \(required\)|addthis sharing buttons",
        "a widget's label (share, comment form, related-story heading)",
        "line",
        20,
    ),
]


def find_rule(text: str, rules: list[Rule] | None = None) -> Rule | None:
    """The first rule that removes a block with this plain text, or None."""
    words = word_count(text)
    for rule in RULES if rules is None else rules:
        if rule.matches(text, words):
            return rule
    return None


def strip_boilerplate(
    blocks: list[Block], rules: list[Rule] | None = None
) -> tuple[list[Block], list[RemovedLine]]:
    """Split blocks into the kept ones and RemovedLines for those a rule removed."""
    kept: list[Block] = []
    removed: list[RemovedLine] = []
    for block in blocks:
        rule = find_rule(block.text, rules)
        if rule is None:
            kept.append(block)
        else:
            removed.append(RemovedLine(block.text, rule.name, rule.reason))
    return kept, removed
