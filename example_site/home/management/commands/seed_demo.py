"""Build the demo site: accounts, pages, a board full of calls, some messages and reports.

Meant for a freshly migrated database, and safe to run again: whatever is already
there (found by username, page slug, or a call's organiser and title) is left alone.
The messages are added only while there are none at all, the reports likewise.
"""

import datetime
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from example_site.home.models import HomePage, StandardPage
from wagtail_meetings import messaging, moderation, rules
from wagtail_meetings.errors import RuleError
from wagtail_meetings.models import (
    Audience,
    Call,
    CallStatus,
    CheckIn,
    CheckInAnswer,
    InboxPage,
    MeetingsBoardPage,
    MemberProfile,
    Message,
    Place,
    Registration,
    RegistrationStatus,
    Report,
    ReportKind,
    ReportReason,
    Role,
    VenueKind,
)

SITE_NAME = "Vereniging voorbeeld"
# Where `make demo` serves the site (its DEMO_ADDR), for the addresses printed at the end.
DEMO_ADDRESS = "127.0.0.1:8000"
BOARD_PATH = "/leden/prikbord/"
INBOX_PATH = "/leden/berichten/"

MEMBERS_GROUP = "Members"
MODERATORS_GROUP = "Moderators"
MODERATOR_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("wagtail_meetings", "call", "view_call"),
    ("wagtail_meetings", "call", "change_call"),
    ("wagtail_meetings", "registration", "view_registration"),
    ("wagtail_meetings", "report", "moderate"),
]

# username, display name (some are pseudonyms), role, home town
MEMBERS = [
    ("anna", "Anna", Role.PEER, "Utrecht"),
    ("bram", "Bram", Role.RELATIVE, "Groningen"),
    ("chris", "Vlinder", Role.PEER, "Rotterdam"),
    ("dewi", "Dewi", Role.BOTH, "Nijmegen"),
    ("eva", "Wilg", Role.PEER, "Eindhoven"),
    ("fenna", "Fenna", Role.RELATIVE, "Zwolle"),
]

ROLE_WORDS = {Role.PEER: "peer", Role.RELATIVE: "relative", Role.BOTH: "peer and relative"}

# --- Page texts -------------------------------------------------------------

HOME_BODY = """
<p>Dit is een <b>demonstratiesite</b>. De vereniging, de leden en de afspraken op deze
site zijn verzonnen. De site laat zien hoe leden van een patiëntenvereniging elkaar
kunnen vinden voor een kleine, vrijblijvende ontmoeting.</p>
<h2>Elkaar ontmoeten</h2>
<p>Soms wil je gewoon eens praten met iemand die begrijpt hoe het is. Niet in een
gespreksgroep, maar tijdens een wandeling, bij een kop koffie of in een museum. Op het
<a linktype="page" id="{members_id}">ledenplatform</a> vind je daarvoor het prikbord.</p>
<p>Op het prikbord zet een lid een oproepje: wat wil je doen, in welke plaats, en voor
wie. Andere leden melden zich aan bij degene die het oproepje plaatste. Samen spreken
jullie de rest af.</p>
<h2>Alleen voor leden</h2>
<p>Het prikbord is alleen te zien als je bent ingelogd als lid. Niets van wat daar staat
is openbaar of te vinden via zoekmachines.</p>
"""

MEMBERS_BODY = """
<p>Dit deel van de website is voor leden van de vereniging. Hier vind je het prikbord,
waar leden elkaar kunnen vinden voor een ontmoeting in de buurt.</p>
<p>Om mee te doen log je in met je ledenaccount. Ben je nog geen lid, of lukt inloggen
niet? Neem dan contact op met het secretariaat van de vereniging.</p>
"""

BOARD_INTRO = """
<p>Zin om iemand te ontmoeten die weet hoe het is? Op dit prikbord zet je een oproepje,
of je meldt je aan bij het oproepje van een ander lid. Het gaat om kleine afspraken van
één keer: samen een stuk lopen, ergens iets drinken of een tentoonstelling bekijken.
Wat jullie doen, bepalen jullie zelf.</p>
<p>Wie een oproepje plaatst, regelt met de aangemelde leden de datum, de tijd en de plek.
Er komt geen vrijwilliger van de vereniging mee. De vereniging zorgt alleen voor deze
plek om elkaar te vinden.</p>
"""

HOUSE_RULES = """
<ul>
<li>We gaan respectvol met elkaar om. Iedereen is gelijk, wat je verhaal ook is.</li>
<li>We spreken altijd af op een neutrale, openbare plek: een café, een park, een museum
of een bibliotheek. Nooit bij iemand thuis.</li>
<li>Wat een ander over zichzelf vertelt, houd je voor je. Je deelt geen verhalen, namen
of gegevens van andere leden, ook niet online.</li>
<li>We geven elkaar geen medisch advies. Ervaringen delen mag; vragen over je behandeling
bespreek je met je eigen behandelaar.</li>
<li>Je bent zelf verantwoordelijk voor je grenzen en je gezondheid. Doe alleen mee als
het voor jou goed voelt.</li>
<li>Je mag je altijd afmelden of eerder weggaan, zonder uitleg.</li>
<li>Gaat er iets mis of voel je je niet prettig bij een oproepje of een bericht? Meld het
bij de moderatoren.</li>
</ul>
"""

SAFETY_TIPS = """
<ul>
<li>Spreek de eerste keer overdag af, op een plek waar meer mensen zijn.</li>
<li>Laat iemand die je vertrouwt weten waar je bent en wanneer je ongeveer thuis bent.</li>
<li>Je hoeft je adres of telefoonnummer niet te geven. Via de berichten op het
ledenplatform kun je ook contact houden.</li>
<li>Zorg dat je op eigen gelegenheid weer naar huis kunt.</li>
<li>Voelt het niet goed? Dan mag je weggaan. Je hoeft niets uit te leggen.</li>
</ul>
"""

NON_MEMBER_MESSAGE = """
<p>Het prikbord is alleen voor leden van de vereniging. Zo weet iedereen met wie hij of
zij afspreekt, en komen er geen onbekenden onverwacht naar een ontmoeting.</p>
<p>Daarnaast zegt meedoen hier iets over je gezondheid of die van iemand dicht bij je.
Daarom blijft alles wat op het prikbord staat binnen de kring van leden.</p>
<p>Wil je lid worden? Op de website van de vereniging lees je hoe dat gaat. Ben je al lid
en zie je deze tekst toch? Neem dan contact op met het secretariaat.</p>
"""

INBOX_INTRO = """
<p>Hier vind je je berichten. Bij elke ontmoeting hoort een gesprek met de organisator en
de leden die meegaan: daar spreken jullie samen de tijd, de plek en de laatste details af.
Je kunt ook een bericht sturen aan één lid.</p>
<p>Berichten zijn alleen te lezen voor de leden in het gesprek. Deel geen adres of
telefoonnummer als je dat niet wilt.</p>
"""

INBOX_NON_MEMBER_MESSAGE = """
<p>De berichten zijn alleen voor leden van de vereniging. Zo weet iedereen met wie hij of
zij praat.</p>
<p>Ben je al lid en zie je deze tekst toch? Neem dan contact op met het secretariaat.</p>
"""

SUGGESTED_ACTIVITIES = "\n".join(
    ["wandelen", "koffie drinken", "museum", "lunchen", "fietsen", "creatief bezig zijn"]
)

# --- Calls ------------------------------------------------------------------
# "when": (days from today, hour, minute), or None for "to be agreed".
# "status": open (becomes full by itself when every place is taken), closed or cancelled.
# "registrations": (username, status, note).

P, A, D, W = (
    RegistrationStatus.PENDING,
    RegistrationStatus.ACCEPTED,
    RegistrationStatus.DECLINED,
    RegistrationStatus.WITHDRAWN,
)

CALLS = [
    {
        "organiser": "anna",
        "title": "Rondje Wilhelminapark",
        "description": (
            "Ik loop graag een rustig rondje door het park en drink daarna een kop thee. "
            "Praten mag, stil zijn ook. Het tempo is rustig."
        ),
        "activities": ["wandelen", "koffie drinken"],
        "audience": Audience.EVERYONE,
        "town": "Utrecht",
        "venue_kind": VenueKind.NATURE,
        "meeting_point": "Bij de muziekkoepel in het Wilhelminapark",
        "when": (-21, 14, 0),
        "posted": 35,
        "duration_minutes": 90,
        "recognition": "Ik heb een groene rugzak bij me.",
        "step_free": True,
        "capacity": 4,
        "registrations": [
            ("chris", A, "Leuk, ik kom graag."),
            ("dewi", A, ""),
            ("bram", W, "Sorry, ik moet die middag toch werken."),
        ],
    },
    {
        "organiser": "anna",
        "title": "Nog een keer het Wilhelminapark",
        "description": (
            "De vorige wandeling was fijn, dus ik doe het nog een keer. Zelfde plek, zelfde "
            "rustige tempo. Nieuwe mensen zijn ook welkom."
        ),
        "activities": ["wandelen"],
        "audience": Audience.EVERYONE,
        "town": "Utrecht",
        "venue_kind": VenueKind.NATURE,
        "meeting_point": "Bij de muziekkoepel in het Wilhelminapark",
        "when": (6, 14, 0),
        "posted": 2,
        "duration_minutes": 90,
        "recognition": "Ik heb een groene rugzak bij me.",
        "step_free": True,
        "capacity": 4,
        "repeat_of": "Rondje Wilhelminapark",
        "registrations": [
            ("chris", P, "Vorige keer vond ik het fijn. Ik kom graag weer."),
            ("fenna", P, ""),
        ],
    },
    {
        "organiser": "bram",
        "title": "Koffie in Forum Groningen",
        "description": (
            "Voor naasten: even bijpraten over hoe het is om dicht bij iemand met een "
            "dissociatieve stoornis te staan. Datum en tijd spreken we samen af."
        ),
        "activities": ["koffie drinken"],
        "audience": Audience.RELATIVES,
        "town": "Groningen",
        "venue_kind": VenueKind.LIBRARY,
        "meeting_point": "Bij de grote trap op de begane grond van Forum Groningen",
        "when": None,
        "posted": 4,
        "step_free": True,
        "accessibility_notes": "Er is een lift naar alle verdiepingen.",
        "capacity": 3,
        "registrations": [
            ("fenna", P, "Ik woon in Zwolle, maar kom graag met de trein."),
        ],
    },
    {
        "organiser": "chris",
        "title": "Samen naar Depot Boijmans",
        "description": (
            "Ik wil al lang eens naar het depot van Boijmans. Wie gaat er mee? We kijken "
            "rond in ons eigen tempo en drinken na afloop iets op het dak."
        ),
        "activities": ["museum"],
        "audience": Audience.PEERS,
        "town": "Rotterdam",
        "venue_kind": VenueKind.MUSEUM,
        "meeting_point": "In de hal van Depot Boijmans Van Beuningen, bij de kassa",
        "when": (12, 11, 0),
        "posted": 6,
        "duration_minutes": 120,
        "recognition": "Ik draag een rode muts.",
        "step_free": True,
        "accessibility_notes": "Het depot heeft liften en op elke verdieping zijn bankjes.",
        "capacity": 3,
        "registrations": [
            ("anna", A, ""),
            ("eva", A, "Ik ben er nog nooit geweest, lijkt me mooi."),
            ("dewi", A, ""),
        ],
    },
    {
        "organiser": "chris",
        "title": "Koffie in de Centrale Bibliotheek",
        "description": (
            "Een uurtje koffie in het café van de bibliotheek. Geen vast onderwerp, gewoon "
            "kennismaken."
        ),
        "activities": ["koffie drinken"],
        "audience": Audience.PEERS,
        "town": "Rotterdam",
        "venue_kind": VenueKind.LIBRARY,
        "meeting_point": "Bij het café op de begane grond van de Centrale Bibliotheek",
        "when": (-6, 10, 30),
        "posted": 20,
        "duration_minutes": 60,
        "quiet_place": True,
        "capacity": 4,
        "registrations": [
            ("eva", A, ""),
            ("anna", W, "Het lukt me die dag toch niet, sorry."),
        ],
    },
    {
        "organiser": "dewi",
        "title": "Fietsen langs de Waal",
        "description": (
            "Een tocht van ongeveer 25 kilometer langs de rivier, met een stop halverwege "
            "voor koffie. We fietsen in een gemiddeld tempo en wachten op elkaar."
        ),
        "activities": ["fietsen", "koffie drinken"],
        "audience": Audience.EVERYONE,
        "town": "Nijmegen",
        "venue_kind": VenueKind.OTHER,
        "meeting_point": "Bij de fietsenstalling van station Nijmegen, kant Stationsplein",
        "when": (9, 10, 30),
        "posted": 5,
        "duration_minutes": 180,
        "recognition": "Ik heb een gele fietstas.",
        "capacity": 5,
        "registrations": [
            ("bram", A, "Ik neem mijn eigen fiets mee in de trein."),
            ("eva", D, "Ik kom uit Eindhoven en kan pas later aansluiten."),
        ],
    },
    {
        "organiser": "eva",
        "title": "Lunchen in het Van Abbemuseum",
        "description": (
            "Samen lunchen in het museumcafé. Wie wil, kijkt daarna nog even rond in het "
            "museum. Ik vind het fijn als het rustig blijft."
        ),
        "activities": ["lunchen", "museum"],
        "audience": Audience.PEERS,
        "town": "Eindhoven",
        "venue_kind": VenueKind.CAFE,
        "meeting_point": "Bij de ingang van het Van Abbemuseum, aan de kant van de Stratumsedijk",
        "when": (16, 12, 30),
        "posted": 3,
        "duration_minutes": 90,
        "quiet_place": True,
        "step_free": True,
        "capacity": 4,
        "registrations": [
            ("chris", W, ""),
            ("anna", P, "Ik ben een beetje zenuwachtig, het is mijn eerste keer."),
        ],
    },
    {
        "organiser": "fenna",
        "title": "Koffie drinken aan de Grote Markt",
        "description": (
            "Voor naasten die eens willen praten met iemand die hetzelfde meemaakt. Een uur "
            "koffie, meer niet."
        ),
        "activities": ["koffie drinken"],
        "audience": Audience.RELATIVES,
        "town": "Zwolle",
        "venue_kind": VenueKind.CAFE,
        "meeting_point": "Op het terras van het grand café aan de Grote Markt, bij de Grote Kerk",
        "when": (4, 10, 0),
        "posted": 9,
        "duration_minutes": 60,
        "capacity": 4,
        "status": CallStatus.CLOSED,
        "registrations": [
            ("bram", A, ""),
            ("dewi", A, "Ik ben zelf ook lotgenoot, maar kom graag als naaste."),
        ],
    },
    {
        "organiser": "anna",
        "title": "Samen tekenen in de bibliotheek",
        "description": (
            "Ik neem potloden en papier mee. We tekenen wat we zien, niemand hoeft het goed "
            "te kunnen."
        ),
        "activities": ["creatief bezig zijn"],
        "audience": Audience.PEERS,
        "town": "Amersfoort",
        "venue_kind": VenueKind.LIBRARY,
        "meeting_point": "In de leeszaal van de bibliotheek in het Eemhuis",
        "when": (6, 13, 0),
        "posted": 12,
        "duration_minutes": 120,
        "quiet_place": True,
        "capacity": 3,
        "status": CallStatus.CANCELLED,
        "cancelled": 2,
        "registrations": [
            ("eva", A, ""),
            ("chris", P, ""),
        ],
    },
    {
        "organiser": "bram",
        "title": "Wandelen rond de Oldehove",
        "description": (
            "Een korte wandeling door de binnenstad, langs de Oldehove en de grachten. "
            "Onderweg kunnen we ergens iets drinken."
        ),
        "activities": ["wandelen"],
        "audience": Audience.EVERYONE,
        "town": "Leeuwarden",
        "venue_kind": VenueKind.OTHER,
        "meeting_point": "Op het plein bij de Oldehove",
        "when": (-10, 15, 0),
        "posted": 24,
        "duration_minutes": 60,
        "capacity": 4,
        "registrations": [
            ("fenna", A, ""),
            ("dewi", A, ""),
            ("anna", D, "Leeuwarden is ver voor mij, maar ik wil het proberen."),
        ],
    },
    {
        "organiser": "chris",
        "title": "Strandwandeling bij Scheveningen",
        "description": (
            "Uitwaaien aan zee. We lopen een uurtje langs de vloedlijn en zoeken daarna een "
            "plekje om iets warms te drinken."
        ),
        "activities": ["wandelen", "koffie drinken"],
        "audience": Audience.PEERS,
        "town": "Den Haag",
        "venue_kind": VenueKind.NATURE,
        "meeting_point": "Bij de trap naar het strand tegenover het Kurhaus",
        "when": (7, 13, 0),
        "posted": 3,
        "duration_minutes": 120,
        "recognition": "Ik draag een rode muts.",
        "capacity": 6,
        "registrations": [
            ("eva", P, ""),
            ("anna", A, "Wat fijn, de zee doet me altijd goed."),
        ],
    },
    {
        "organiser": "eva",
        "title": "Koffie en een goed gesprek",
        "description": (
            "Gewoon een kop koffie en praten over hoe het gaat. Daarna kunnen we bij mij "
            "thuis verder praten, ik woon vlakbij."
        ),
        "activities": ["koffie drinken"],
        "audience": Audience.PEERS,
        "town": "Haarlem",
        "venue_kind": VenueKind.CAFE,
        "meeting_point": "In het café op de Grote Markt, tegenover de Sint-Bavokerk",
        "when": (8, 15, 0),
        "posted": 1,
        "capacity": 4,
        # A moderator hid this call: the house rules say never at someone's home.
        "hidden": True,
        "registrations": [],
    },
    {
        "organiser": "fenna",
        "title": "Wandelen in het Asserbos",
        "description": (
            "Voor naasten: een wandeling door het bos, in een rustig tempo. We prikken samen "
            "een datum die voor iedereen past."
        ),
        "activities": ["wandelen"],
        "audience": Audience.RELATIVES,
        "town": "Assen",
        "venue_kind": VenueKind.NATURE,
        "meeting_point": "Bij de hoofdingang van het Asserbos",
        "when": None,
        "posted": 7,
        "duration_minutes": 90,
        "capacity": 3,
        "registrations": [],
    },
    {
        "organiser": "anna",
        "title": "Hortus botanicus in Leiden",
        "description": (
            "Rondlopen tussen de planten in de oudste botanische tuin van Nederland. Er zijn "
            "genoeg plekken om even te zitten."
        ),
        "activities": ["wandelen", "museum"],
        "audience": Audience.PEERS,
        "town": "Leiden",
        "venue_kind": VenueKind.NATURE,
        "meeting_point": "Bij de ingang van de Hortus botanicus aan het Rapenburg",
        "when": (25, 11, 0),
        "posted": 1,
        "duration_minutes": 120,
        "accessibility_notes": "De paden zijn grotendeels vlak; de kassen hebben een drempel.",
        "capacity": 3,
        "registrations": [
            ("chris", A, ""),
        ],
    },
    {
        "organiser": "bram",
        "title": "Koffie in Rijksmuseum Twenthe",
        "description": (
            "We drinken koffie in het museumcafé en lopen daarna, als we zin hebben, door "
            "een van de zalen."
        ),
        "activities": ["koffie drinken", "museum"],
        "audience": Audience.EVERYONE,
        "town": "Enschede",
        "venue_kind": VenueKind.MUSEUM,
        "meeting_point": "In het café van Rijksmuseum Twenthe",
        "when": (11, 14, 0),
        "posted": 2,
        "duration_minutes": 90,
        "step_free": True,
        "capacity": 4,
        "registrations": [
            ("fenna", P, ""),
        ],
    },
    {
        "organiser": "chris",
        "title": "Wandelen in het Mastbos",
        "description": (
            "Een boswandeling van een uur of anderhalf. Wanneer precies, spreken we samen af; "
            "doordeweeks of in het weekend, allebei goed."
        ),
        "activities": ["wandelen"],
        "audience": Audience.PEERS,
        "town": "Breda",
        "venue_kind": VenueKind.NATURE,
        "meeting_point": "Bij de hoofdingang van het Mastbos",
        "when": None,
        "posted": 8,
        "duration_minutes": 90,
        "capacity": 5,
        "registrations": [],
    },
    {
        "organiser": "dewi",
        "title": "Park Sonsbeek en een kop thee",
        "description": (
            "Een rustige wandeling door Sonsbeek, met onderweg een kop thee. Fijn voor wie "
            "het spannend vindt om iemand nieuw te ontmoeten."
        ),
        "activities": ["wandelen", "koffie drinken"],
        "audience": Audience.EVERYONE,
        "town": "Arnhem",
        "venue_kind": VenueKind.NATURE,
        "meeting_point": "Bij de Witte Watermolen in park Sonsbeek",
        "when": (8, 13, 30),
        "posted": 4,
        "duration_minutes": 90,
        "recognition": "Ik heb een paraplu met stippen bij me.",
        "capacity": 4,
        "registrations": [
            ("eva", A, ""),
            ("anna", D, ""),
            ("bram", P, "Ik ben naaste. Is dat ook goed?"),
        ],
    },
    {
        "organiser": "eva",
        "title": "Rustig lunchen in Maastricht",
        "description": (
            "Een lunch met een klein groepje, in een rustig hoekje. Ik houd het liever klein, "
            "dus er is plek voor twee mensen."
        ),
        "activities": ["lunchen"],
        "audience": Audience.PEERS,
        "town": "Maastricht",
        "venue_kind": VenueKind.CAFE,
        "meeting_point": "Bij de ingang van boekhandel Dominicanen",
        "when": (14, 12, 0),
        "posted": 6,
        "duration_minutes": 60,
        "quiet_place": True,
        "capacity": 2,
        "registrations": [
            ("chris", A, ""),
            ("anna", A, ""),
            ("dewi", P, "Als er een plekje vrijkomt, kom ik graag."),
        ],
    },
    {
        "organiser": "fenna",
        "title": "Fietsen door het Almeerderhout",
        "description": (
            "Voor naasten: een rustige fietstocht door het bos, met een pauze bij een "
            "theehuis. Ongeveer 20 kilometer."
        ),
        "activities": ["fietsen"],
        "audience": Audience.RELATIVES,
        "town": "Almere",
        "venue_kind": VenueKind.NATURE,
        "meeting_point": "Bij de fietsenstalling van station Almere Centrum",
        "when": (10, 10, 0),
        "posted": 3,
        "duration_minutes": 180,
        "capacity": 4,
        "registrations": [
            ("bram", P, "Ik heb geen eigen fiets hier; ik huur er een bij het station."),
        ],
    },
    {
        "organiser": "anna",
        "title": "Koffie op de Markt in Middelburg",
        "description": (
            "Een kop koffie in het centrum van Middelburg. Wie wil, loopt daarna een stukje "
            "mee naar de abdij."
        ),
        "activities": ["koffie drinken", "wandelen"],
        "audience": Audience.EVERYONE,
        "town": "Middelburg",
        "venue_kind": VenueKind.CAFE,
        "meeting_point": "Bij het stadhuis op de Markt",
        "when": (30, 11, 0),
        "posted": 0,
        "duration_minutes": 60,
        "step_free": True,
        "capacity": 4,
        "registrations": [],
    },
    {
        "organiser": "bram",
        "title": "Samen naar het Noordbrabants Museum",
        "description": (
            "Voor naasten: samen een tentoonstelling bekijken. Het museum is een goede plek "
            "om te praten zonder dat het zwaar hoeft te worden."
        ),
        "activities": ["museum"],
        "audience": Audience.RELATIVES,
        "town": "'s-Hertogenbosch",
        "venue_kind": VenueKind.MUSEUM,
        "meeting_point": "Bij de ingang van Het Noordbrabants Museum aan de Verwersstraat",
        "when": (18, 11, 0),
        "posted": 5,
        "duration_minutes": 120,
        "step_free": True,
        "may_leave_early": True,
        "capacity": 3,
        "registrations": [
            ("fenna", A, ""),
        ],
    },
    {
        "organiser": "dewi",
        "title": "Tekenen en schilderen in het Vondelpark",
        "description": (
            "Neem mee wat je fijn vindt: een schetsboek, waterverf, of alleen een potlood. "
            "We zoeken een plekje op een bankje of op het gras."
        ),
        "activities": ["creatief bezig zijn"],
        "audience": Audience.EVERYONE,
        "town": "Amsterdam",
        "venue_kind": VenueKind.NATURE,
        "meeting_point": "Bij het Blauwe Theehuis in het Vondelpark",
        "when": (13, 14, 0),
        "posted": 2,
        "duration_minutes": 120,
        "capacity": 6,
        "may_leave_early": True,
        "registrations": [
            ("eva", P, ""),
            ("fenna", A, ""),
            ("chris", W, ""),
        ],
    },
]

# --- Messages -----------------------------------------------------------------
# Each message: (minutes before the seed runs, sender, text). The messages go through
# wagtail_meetings.messaging at those (back-dated) moments, so read states and the
# inbox order come out as if the members had written them.

# The organiser accepts a sign-up for a dated call, then both agree on the details in
# the meeting's conversation. The last messages stay unread for the organiser, anna.
CALL_CONVERSATION = {
    "organiser": "anna",
    "title": "Nog een keer het Wilhelminapark",
    "member": "chris",
    "accepted": 26 * 60,
    "messages": [
        (
            25 * 60,
            "anna",
            "Fijn dat je weer meegaat! Zullen we net als vorige keer om 14:00 beginnen? "
            "Ik wacht bij de muziekkoepel, aan de kant van de vijver.",
        ),
        (
            24 * 60,
            "chris",
            "Dat is goed. Ik kom met bus 2 en stap uit bij de halte Wilhelminapark. "
            "Dan ben ik er rond tien voor twee.",
        ),
        (
            23 * 60,
            "anna",
            "Prima. Ik heb weer mijn groene rugzak bij me. Als het regent, schuilen we eerst "
            "even onder de koepel en kijken we daar wat we doen.",
        ),
        (
            90,
            "chris",
            "Goed plan. Ik draag een gele regenjas, dus je ziet me vast snel.",
        ),
        (
            85,
            "chris",
            "En na afloop een kop thee in het theehuis lijkt me fijn, als jij daar ook zin in "
            "hebt. Tot dan!",
        ),
    ],
}

# Two other members write to each other directly.
DIRECT_CONVERSATION = {
    "members": ("dewi", "eva"),
    "messages": [
        (
            3 * 24 * 60,
            "dewi",
            "Hoi Wilg, fijn dat je meegaat naar Sonsbeek. Ik las dat je ook graag wandelt. "
            "Ken je de routes van Natuurmonumenten? Daar staan veel rustige wandelingen op: "
            "https://www.natuurmonumenten.nl",
        ),
        (
            3 * 24 * 60 - 45,
            "eva",
            "Hoi Dewi! Ja, die ken ik. De Kampina bij Oisterwijk is een van mijn favorieten. "
            "Het is daar lekker stil.",
        ),
        (
            2 * 24 * 60,
            "dewi",
            "Dat klinkt mooi. Misschien kunnen we daar later een keer samen heen. Geen haast, "
            "we zien elkaar eerst in Arnhem.",
        ),
        (
            2 * 24 * 60 - 20,
            "eva",
            "Goed idee. Tot in Arnhem, ik neem een thermoskan thee mee.",
        ),
    ],
}


# A member tries to sell something in a direct message; the recipient reports it.
SELLING_CONVERSATION = {
    "members": ("bram", "anna"),
    "messages": [
        (
            5 * 24 * 60,
            "anna",
            "Hoi Bram, leuk dat je je had aangemeld voor de wandeling. Hoe vond je het?",
        ),
        (
            4 * 24 * 60,
            "bram",
            "Hoi Anna! Ik maak zelf kaarsen en zeep, dat helpt mij om rustig te worden. "
            "Voor leden maar 15 euro per pakket, bestellen kan via https://www.example.com",
        ),
    ],
}

# --- Reports ------------------------------------------------------------------
# The hidden call came from a report a moderator acted on; two reports are open.

HIDDEN_CALL_REPORT = {
    "reporter": "bram",
    "organiser": "eva",
    "title": "Koffie en een goed gesprek",
    "reason": ReportReason.NOT_PUBLIC,
    "details": "In de beschrijving staat dat we daarna bij haar thuis verder praten.",
    "note": "Afspraak bij iemand thuis. Oproepje verborgen en de organisator gewaarschuwd.",
    "notice": (
        "Fijn dat je een oproepje plaatste! We spreken altijd af op een openbare plek, ook "
        "als je na afloop nog verder wilt praten. Daarom hebben we dit oproepje verborgen. "
        "Je mag het gerust opnieuw plaatsen zonder de afspraak bij jou thuis."
    ),
}

SELLING_REPORT = {
    "reporter": "anna",
    "details": "Ik vind het vervelend dat ik iets aangeboden krijg.",
}

MEETING_REPORT = {
    "reporter": "dewi",
    "organiser": "bram",
    "title": "Wandelen rond de Oldehove",
    "details": (
        "Iemand maakte grapjes over mijn diagnose. Ik vond dat niet fijn, maar ik wilde er "
        "daar niets van zeggen."
    ),
    # Another participant answered "it went fine".
    "fine": "fenna",
}


@contextmanager
def clock(moment):
    """Let ``timezone.now()`` return ``moment``, to back-date what the app records."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


CALL_FIELDS = [
    "description",
    "audience",
    "venue_kind",
    "meeting_point",
    "duration_minutes",
    "recognition",
    "step_free",
    "quiet_place",
    "accessibility_notes",
    "may_leave_early",
    "capacity",
    "hidden",
]


class Command(BaseCommand):
    help = "Fill the example site with demo accounts, pages and calls (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default=DEMO_ADDRESS,
            help=f"host:port the demo is served at, for the printed links (default {DEMO_ADDRESS})",
        )

    def handle(self, *args, **options):
        if not Place.objects.exists():
            call_command("meetings_load_places", stdout=self.stdout)
        with transaction.atomic():
            groups = self.ensure_groups()
            users = self.ensure_users(groups)
            board, inbox = self.ensure_pages()
            created = self.ensure_calls(users)
        with transaction.atomic():
            self.ensure_messages(users)
        with transaction.atomic():
            self.ensure_reports(users)
        # Wagtail queues index updates as background tasks; the demo's search should
        # work before a task worker has ever run.
        call_command("wagtail_update_index", verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Demo ready ({created} calls added)."))
        self.report(board, inbox, options["address"])

    # Accounts

    def ensure_groups(self):
        members, _ = Group.objects.get_or_create(name=MEMBERS_GROUP)
        moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        permissions = []
        for app_label, model, codename in MODERATOR_PERMISSIONS:
            content_type = ContentType.objects.get_by_natural_key(app_label, model)
            permissions.append(Permission.objects.get(content_type=content_type, codename=codename))
        moderators.permissions.add(*permissions)
        return {"members": members, "moderators": moderators}

    def ensure_user(self, username, **fields):
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org", **fields}
        )
        # Always reset, so that the printed logins work even after someone changed them.
        user.set_password(f"demo-{username}")
        user.save()
        return user

    def ensure_users(self, groups):
        self.ensure_user("redacteur", is_staff=True, is_superuser=True)
        moderator = self.ensure_user("moderator")
        moderator.groups.add(groups["moderators"])
        self.ensure_user("gast")
        now = timezone.now()
        users = {}
        for index, (username, display_name, role, town) in enumerate(MEMBERS):
            user = self.ensure_user(username)
            user.groups.add(groups["members"])
            MemberProfile.objects.get_or_create(
                user=user,
                defaults={
                    "display_name": display_name,
                    "role": role,
                    "home_place": self.town(town),
                    "house_rules_accepted_at": now - datetime.timedelta(days=60 - index),
                },
            )
            users[username] = user
        return users

    def town(self, name):
        # The biggest town of that name: "Hoorn" also matches the village Den Hoorn.
        place = Place.objects.matching(name).order_by("-population").first()
        if place is None:
            raise CommandError(f"Town {name!r} not found; run meetings_load_places first.")
        return place

    # Pages

    def ensure_pages(self):
        root = Page.get_first_root_node()
        home = HomePage.objects.child_of(root).first()
        if home is None:
            self.remove_welcome_page(root)
            home = root.add_child(instance=HomePage(title=SITE_NAME, slug="home"))
        self.ensure_site(home)

        members = StandardPage.objects.child_of(home).filter(slug="leden").first()
        if members is None:
            members = home.add_child(
                instance=StandardPage(title="Ledenplatform", slug="leden", body=MEMBERS_BODY)
            )
            members.save_revision().publish()
            # The home page links to the members area, so it waits for its id.
            home.body = HOME_BODY.format(members_id=members.pk)
            home.save_revision().publish()

        board = MeetingsBoardPage.objects.descendant_of(home).first()
        if board is None:
            board = members.add_child(
                instance=MeetingsBoardPage(
                    title="Prikbord",
                    slug="prikbord",
                    intro=BOARD_INTRO,
                    house_rules=HOUSE_RULES,
                    safety_tips=SAFETY_TIPS,
                    non_member_message=NON_MEMBER_MESSAGE,
                    suggested_activities=SUGGESTED_ACTIVITIES,
                    default_capacity=4,
                )
            )
            board.save_revision().publish()

        inbox = InboxPage.objects.descendant_of(home).first()
        if inbox is None:
            inbox = members.add_child(
                instance=InboxPage(
                    title="Berichten",
                    slug="berichten",
                    intro=INBOX_INTRO,
                    non_member_message=INBOX_NON_MEMBER_MESSAGE,
                )
            )
            inbox.save_revision().publish()
        return board, inbox

    def remove_welcome_page(self, root):
        """Remove Wagtail's "Welcome to your new Wagtail site!" page (a plain Page)."""
        plain = ContentType.objects.get_for_model(Page)
        for page in root.get_children().filter(content_type=plain, slug="home"):
            if page.get_children_count() == 0:
                page.delete()  # the default Site goes with it; ensure_site makes a new one

    def ensure_site(self, home):
        site = (
            Site.objects.filter(hostname="localhost", port=80).first()
            or Site.objects.filter(is_default_site=True).first()
            or Site()
        )
        site.hostname = "localhost"
        site.port = 80
        site.root_page = home
        site.is_default_site = True
        site.site_name = site.site_name or SITE_NAME
        site.save()
        Site.objects.exclude(pk=site.pk).filter(is_default_site=True).update(is_default_site=False)

    # Calls

    def ensure_calls(self, users):
        today = timezone.localdate()
        now = timezone.now()
        calls = {}
        created = 0
        for spec in CALLS:
            organiser = users[spec["organiser"]]
            key = (spec["organiser"], spec["title"])
            call = Call.objects.filter(organiser=organiser, title=spec["title"]).first()
            if call is not None:
                calls[key] = call
                continue
            call = self.build_call(spec, organiser, today, now, calls)
            call.save()
            self.add_registrations(call, spec, users)
            # Back-date the posting so the board's order looks lived-in.
            Call.objects.filter(pk=call.pk).update(
                created_at=now - datetime.timedelta(days=spec["posted"], hours=len(calls))
            )
            calls[key] = call
            created += 1
        return created

    def build_call(self, spec, organiser, today, now, calls):
        call = Call(
            organiser=organiser,
            title=spec["title"],
            place=self.town(spec["town"]),
            public_place_confirmed=True,
            starts_at=self.when(spec["when"], today),
            status=spec.get("status", CallStatus.OPEN),
        )
        for name in CALL_FIELDS:
            if name in spec:
                setattr(call, name, spec[name])
        if call.status == CallStatus.CANCELLED:
            call.cancelled_at = now - datetime.timedelta(days=spec.get("cancelled", 1))
        if "repeat_of" in spec:
            call.repeat_of = calls[(spec["organiser"], spec["repeat_of"])]
        accepted = sum(1 for _, status, _ in spec["registrations"] if status == A)
        if accepted > call.capacity:
            raise CommandError(f"{call.title!r}: more accepted sign-ups than places.")
        if call.status == CallStatus.OPEN and accepted == call.capacity:
            call.status = CallStatus.FULL
        call.activities.set(spec["activities"])
        return call

    @staticmethod
    def when(when, today):
        if when is None:
            return None
        days, hour, minute = when
        day = today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def add_registrations(self, call, spec, users):
        for username, status, note in spec["registrations"]:
            if username == spec["organiser"]:
                raise CommandError(f"{call.title!r}: the organiser cannot sign up.")
            Registration.objects.create(call=call, member=users[username], status=status, note=note)

    # Messages

    def ensure_messages(self, users):
        if Message.objects.exists():
            return
        now = timezone.now()
        # The rules give every meeting with accepted members its conversation; the calls
        # above got their sign-ups directly, so give them theirs now.
        for call in Call.objects.filter(
            registrations__status=RegistrationStatus.ACCEPTED, conversation__isnull=True
        ).distinct():
            messaging.sync_call_conversation(call)
        self.seed_call_conversation(users, now)
        self.seed_direct_conversation(users, now, DIRECT_CONVERSATION)
        self.seed_direct_conversation(users, now, SELLING_CONVERSATION)

    def seed_call_conversation(self, users, now):
        spec = CALL_CONVERSATION
        call = Call.objects.filter(organiser=users[spec["organiser"]], title=spec["title"]).first()
        registration = call and call.registrations.filter(member=users[spec["member"]]).first()
        if registration is None:
            self.stderr.write(f"No sign-up of {spec['member']} for {spec['title']!r}: no messages.")
            return
        try:
            with clock(now - datetime.timedelta(minutes=spec["accepted"])):
                rules.accept(registration)
            conversation = messaging.sync_call_conversation(call)
            self.send_all(conversation, spec["messages"], users, now)
        except RuleError as error:
            self.stderr.write(f"{spec['title']!r}: no messages ({error.message}).")

    def seed_direct_conversation(self, users, now, spec):
        minutes, sender, body = spec["messages"][0]
        (recipient,) = (username for username in spec["members"] if username != sender)
        with clock(now - datetime.timedelta(minutes=minutes)):
            conversation, _message = messaging.start_direct(users[sender], users[recipient], body)
        self.send_all(conversation, spec["messages"][1:], users, now)

    @staticmethod
    def send_all(conversation, messages, users, now):
        for minutes, sender, body in messages:
            with clock(now - datetime.timedelta(minutes=minutes)):
                messaging.send(conversation, users[sender], body)

    # Reports

    def ensure_reports(self, users):
        if Report.objects.exists():
            return
        moderator = get_user_model().objects.get(username="moderator")
        self.seed_hidden_call_report(users, moderator)
        self.seed_selling_report(users)
        self.seed_meeting_report(users)

    def seed_hidden_call_report(self, users, moderator):
        spec = HIDDEN_CALL_REPORT
        call = Call.objects.filter(organiser=users[spec["organiser"]], title=spec["title"]).first()
        if call is None:
            return
        report = Report.objects.create(
            kind=ReportKind.CALL,
            reporter=users[spec["reporter"]],
            reported_member=call.organiser,
            call=call,
            reason=spec["reason"],
            details=spec["details"],
        )
        moderation.hide_call(report, moderator=moderator, note=spec["note"])
        moderation.warn(report, call.organiser, moderator=moderator, notice=spec["notice"])

    def seed_selling_report(self, users):
        spec = SELLING_CONVERSATION
        seller = users["bram"]
        message = Message.objects.filter(sender=seller, body=spec["messages"][-1][2]).first()
        if message is None:
            return
        Report.objects.create(
            kind=ReportKind.MESSAGE,
            reporter=users[SELLING_REPORT["reporter"]],
            reported_member=seller,
            message=message,
            reason=ReportReason.SPAM,
            details=SELLING_REPORT["details"],
        )

    def seed_meeting_report(self, users):
        spec = MEETING_REPORT
        call = Call.objects.filter(organiser=users[spec["organiser"]], title=spec["title"]).first()
        if call is None:
            return
        reporter = users[spec["reporter"]]
        Report.objects.create(
            kind=ReportKind.MEETING,
            reporter=reporter,
            call=call,
            reason=ReportReason.UNSAFE,
            details=spec["details"],
        )
        CheckIn.objects.get_or_create(
            member=reporter, call=call, defaults={"answer": CheckInAnswer.REPORTED}
        )
        CheckIn.objects.get_or_create(
            member=users[spec["fine"]], call=call, defaults={"answer": CheckInAnswer.FINE}
        )

    # Report

    def report(self, board, inbox, address=DEMO_ADDRESS):
        write = self.stdout.write
        write("")
        write("Demo logins (password: demo-<username>):")
        write("  redacteur / demo-redacteur   editor, superuser (Wagtail admin: /admin/)")
        write(
            "  moderator / demo-moderator   moderator (group Moderators, Wagtail admin: "
            "Meetings → Reports)"
        )
        for username, display_name, role, town in MEMBERS:
            write(
                f"  {username} / demo-{username}".ljust(31)
                + f"member “{display_name}”, {ROLE_WORDS[role]}, {town}"
            )
        write("  gast / demo-gast             logged in, but not a member")
        write("")
        write(f"Board: http://{address}{BOARD_PATH}")
        if board.url_path and not board.url_path.endswith(BOARD_PATH):
            write(f"(the board page itself is at {board.get_url()})")
        write(f"Inbox: http://{address}{INBOX_PATH}")
        if inbox.url_path and not inbox.url_path.endswith(INBOX_PATH):
            write(f"(the inbox page itself is at {inbox.get_url()})")
        unread = messaging.unread_total(get_user_model().objects.get(username="anna"))
        if unread:
            write(f"  anna has {unread} unread message{'s' if unread != 1 else ''}.")
