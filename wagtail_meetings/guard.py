"""The public-place guard: the call form refuses a meeting at someone's home.

A call whose meeting point or title reads as a home ("bij mij thuis", "at my place",
"Kerkstraat 12") is refused with a kind explanation. This is a guard, not a
guarantee: people can always word a home differently, so the editors' house rules,
the members' reports and the moderators stay the safety net.

Texts are compared *folded*: in lower case, without diacritics, apostrophes dropped
and other punctuation read as a space, and always as whole words, so that "thuis"
does not match "Thuishaven" and "mijn huis" does not match "koffiehuis".

Override points: pass ``extra_phrases`` (the board's own list, one per line in the
page editor) to add words; the lists below are the defaults.
"""

import functools
import re
import unicodedata

# Rooms of a home. Everyday words as well ("recepten uit mijn keuken", "ten huize van
# Chopin"), so they are among the ambiguous phrases below too.
ROOM_PHRASES = [
    "mijn woonkamer",
    "onze woonkamer",
    "mijn huiskamer",
    "onze huiskamer",
    "mijn keuken",
    "onze keuken",
    "ten huize van",
    "my living room",
    "our living room",
    "my kitchen",
    "our kitchen",
]

# Phrases that say the meeting is at someone's home, in Dutch and in English.
HOME_PHRASES = [
    # Dutch
    "thuis",
    "bij mij",
    "bij ons",
    "bij mij thuis",
    "bij ons thuis",
    "bij jou thuis",
    "bij hem thuis",
    "bij haar thuis",
    "bij hen thuis",
    "bij mij aan huis",
    "bij mij in de straat",
    "bij ons in de straat",
    "bij mij voor de deur",
    "bij ons voor de deur",
    "voor mijn deur",
    "mijn voordeur",
    "mijn huis",
    "m'n huis",
    "ons huis",
    "mijn woning",
    "onze woning",
    "mijn appartement",
    "ons appartement",
    "mijn flat",
    "onze flat",
    "mijn kamer",
    "mijn tuin",
    "onze tuin",
    "mijn balkon",
    "mijn adres",
    "m'n adres",
    "ons adres",
    "huisadres",
    "thuisadres",
    "woonadres",
    "mijn stoep",
    "onze stoep",
    "mijn oprit",
    "in mijn straat",
    "in onze straat",
    # English
    "home",
    "at home",
    "my home",
    "our home",
    "my house",
    "our house",
    "my flat",
    "our flat",
    "my apartment",
    "our apartment",
    "my place",
    "at my place",
    "our place",
    "your place",
    "his place",
    "her place",
    "their place",
    "at mine",
    "my room",
    "my garden",
    "my front door",
    "my address",
    "our address",
    "home address",
    "my doorstep",
    "our doorstep",
    "my porch",
    "my driveway",
    "in my street",
    "in our street",
    *ROOM_PHRASES,
]

# Of the phrases above, these are also everyday words ("ik ben veel thuis",
# "Café Thuis", "feel at home in the museum", "walk home"): they count only in the
# meeting point, and only when it names no public place.
AMBIGUOUS_PHRASES = ["thuis", "home", "at home", *ROOM_PHRASES]

# Idioms that contain a home phrase without meaning a home; they are left out
# before the home phrases are looked for.
NOT_HOME_PHRASES = [
    "bij mij in de buurt",
    "bij ons in de buurt",
    "bij mij in de omgeving",
    "bij ons in de omgeving",
    "bij mij in de regio",
    "bij ons in de regio",
    "bij mij in de stad",
    "bij ons in de stad",
    "bij mij in het dorp",
    "bij ons in het dorp",
    "bij mij in de wijk",
    "bij ons in de wijk",
    "bij mij in het park",
    "bij ons in het park",
    "bij mij in het bos",
    "bij ons in het bos",
    "bij mij om de hoek",
    "bij ons om de hoek",
    "bij ons in het buurthuis",
    "bij ons in de bibliotheek",
    "bij ons op het plein",
    "bij ons op de markt",
    # "Sluit je bij mij aan": join me.
    "je bij mij aan",
    "je bij ons aan",
    # Not anyone's own home, now that a bare "home" counts.
    "home town",
    "home city",
    "home country",
    "care home",
    "nursing home",
    "retirement home",
    "feel at home",
    "feels at home",
]

# Words that name a public place or a spot in one. They make a text with a street
# and a house number read as a venue ("Café De Zaak, Kerkstraat 12"), and excuse the
# everyday words above. A word also counts at the end of a compound of at least
# four letters ("Rijksmuseum", "Vondelpark", "Domkerk", "stadsbibliotheek").
VENUE_WORDS = [
    # Dutch
    "cafe",
    "koffiehuis",
    "koffiebar",
    "theehuis",
    "lunchroom",
    "restaurant",
    "brasserie",
    "bistro",
    "terras",
    "kantine",
    "museum",
    "bibliotheek",
    "bieb",
    "boekhandel",
    "boekwinkel",
    "winkel",
    "winkelcentrum",
    "markt",
    "markthal",
    "plein",
    "station",
    "perron",
    "halte",
    "park",
    "bos",
    "strand",
    "hortus",
    "dierentuin",
    "speeltuin",
    "theetuin",
    "kinderboerderij",
    "theater",
    "schouwburg",
    "bioscoop",
    "filmhuis",
    "stadhuis",
    "gemeentehuis",
    "buurthuis",
    "buurtcentrum",
    "wijkcentrum",
    "zwembad",
    "sporthal",
    "kerk",
    "molen",
    "kasteel",
    "kiosk",
    "ingang",
    "entree",
    "uitgang",
    "kassa",
    "balie",
    "receptie",
    "hal",
    "fontein",
    "bankje",
    "standbeeld",
    "monument",
    "muziekkoepel",
    "fietsenstalling",
    "hotel",
    "universiteit",
    "hogeschool",
    # English
    "cafe",
    "coffeeshop",
    "shop",
    "pub",
    "bar",
    "tearoom",
    "library",
    "gallery",
    "market",
    "square",
    "platform",
    "stop",
    "forest",
    "woods",
    "beach",
    "garden",
    "gardens",
    "zoo",
    "theatre",
    "cinema",
    "church",
    "entrance",
    "exit",
    "gate",
    "lobby",
    "foyer",
    "hall",
    "reception",
    "bench",
    "fountain",
    "statue",
    "university",
]

# --- folding -------------------------------------------------------------------------

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`\u00b4]")
_NOT_WORD = re.compile(r"[\W_]+")
# What ends a part of an address as a comma does: "Kerkstraat 12 (achterom)" is
# "Kerkstraat 12, achterom".
_SEPARATORS = re.compile(r"[,;()\[\]]")


def fold(text, *, keep_commas=False):
    """``text`` in lower case, without diacritics, punctuation as single spaces.

    Apostrophes are dropped ("m'n" is "mn"); with ``keep_commas`` a comma (or a
    semicolon or bracket) stays as a comma word of its own, for the street-address
    check.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", text)
    parts = _SEPARATORS.split(text) if keep_commas else [text]
    parts = [" ".join(_NOT_WORD.sub(" ", part).split()) for part in parts]
    return " , ".join(part for part in parts if part)


@functools.lru_cache(maxsize=4096)
def _fold_phrase(phrase):
    return fold(phrase)


def _folded_phrases(phrases):
    return [folded for folded in map(_fold_phrase, phrases) if folded]


def _contains(folded_text, folded_phrase):
    return f" {folded_phrase} " in f" {folded_text} "


def _without_idioms(folded_text):
    padded = f" {folded_text} "
    for idiom in _folded_phrases(NOT_HOME_PHRASES):
        padded = padded.replace(f" {idiom} ", " | ")
    return padded.strip()


# --- venues --------------------------------------------------------------------------


def is_venue_word(word):
    """Whether a folded word names a public place, alone or at the end of a compound."""
    for venue in _folded_phrases(VENUE_WORDS):
        if word == venue or (len(venue) >= 4 and word.endswith(venue)):
            return True
    return False


def names_a_venue(words, skip=()):
    """Whether any of ``words`` (folded), except those at the positions ``skip``, is a venue."""
    return any(is_venue_word(word) for index, word in enumerate(words) if index not in skip)


# --- street addresses ----------------------------------------------------------------

_HOUSE_NUMBER = re.compile(r"\d{1,5}[a-z]{0,3}")
_ORDINAL = re.compile(r"\d{1,2}(e|de|ste|st|nd|rd|th)")
_ADDITION = re.compile(
    r"[a-z]|\d{1,4}|\d{1,2}hoog|bis|hs|huis|hoog|achter|voor|bg|boven|beneden|zw|rd|ii|iii|iv"
)
# "Flat 2, 10 High Street", "Apartment 4B, 12 Baker Street": a home's own number first.
_UNIT_FIRST = re.compile(
    r"^(?:flat|apartment|apt|unit|appartement)\s+\d{1,4}[a-z]{0,2}(?:\s+,)?\s+"
)
# "1e verdieping", "2nd floor": a floor, not a house number.
FLOOR_WORDS = {"verdieping", "etage", "floor"}
_POSTCODE_GLUED = re.compile(r"\d{4}[a-z]{2}")
_POSTCODE_DIGITS = re.compile(r"\d{4}")
_POSTCODE_LETTERS = re.compile(r"[a-z]{2}")
_WORD = re.compile(r"[a-z]+")

# Words before an address that do not make it anything else: "bij Kerkstraat 12".
ADDRESS_PREFIXES = {
    "adres",
    "address",
    "bij",
    "voor",
    "aan",
    "op",
    "naar",
    "de",
    "het",
    "at",
    "to",
    "near",
    "the",
}
# Words between the street and the number: "Kerkstraat nr. 12".
NUMBER_WORDS = {"nr", "no", "nummer", "huisnummer", "number"}
# A street name does not end in one of these ("bij de 3 eiken" is no address).
NOT_STREET_ENDINGS = {
    "de",
    "het",
    "t",
    "een",
    "van",
    "der",
    "den",
    "bij",
    "op",
    "in",
    "aan",
    "te",
    "om",
    "tot",
    "naar",
    "voor",
    "en",
    "at",
    "the",
    "of",
    "on",
    "to",
    "by",
    "near",
    "a",
    "an",
    "and",
}
# Words that, after a street address, point to the door, the bell or the floor of a
# home ("Kerkstraat 12 voordeur", "Hoofdstraat 5 2e verdieping", "Dorpsstraat 7, bel
# 2x"): with one of them, whatever else follows, the text is still an address. Not
# a bare "door", which is also Dutch ("door de poort").
HOME_DETAILS = [
    # Dutch
    "achterom",
    "deur",
    "voordeur",
    "achterdeur",
    "zijdeur",
    "bel",
    "bellen",
    "aanbellen",
    "intercom",
    "brievenbus",
    "verdieping",
    "etage",
    "bovenwoning",
    "benedenwoning",
    "portiek",
    "zolder",
    "bovenhuis",
    "trappenhuis",
    "flat",
    "appartement",
    "woning",
    "tuin",
    "achtertuin",
    "voortuin",
    "stoep",
    "oprit",
    # English
    "front door",
    "back door",
    "side door",
    "doorbell",
    "bell",
    "ring",
    "buzzer",
    "floor",
    "upstairs",
    "downstairs",
    "basement",
    "apartment",
    "doorstep",
    "porch",
    "driveway",
]
# The last word of an English street name: "12 Baker Street".
ENGLISH_STREET_TYPES = {
    "street",
    "st",
    "road",
    "rd",
    "lane",
    "ln",
    "avenue",
    "ave",
    "drive",
    "dr",
    "close",
    "way",
    "place",
    "square",
    "terrace",
    "crescent",
    "court",
    "gardens",
    "grove",
    "row",
    "hill",
    "walk",
    "mews",
    "parade",
    "boulevard",
    "blvd",
}


def _is_name_word(word):
    return bool(_WORD.fullmatch(word) or _ORDINAL.fullmatch(word))


def _town_follows(words, towns):
    """Whether ``words`` (after the number) are only a postcode and a town, or nothing."""
    separated = False
    if words and words[0] == ",":
        words, separated = words[1:], True
    if words and _POSTCODE_GLUED.fullmatch(words[0]):
        words, separated = words[1:], True
    elif (
        len(words) >= 2
        and _POSTCODE_DIGITS.fullmatch(words[0])
        and _POSTCODE_LETTERS.fullmatch(words[1])
    ):
        words, separated = words[2:], True
    if words and words[0] == ",":
        words, separated = words[1:], True
    if words and words[0] in ("in", "te"):
        words = words[1:]
    if not words:
        return True
    if separated:
        return len(words) <= 3 and all(_WORD.fullmatch(word) for word in words)
    return " ".join(words) in towns


def _points_into_a_home(words):
    """Whether ``words`` (after a street address) name a door, a bell or a floor."""
    folded = " ".join(words)
    return any(_contains(folded, detail) for detail in _folded_phrases(HOME_DETAILS))


def _tail_is_address(words, towns):
    """Whether what follows a house number is additions ("a", "bis", "2 hoog") and a town.

    Or anything that points into a home ("2e verdieping", "bel 2x").
    """
    if _points_into_a_home(words):
        return True
    return any(
        all(_ADDITION.fullmatch(word) for word in words[:count])
        and _town_follows(words[count:], towns)
        for count in range(min(len(words), 2) + 1)
    )


def street_address_words(text, towns=()):
    """The folded words of ``text`` and the positions of its street name, if it is an address.

    An address is essentially a street name and a house number ("Kerkstraat 12",
    "Lange Nieuwstraat 3a", "Oudegracht 45-bis", "12 Baker Street"), maybe with a
    postcode and a town (a town without a comma or postcode only when it is one of
    ``towns``), or with the way to a door or floor ("Kerkstraat 12, achterom").
    Returns ``(words, street_positions)``, or ``None`` for any other text.
    """
    words = fold(text, keep_commas=True).split()
    start = 0
    while start < len(words) and words[start] in ADDRESS_PREFIXES:
        start += 1
    body = words[start:]
    towns = {fold(town) for town in towns if town}
    # "12 Baker Street": the number first, an English street type last.
    if body and _HOUSE_NUMBER.fullmatch(body[0]) and not _ORDINAL.fullmatch(body[0]):
        for end in range(1, min(len(body), 6)):
            if not _WORD.fullmatch(body[end]):
                break
            rest = body[end + 1 :]
            if body[end] in ENGLISH_STREET_TYPES and (
                _town_follows(rest, towns) or _points_into_a_home(rest)
            ):
                return words, set(range(start + 1, start + end + 1))
    # "Kerkstraat 12": a name, then the number.
    for index in range(1, len(body)):
        if not _HOUSE_NUMBER.fullmatch(body[index]):
            continue
        following = body[index + 1] if index + 1 < len(body) else ""
        if _ORDINAL.fullmatch(body[index]) and following in FLOOR_WORDS:
            continue
        name = [word for word in body[:index] if word != ","]
        while name and name[-1] in NUMBER_WORDS:
            name.pop()
        if (
            name
            and len(name) <= 6
            and all(_is_name_word(word) for word in name)
            and len(name[-1]) >= 2
            and name[-1] not in NOT_STREET_ENDINGS
            and _tail_is_address(body[index + 1 :], towns)
        ):
            street = max(i for i in range(start, start + index) if words[i] == name[-1])
            return words, {street}
        break
    return None


def looks_like_address(text, towns=()):
    """Whether ``text`` is essentially a street address without a venue's name.

    Also with a flat's or an apartment's number first: "Flat 2, 10 High Street".
    """
    found = street_address_words(text, towns)
    if found is None:
        folded = fold(text, keep_commas=True)
        rest = _UNIT_FIRST.sub("", folded, count=1)
        found = street_address_words(rest, towns) if rest != folded else None
    if found is None:
        return False
    words, street = found
    return not names_a_venue(words, skip=street)


# --- the checks the call form makes --------------------------------------------------


def home_phrase(text, extra_phrases=(), *, everyday_words=True):
    """The home phrase that ``text`` contains (folded), or ``None``.

    ``everyday_words``: whether the ambiguous words count, unless a venue is named.
    """
    folded = _without_idioms(fold(text))
    ambiguous = set(_folded_phrases(AMBIGUOUS_PHRASES))
    candidates = _folded_phrases([*HOME_PHRASES, *extra_phrases])
    extra = set(_folded_phrases(extra_phrases))
    for phrase in candidates:
        if not _contains(folded, phrase):
            continue
        excused = not everyday_words or names_a_venue(folded.split())
        if phrase in ambiguous and phrase not in extra and excused:
            continue
        return phrase
    return None


def meeting_point_problem(text, extra_phrases=(), towns=()):
    """Why a meeting point reads as a home: ``"home"``, ``"address"``, or ``None``."""
    if home_phrase(text, extra_phrases) is not None:
        return "home"
    if looks_like_address(text, towns):
        return "address"
    return None


def title_reads_as_home(text, extra_phrases=()):
    """Whether a call's title says the meeting is at a home ("Koffie bij mij thuis").

    Everyday words such as "thuis" do not count here: "Ik ben te veel thuis" is a
    fine title.
    """
    return home_phrase(text, extra_phrases, everyday_words=False) is not None
