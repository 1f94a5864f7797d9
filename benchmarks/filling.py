"""Fill a database with a national association's volume of members, calls and messages.

At scale 1.0: 10,000 members, 20,000 calls over the whole country, 100,000 sign-ups,
their meetings' conversations, direct conversations and 500,000 messages. Everything
is written with ``bulk_create`` (no rules, no notifications, no e-mail), follows the
app's own conventions (see ``wagtail_meetings.messaging``) and is deterministic for a
given seed, relative to the day the fill runs.

:func:`fill` is what ``benchmarks/fill.py`` and the tests call.
"""

import datetime
import itertools
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Q
from django.utils import timezone
from taggit.models import Tag

from wagtail_meetings.conf import app_settings
from wagtail_meetings.models import (
    Audience,
    Block,
    Call,
    CallActivity,
    CallStatus,
    Conversation,
    ConversationKind,
    ConversationMember,
    InboxPage,
    MeetingsBoardPage,
    MemberProfile,
    Message,
    Notify,
    Place,
    Registration,
    RegistrationStatus,
    Role,
    VenueKind,
)
from wagtail_meetings.views.inbox import MESSAGES_SHOWN

# Every account the fill makes has a username with this prefix, so that it can be
# told apart from the demo's accounts and removed again (``--replace``).
USERNAME_PREFIX = "bench-"
PASSWORD = "bench-member"  # noqa: S105 (a benchmark database's shared password)

# The volume at scale 1.0 (DESIGN.md, "Scale").
VOLUME = {
    "members": 10_000,
    "calls": 20_000,
    "registrations": 100_000,
    "direct_conversations": 12_000,
    "messages": 500_000,
    "blocks": 40,
}

BATCH_SIZE = 5_000
# The longest a conversation gets: a very busy pair of members over a year.
MESSAGES_CAP = 2_000
# The most sign-ups one call gets.
SIGN_UPS_CAP = 30

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

# --- What members write --------------------------------------------------------------


def _words(text):
    return text.split()


FIRST_NAMES = _words(
    """
    Anna Bram Chris Dewi Eva Fenna Gijs Hanna Ilse Joost Karin Lars Maaike Niels Olga
    Pieter Quinten Roos Sander Tess Ursula Vera Wim Yara Zoë Ahmed Fatima Mohamed Noor
    Daan Sanne Lieke Ruben Femke Thijs Lotte Jeroen Marloes Bas Esther Koen Inge Mark
    Linda Sven Petra Rik Sara Youssef Mila Ties Jasmijn Hamza Yasmin Jesse Nina Mees
    """
)
PSEUDONYMS = _words(
    """
    Vlinder Wilg Merel Zonnebloem Eik Meeuw Libel Klaproos Reiger Berk Duin Egel Lijster
    Vos Ster Wolk Regenboog Kastanje Lavendel Koraal
    """
)

# activity, title templates, kinds of place
ACTIVITIES = [
    ("wandelen", ["Wandelen in {town}", "Rondje door het park in {town}"], ["nature", "other"]),
    ("koffie drinken", ["Koffie drinken in {town}", "Een kop koffie in {town}"], ["cafe"]),
    ("museum", ["Samen naar het museum in {town}", "Tentoonstelling in {town}"], ["museum"]),
    ("lunchen", ["Rustig lunchen in {town}", "Samen lunchen in {town}"], ["cafe"]),
    ("fietsen", ["Fietstocht vanuit {town}", "Fietsen rond {town}"], ["other", "nature"]),
    (
        "creatief bezig zijn",
        ["Samen tekenen in {town}", "Creatieve middag in {town}"],
        ["library", "cafe"],
    ),
    ("bibliotheek", ["Lezen en koffie in de bibliotheek van {town}"], ["library"]),
    ("markt", ["Over de markt in {town}"], ["other"]),
    ("fotograferen", ["Fotowandeling in {town}"], ["nature", "other"]),
    ("spelletjes", ["Spelletjesmiddag in {town}"], ["cafe", "library"]),
    ("tuinieren", ["De heemtuin in {town}"], ["nature"]),
    ("strand", ["Uitwaaien aan zee bij {town}"], ["nature"]),
]
ACTIVITY_WEIGHTS = [30, 25, 10, 10, 8, 5, 4, 3, 2, 2, 1, 1]

MEETING_POINTS = [
    "Bij de ingang van het station, onder de klok",
    "Bij de fietsenstalling van het station",
    "Voor de ingang van de bibliotheek",
    "Bij het café op het plein",
    "Bij de hoofdingang van het park",
    "In de hal van het museum, bij de kassa",
    "Bij de muziektent in het park",
    "Op het terras van het theehuis",
]
RECOGNITION = [
    "Ik heb een groene rugzak bij me.",
    "Ik draag een rode muts.",
    "Ik heb een gele paraplu bij me.",
    "Ik draag een blauwe jas.",
    "Ik heb een boek van de vereniging op tafel liggen.",
]
ACCESSIBILITY_NOTES = [
    "Er is een lift en een invalidentoilet.",
    "Het pad is verhard en vlak.",
    "Er zijn genoeg bankjes onderweg.",
    "Parkeren kan vlak bij de ingang.",
]
DESCRIPTIONS = [
    "Ik zou het fijn vinden om eens met iemand te praten die begrijpt hoe het is.",
    "Praten mag, stil zijn ook. We doen het in een rustig tempo.",
    "Geen vast onderwerp, gewoon kennismaken.",
    "Wie wil, drinkt na afloop nog iets. Je mag ook eerder weg.",
    "Ik ben zelf ook een beetje zenuwachtig, dus voel je welkom.",
    "Het is een rustige plek waar we goed kunnen praten.",
    "We spreken af op een openbare plek, dus je kunt altijd weer weg.",
]
NOTES = [
    "Leuk, ik kom graag.",
    "Ik ben er voor het eerst bij.",
    "Ik kom met de trein, misschien iets later.",
    "Ik loop wat langzamer, is dat goed?",
    "Mag ik vragen hoe lang het ongeveer duurt?",
]
MESSAGE_SENTENCES = [
    "Hoi! Fijn dat je meegaat.",
    "Zullen we om twee uur afspreken?",
    "Dat is goed, ik ben er.",
    "Ik kom met de bus, dan ben ik er rond tien voor twee.",
    "Als het regent, schuilen we even in het café.",
    "Ik heb weer mijn groene rugzak bij me.",
    "Hoe gaat het nu met je?",
    "Het was fijn om je te zien.",
    "Dank je wel voor de gezellige middag.",
    "Ik moet helaas iets later komen, sorry.",
    "Geen probleem, ik wacht bij de ingang.",
    "Tot zaterdag!",
    "Zullen we na afloop nog een kop thee drinken?",
    "Ik vond het best spannend, maar het was heel fijn.",
    "Volgende keer wil ik graag weer mee.",
    "Weet iemand of er een lift is?",
    "Ja, er is een lift bij de hoofdingang.",
    "Ik las dat het museum op maandag dicht is.",
    "Kijk, hier staat de route: https://www.example.org/route",
    "Het weer ziet er goed uit voor morgen.",
    "Ik neem een thermoskan thee mee.",
    "Fijn dat je het vertelt, ik herken dat wel.",
    "Rustig aan, je hoeft niets uit te leggen.",
    "Ik ben er een beetje moe van, maar het gaat.",
    "Tot snel!",
]

# --- Counts -----------------------------------------------------------------------------


def volume(scale):
    """The number of rows of each kind at ``scale``; never below a handful."""
    minimum = {"members": 12, "calls": 4, "registrations": 8, "direct_conversations": 2}
    return {name: max(round(count * scale), minimum.get(name, 0)) for name, count in VOLUME.items()}


# --- Helpers ---------------------------------------------------------------------------


class FillError(Exception):
    """Something stops the fill; the message says what to do."""


class _NoAutoNow:
    """Let ``bulk_create`` keep the (back-dated) times we give instead of "now"."""

    def __init__(self, *models):
        self.fields = [
            f
            for m in models
            for f in m._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]

    def __enter__(self):
        self.saved = [(f, f.auto_now, f.auto_now_add) for f in self.fields]
        for f in self.fields:
            f.auto_now = f.auto_now_add = False

    def __exit__(self, *exc):
        for f, auto_now, auto_now_add in self.saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _between(rng, start, end):
    if end <= start:
        return start
    return start + (end - start) * rng.random()


def _bulk(model, objects, batch_size=BATCH_SIZE):
    return model.objects.bulk_create(objects, batch_size=batch_size)


@dataclass
class _Member:
    index: int
    role: str
    home_place_id: int | None
    active: bool
    pk: int = 0


@dataclass
class _Thread:
    """A conversation being planned: who is in it (and since when), and its messages."""

    kind: str
    members: list  # [(member index, joined at)], the organiser or starter first
    start: datetime.datetime
    end: datetime.datetime
    call: Call | None = None
    pair: tuple | None = None
    closed_at: datetime.datetime | None = None
    weight: float = 1.0
    count: int = 0
    times: list = field(default_factory=list)
    senders: list = field(default_factory=list)
    obj: Conversation | None = None


class Progress:
    def __init__(self, write):
        self.write = write
        self.started = self.last = time.perf_counter()

    def step(self, text):
        now = time.perf_counter()
        self.write(f"  {text} ({now - self.last:.1f} s)")
        self.last = now

    @property
    def total(self):
        return time.perf_counter() - self.started


# --- Preparation -------------------------------------------------------------------------


def prepare(write=print):
    """Check the database is migrated; load the towns and the demo pages when missing."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise FillError("The database is not fully migrated: run `manage.py migrate` first.")
    if not Place.objects.exists():
        write("Loading the towns (meetings_load_places)...")
        call_command("meetings_load_places", verbosity=0)
    if not (MeetingsBoardPage.objects.live().exists() and InboxPage.objects.live().exists()):
        write("Creating the site, the board and the inbox (seed_demo)...")
        call_command("seed_demo", verbosity=0, stdout=_Quiet())
    Group.objects.get_or_create(name=app_settings.MEMBERS_GROUP)


class _Quiet:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def bench_users():
    return get_user_model().objects.filter(username__startswith=USERNAME_PREFIX)


def remove_previous(write=print):
    """Remove what an earlier fill made (its accounts and everything hanging off them)."""
    started = time.perf_counter()
    users = bench_users()
    conversations = list(
        Conversation.objects.filter(Q(call__organiser__in=users) | Q(memberships__member__in=users))
        .values_list("pk", flat=True)
        .distinct()
    )
    with transaction.atomic():
        for start in range(0, len(conversations), BATCH_SIZE):
            batch = conversations[start : start + BATCH_SIZE]
            Message.objects.filter(conversation__in=batch).delete()
            ConversationMember.objects.filter(conversation__in=batch).delete()
            Conversation.objects.filter(pk__in=batch).delete()
        Block.objects.filter(Q(blocker__in=users) | Q(blocked__in=users)).delete()
        calls = Call.objects.filter(organiser__in=users).values("pk")
        # Wagtail's reference index listens to every deleted call and sign-up, one query
        # each; the fill never indexed them (bulk_create), so delete without the signal.
        for registrations in (
            Registration.objects.filter(call__in=calls),
            Registration.objects.filter(member__in=users),
        ):
            registrations._raw_delete(registrations.db)
        CallActivity.objects.filter(content_object__in=calls).delete()
        Call.objects.filter(repeat_of__in=calls).update(repeat_of=None)
        own_calls = Call.objects.filter(organiser__in=users)
        own_calls._raw_delete(own_calls.db)
        MemberProfile.objects.filter(user__in=users).delete()
        get_user_model().groups.through.objects.filter(user__in=users).delete()
        users.delete()
    write(f"  removed the previous fill ({time.perf_counter() - started:.1f} s)")


# --- The fill ---------------------------------------------------------------------------


def fill(scale=1.0, seed=1, replace=False, write=print):
    """Fill the database; returns a summary with the counts and the measured subjects."""
    replaced = bench_users().exists()
    if replaced:
        if not replace:
            raise FillError(
                "This database already holds a fill: pass --replace to remove it first."
            )
        remove_previous(write)
    rng = random.Random(seed)
    counts = volume(scale)
    progress = Progress(write)
    # Everything is dated relative to the start of today, so that a seed gives the same
    # data whatever the time of day the fill runs.
    now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    write(
        f"Filling at scale {scale:g} (seed {seed}): {counts['members']:,} members, "
        f"{counts['calls']:,} calls, {counts['registrations']:,} sign-ups, "
        f"{counts['messages']:,} messages."
    )
    places = list(Place.objects.order_by("geonames_id").values_list("pk", "name", "population"))
    if not places:
        raise FillError("No towns: run `manage.py meetings_load_places` first.")
    place_weights = list(itertools.accumulate(max(p[2], 100) for p in places))

    with transaction.atomic():
        members = _make_members(rng, counts["members"], places, place_weights, now)
    progress.step(f"{len(members):,} members with profiles")

    with transaction.atomic(), _NoAutoNow(Call, Registration):
        calls = _make_calls(rng, counts["calls"], members, places, place_weights, now)
        registrations = _make_registrations(rng, counts["registrations"], calls, members, now)
    progress.step(f"{len(calls):,} calls with their activities, {len(registrations):,} sign-ups")

    with transaction.atomic(), _NoAutoNow(Conversation):
        threads = _call_threads(calls, now)
        threads += _direct_threads(rng, counts["direct_conversations"], members, now)
        _plan_messages(rng, threads, counts["messages"], members, now)
        _save_conversations(rng, threads, members, now)
        progress.step(f"{len(threads):,} conversations with their members and read state")
        sent = _save_messages(rng, threads, members, progress)
        blocks = _make_blocks(rng, counts["blocks"], members, threads, now)
    # Foreign keys are checked when the transaction commits, so this includes that.
    progress.step(f"{sent:,} messages, {blocks} blocks")

    _settle(replaced)
    progress.step("indexes and statistics settled (VACUUM ANALYZE)")
    subjects = pick_subjects()
    summary = {
        "scale": scale,
        "seed": seed,
        "filled_at": timezone.now().replace(microsecond=0).isoformat(),
        "fill_seconds": round(progress.total, 1),
        "database": database_label(),
        "counts": row_counts(),
        **subjects,
    }
    write(f"Done in {progress.total:.0f} s.")
    return summary


def _make_members(rng, count, places, place_weights, now):
    User = get_user_model()
    password = make_password(PASSWORD)
    roles = rng.choices([Role.PEER, Role.RELATIVE, Role.BOTH], [60, 25, 15], k=count)
    members, users, profiles = [], [], []
    for index in range(count):
        # The first members are the most active; member 0 always takes part.
        active = index == 0 or rng.random() < 0.95
        home = None if rng.random() < 0.05 else rng.choices(places, cum_weights=place_weights)[0]
        members.append(_Member(index, roles[index], home and home[0], active))
        joined = now - datetime.timedelta(days=rng.uniform(30, 5 * 365))
        name = rng.choice(PSEUDONYMS if rng.random() < 0.2 else FIRST_NAMES)
        users.append(
            User(
                username=f"{USERNAME_PREFIX}{index:05d}",
                email=f"{USERNAME_PREFIX}{index:05d}@example.org",
                first_name=name,
                password=password,
                date_joined=joined,
                last_login=_between(rng, joined, now),
            )
        )
        profiles.append(
            MemberProfile(
                display_name=name,
                role=roles[index],
                home_place_id=home and home[0],
                house_rules_accepted_at=_between(rng, joined, now) if active else None,
                notify=rng.choices([Notify.AT_ONCE, Notify.DAILY, Notify.NEVER], [60, 30, 10])[0],
            )
        )
    users = _bulk(User, users)
    group, _created = Group.objects.get_or_create(name=app_settings.MEMBERS_GROUP)
    _bulk(
        User.groups.through, [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users]
    )
    for member, user, profile in zip(members, users, profiles, strict=True):
        member.pk = user.pk
        profile.user_id = user.pk
    with _NoAutoNow(MemberProfile):
        for profile, user in zip(profiles, users, strict=True):
            profile.created_at = user.date_joined
        _bulk(MemberProfile, profiles)
    return members


def _activity_weights(members):
    """How active each member is: a long tail, the first members the busiest."""
    return list(
        itertools.accumulate(1 / math.sqrt(m.index + 20) if m.active else 0 for m in members)
    )


def _starts_at(rng, now):
    """A year ago to three months ahead; fewer calls the further ahead."""
    if rng.random() < 365 / (365 + 45):
        day = now - datetime.timedelta(days=rng.uniform(0, 365))
    else:
        day = now + datetime.timedelta(days=90 * (1 - math.sqrt(rng.random())))
    local = timezone.localtime(day)
    minutes = rng.choice(range(10 * 60, 20 * 60 + 1, 15))
    return local.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)


def _make_calls(rng, count, members, places, place_weights, now):
    weights = _activity_weights(members)
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name, _t, _k in ACTIVITIES}
    place_names = {pk: name for pk, name, _p in places}
    audiences = {
        Role.PEER: ([Audience.PEERS, Audience.EVERYONE], [45, 55]),
        Role.RELATIVE: ([Audience.RELATIVES, Audience.EVERYONE], [40, 60]),
        Role.BOTH: ([Audience.PEERS, Audience.RELATIVES, Audience.EVERYONE], [20, 20, 60]),
    }
    calls = []
    for _ in range(count):
        organiser = members[rng.choices(range(len(members)), cum_weights=weights)[0]]
        if organiser.home_place_id and rng.random() < 0.7:
            place_id = organiser.home_place_id
        else:
            place_id = rng.choices(places, cum_weights=place_weights)[0][0]
        main = rng.choices(range(len(ACTIVITIES)), ACTIVITY_WEIGHTS)[0]
        activity, titles, kinds = ACTIVITIES[main]
        chosen = [activity]
        if rng.random() < 0.4:
            other = ACTIVITIES[rng.choices(range(len(ACTIVITIES)), ACTIVITY_WEIGHTS)[0]][0]
            if other != activity:
                chosen.append(other)
        if rng.random() < 0.1:
            starts_at = None
            created_at = now - datetime.timedelta(days=rng.uniform(0, 120))
        else:
            starts_at = _starts_at(rng, now)
            lead = datetime.timedelta(days=rng.triangular(1, 45, 10))
            created_at = min(starts_at - lead, now - HOUR)
        status, cancelled_at = CallStatus.OPEN, None
        roll = rng.random()
        if roll < 0.05:
            status = CallStatus.CANCELLED
            cancelled_at = _between(rng, created_at, min(starts_at or now, now))
        elif roll < 0.10:
            status = CallStatus.CLOSED
        call = Call(
            organiser_id=organiser.pk,
            title=rng.choice(titles).format(town=place_names[place_id]),
            description=" ".join(rng.sample(DESCRIPTIONS, rng.randint(1, 3))),
            audience=rng.choices(*audiences[organiser.role])[0],
            place_id=place_id,
            venue_kind=rng.choice(kinds) if rng.random() < 0.9 else VenueKind.OTHER,
            public_place_confirmed=True,
            meeting_point=rng.choice(MEETING_POINTS),
            starts_at=starts_at,
            duration_minutes=rng.choice([None, 30, 60, 90, 90, 120, 120, 180, 240]),
            recognition=rng.choice(RECOGNITION) if rng.random() < 0.6 else "",
            step_free=rng.random() < 0.4,
            quiet_place=rng.random() < 0.3,
            accessibility_notes=rng.choice(ACCESSIBILITY_NOTES) if rng.random() < 0.2 else "",
            may_leave_early=rng.random() < 0.9,
            capacity=rng.choices(range(2, 9), [10, 25, 30, 15, 10, 5, 5])[0],
            status=status,
            hidden=rng.random() < 0.005,
            created_at=created_at,
            updated_at=created_at,
            cancelled_at=cancelled_at,
        )
        call._organiser_index = organiser.index
        call._tags = chosen
        calls.append(call)
    # In the order they were posted, so ids grow with time as on a real board.
    calls.sort(key=lambda c: c.created_at)
    last_of = {}
    for start in range(0, len(calls), BATCH_SIZE):
        batch = calls[start : start + BATCH_SIZE]
        for call in batch:
            earlier = last_of.get(call.organiser_id)
            # "Organise again": some calls repeat the organiser's previous one.
            if earlier is not None and earlier.pk and rng.random() < 0.08:
                call.repeat_of_id = earlier.pk
            last_of[call.organiser_id] = call
        _bulk(Call, batch)
    _bulk(
        CallActivity,
        [CallActivity(content_object_id=c.pk, tag_id=tags[t].pk) for c in calls for t in c._tags],
    )
    return calls


def _sign_up_counts(rng, total, calls, now, cap):
    """How many sign-ups each call gets: a long tail, fewer for new or cancelled calls."""
    weights = []
    for call in calls:
        weight = rng.lognormvariate(0, 0.7)
        if now - call.created_at < 7 * DAY:
            weight *= 0.4
        if call.status == CallStatus.CANCELLED:
            weight *= 0.5
        weights.append(weight)
    counts = Counter(rng.choices(range(len(calls)), weights, k=total))
    overflow = 0
    for index, count in counts.items():
        if count > cap:
            overflow += count - cap
            counts[index] = cap
    while overflow:
        index = rng.randrange(len(calls))
        if counts[index] < cap:
            counts[index] += 1
            overflow -= 1
    return counts


def _fits(member, audience):
    if audience == Audience.PEERS:
        return member.role in (Role.PEER, Role.BOTH)
    if audience == Audience.RELATIVES:
        return member.role in (Role.RELATIVE, Role.BOTH)
    return True


def _registrants(rng, call, count, members, weights):
    """``count`` different members for ``call``: active, not its organiser, mostly fitting."""
    chosen, seen = [], {call._organiser_index}
    for _round in range(10):
        for index in rng.choices(range(len(members)), cum_weights=weights, k=2 * count + 5):
            if index not in seen and _fits(members[index], call.audience):
                seen.add(index)
                chosen.append(index)
                if len(chosen) == count:
                    return chosen
    # A small fill may run out of fitting members: anyone active will do.
    for index in rng.sample(range(len(members)), len(members)):
        if index not in seen and members[index].active:
            seen.add(index)
            chosen.append(index)
            if len(chosen) == count:
                break
    return chosen


def _make_registrations(rng, total, calls, members, now):
    weights = _activity_weights(members)
    active = sum(1 for m in members if m.active)
    counts = _sign_up_counts(rng, total, calls, now, min(SIGN_UPS_CAP, active - 1))
    registrations = []
    for index, call in enumerate(calls):
        call._accepted = []
        count = counts.get(index, 0)
        if not count:
            continue
        sign_up_end = min(t for t in (call.starts_at, call.cancelled_at, now) if t is not None)
        ahead = call.starts_at is None or call.starts_at > now
        times = sorted(_between(rng, call.created_at, sign_up_end) for _ in range(count))
        for member_index, signed_up in zip(
            _registrants(rng, call, count, members, weights), times, strict=True
        ):
            answered = min(signed_up + datetime.timedelta(hours=rng.uniform(1, 48)), sign_up_end)
            if ahead:
                status = rng.choices(
                    ["accepted", "pending", "declined", "withdrawn"], [45, 35, 7, 13]
                )[0]
            else:
                status = rng.choices(
                    ["accepted", "pending", "declined", "withdrawn"], [60, 15, 10, 15]
                )[0]
            if status == "accepted" and len(call._accepted) >= call.capacity:
                status = "pending" if ahead else "declined"
            registration = Registration(
                call_id=call.pk,
                member_id=members[member_index].pk,
                note=rng.choice(NOTES) if rng.random() < 0.3 else "",
                status=status,
                created_at=signed_up,
                updated_at=signed_up if status == "pending" else answered,
            )
            if status == RegistrationStatus.ACCEPTED:
                call._accepted.append((member_index, answered))
            registrations.append(registration)
    registrations = _bulk(Registration, registrations)
    # "Full" exactly when every place is taken, as the rules keep it.
    full = [c.pk for c in calls if c.status == CallStatus.OPEN and len(c._accepted) == c.capacity]
    for start in range(0, len(full), BATCH_SIZE):
        Call.objects.filter(pk__in=full[start : start + BATCH_SIZE]).update(status=CallStatus.FULL)
    full = set(full)
    for call in calls:
        if call.pk in full:
            call.status = CallStatus.FULL
    return registrations


def _call_threads(calls, now):
    """A conversation per meeting with accepted members (``sync_call_conversation``)."""
    threads = []
    for call in calls:
        if not call._accepted:
            continue
        accepted = sorted(call._accepted, key=lambda a: a[1])
        start = accepted[0][1]
        end = min(t for t in (call.starts_at, call.cancelled_at, now) if t is not None)
        threads.append(
            _Thread(
                kind=ConversationKind.CALL,
                # The organiser joins with the first accepted member, the others as accepted.
                members=[(call._organiser_index, start), *accepted],
                start=start,
                end=max(end, start),
                call=call,
                closed_at=call.cancelled_at,
            )
        )
    return threads


def _direct_threads(rng, count, members, now):
    weights = _activity_weights(members)
    threads, pairs = [], set()
    attempts = 0
    while len(threads) < count and attempts < 50 * count:
        attempts += 1
        first, second = rng.choices(range(len(members)), cum_weights=weights, k=2)
        pair = (min(first, second), max(first, second))
        if first == second or pair in pairs:
            continue
        pairs.add(pair)
        start = now - datetime.timedelta(days=365 * rng.random() ** 1.5)
        threads.append(
            _Thread(
                kind=ConversationKind.DIRECT,
                members=[(first, start), (second, start)],
                start=start,
                end=now,
                pair=pair,
            )
        )
    return threads


def _plan_messages(rng, threads, total, members, now):
    """Share ``total`` messages over the conversations, Zipf-like, and time them."""
    activity = [1 / math.sqrt(m.index + 20) for m in members]
    for thread in threads:
        busy = sum(activity[i] for i, _j in thread.members) / len(thread.members)
        thread.weight = rng.paretovariate(1.2) * busy
        # A direct conversation starts with its first message.
        thread.count = 1 if thread.kind == ConversationKind.DIRECT else 0
    remaining = total - sum(t.count for t in threads)
    if remaining < 0:
        for thread in threads[total:]:
            thread.count = 0
        remaining = 0
    while remaining > 0:
        open_threads = [t for t in threads if t.count < MESSAGES_CAP]
        for thread in rng.choices(open_threads, [t.weight for t in open_threads], k=remaining):
            thread.count += 1
        remaining = sum(max(t.count - MESSAGES_CAP, 0) for t in threads)
        for thread in threads:
            thread.count = min(thread.count, MESSAGES_CAP)
    for thread in threads:
        times = sorted(_between(rng, thread.start, thread.end) for _ in range(thread.count))
        if thread.kind == ConversationKind.DIRECT and times:
            times[0] = thread.start
        thread.times = times
        thread.senders = _senders(rng, thread, times)


def _senders(rng, thread, times):
    """Who wrote each message: members in it at the time; turns alternate more than not."""
    senders = []
    if thread.kind == ConversationKind.DIRECT:
        current = thread.members[0][0]
        other = thread.members[1][0]
        for position in range(len(times)):
            if position and rng.random() < 0.7:
                current, other = other, current
            senders.append(current)
        return senders
    for moment in times:
        present = [i for i, joined in thread.members if joined <= moment]
        # The organiser writes most.
        weights = [3 if i == thread.members[0][0] else 1 for i in present]
        senders.append(rng.choices(present, weights)[0])
    return senders


def _read_state(rng, thread, member_index, joined, now):
    """When the member last read the conversation, and whether they archived it."""
    sent = [t for t, s in zip(thread.times, thread.senders, strict=True) if s == member_index]
    last = thread.times[-1] if thread.times else None
    recent = last is not None and now - last < 14 * DAY
    roll = rng.random()
    if last is None:
        read = joined if roll < 0.5 else None
    elif roll < (0.35 if recent else 0.05):
        # Has not caught up: read up to some earlier message, or never opened it.
        position = rng.randrange(len(thread.times))
        read = thread.times[position] if position else None
    else:
        read = min(last + datetime.timedelta(minutes=rng.uniform(1, 600)), now)
    if sent and (read is None or read < sent[-1]):
        read = sent[-1]  # writing marks the conversation read
    archived = None
    if last is not None and read is not None and read >= last:
        chance = 0.3 if now - last > 30 * DAY else 0.03
        if rng.random() < chance:
            archived = min(last + datetime.timedelta(days=rng.uniform(0.1, 20)), now)
    return read, archived


def _save_conversations(rng, threads, members, now):
    conversations = []
    for thread in threads:
        conversation = Conversation(
            kind=thread.kind,
            call_id=thread.call.pk if thread.call else None,
            pair_key=(
                "{}:{}".format(*sorted(members[i].pk for i in thread.pair)) if thread.pair else None
            ),
            closed_at=thread.closed_at,
            created_at=thread.start,
            last_message_at=thread.times[-1] if thread.times else None,
        )
        thread.obj = conversation
        conversations.append(conversation)
    _bulk(Conversation, conversations)
    memberships = []
    for thread in threads:
        for member_index, joined in thread.members:
            read, archived = _read_state(rng, thread, member_index, joined, now)
            memberships.append(
                ConversationMember(
                    conversation_id=thread.obj.pk,
                    member_id=members[member_index].pk,
                    joined_at=joined,
                    last_read_at=read,
                    archived_at=archived,
                )
            )
    _bulk(ConversationMember, memberships)


def _body(rng):
    return " ".join(rng.sample(MESSAGE_SENTENCES, rng.choices([1, 2, 3, 4], [40, 35, 20, 5])[0]))


def _save_messages(rng, threads, members, progress):
    batch, sent, reported = [], 0, 0
    total = sum(t.count for t in threads)
    for thread in threads:
        for moment, sender in zip(thread.times, thread.senders, strict=True):
            batch.append(
                Message(
                    conversation_id=thread.obj.pk,
                    sender_id=members[sender].pk,
                    body=_body(rng),
                    created_at=moment,
                )
            )
            if len(batch) >= BATCH_SIZE:
                Message.objects.bulk_create(batch)
                sent += len(batch)
                batch = []
                if sent - reported >= 100_000:
                    reported = sent
                    progress.write(f"    {sent:,} of {total:,} messages")
    if batch:
        Message.objects.bulk_create(batch)
        sent += len(batch)
    return sent


def _make_blocks(rng, count, members, threads, now):
    """A few members block another; their direct conversation closes, as ``block`` does."""
    by_pair = {t.pair: t.obj for t in threads if t.pair}
    active = [m for m in members if m.active]
    made = set()
    for _ in range(count * 10):
        if len(made) == count or len(active) < 2:
            break
        blocker, blocked = rng.sample(active, 2)
        made.add((blocker.index, blocked.index))
    blocks = [Block(blocker_id=members[a].pk, blocked_id=members[b].pk) for a, b in sorted(made)]
    _bulk(Block, blocks)
    closed = [by_pair[p].pk for p in {(min(a, b), max(a, b)) for a, b in made} if p in by_pair]
    Conversation.objects.filter(pk__in=closed, closed_at__isnull=True).update(closed_at=now)
    return len(blocks)


def _settle(replaced):
    """Leave the database as autovacuum would in a while: fresh statistics and, on
    PostgreSQL, the visibility map that index-only scans need.

    A fill that replaced an earlier one also rebuilds the app's indexes on PostgreSQL:
    deleting the earlier fill leaves them about three times their size, which a
    database that grew over time does not have, and the planner then reads whole
    tables instead (a board page 4 ms slower on the second fill than on the first).
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        if replaced:
            tables = [
                name
                for name in connection.introspection.table_names(cursor)
                if name.startswith("wagtail_meetings_")
            ]
            for table in tables:
                cursor.execute(f"REINDEX TABLE {connection.ops.quote_name(table)}")
        # VACUUM cannot run inside a transaction (a test's, say): statistics only there.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


# --- What the measurements use ------------------------------------------------------------


def database_label():
    version = ".".join(str(part) for part in connection.get_database_version())
    name = connection.settings_dict["NAME"]
    return {"vendor": connection.vendor, "version": version, "name": str(name)}


def row_counts():
    return {
        "members": MemberProfile.objects.count(),
        "calls": Call.objects.count(),
        "sign-ups": Registration.objects.count(),
        "conversations": Conversation.objects.count(),
        "messages": Message.objects.count(),
    }


def pick_subjects(candidates=20):
    """A busy member, one of their calls with sign-ups, their busiest conversation.

    The busy member is among those in the most conversations, organises several
    calls that have sign-ups (three or more, when a small fill has such a member)
    and, where one exists, is in a conversation longer than the conversation page
    shows at once; the pages are measured as them.
    """
    users = bench_users()
    busiest = (
        ConversationMember.objects.filter(member__in=users, left_at__isnull=True)
        .values_list("member", flat=False)
        .annotate(conversations=Count("pk"))
        .order_by("-conversations", "member")[:candidates]
    )
    candidates = []
    for member_id, conversations in busiest:
        calls = (
            Call.objects.filter(organiser_id=member_id, hidden=False)
            .annotate(sign_ups=Count("registrations"))
            .filter(sign_ups__gt=0)
        )
        with_sign_ups = calls.count()
        if not with_sign_ups:
            continue
        conversation = (
            ConversationMember.objects.filter(member_id=member_id, left_at__isnull=True)
            .annotate(messages=Count("conversation__messages"))
            .order_by("-messages", "conversation_id")
            .first()
        )
        candidates.append((member_id, conversations, calls, with_sign_ups, conversation))
    if not candidates:
        raise FillError("No busy member found: has the database been filled?")

    def preference(candidate):
        several = candidate[3] >= 3
        return (several and candidate[4].messages > MESSAGES_SHOWN, several)

    # The first of the most preferred, in the order of the most conversations.
    member_id, conversations, calls, _count, conversation = max(candidates, key=preference)
    now = timezone.now()
    call = (
        calls.filter(Q(starts_at__isnull=True) | Q(starts_at__gte=now))
        .order_by("-sign_ups", "pk")
        .first()
    ) or calls.order_by("-sign_ups", "pk").first()
    member = get_user_model().objects.get(pk=member_id)
    return {
        "member_id": member.pk,
        "member_username": member.username,
        "member_conversations": conversations,
        "member_calls": calls.count(),
        "call_id": call.pk,
        "call_sign_ups": call.sign_ups,
        "conversation_id": conversation.conversation_id,
        "conversation_messages": conversation.messages,
    }
