import datetime

from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from wagtail_meetings.models import Call, MemberProfile, Place, Registration


def make_member(username, display_name=None, role="peer", accepted_rules=True):
    user = User.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get_or_create(name="Members")[0])
    MemberProfile.objects.create(
        user=user,
        display_name=display_name or username.title(),
        role=role,
        house_rules_accepted_at=timezone.now() if accepted_rules else None,
    )
    return user


def make_call(**kwargs):
    activities = kwargs.pop("activities", ["walk"])
    kwargs.setdefault("title", "A walk in the park")
    kwargs.setdefault("description", "Let us walk for an hour.")
    kwargs.setdefault("audience", "everyone")
    kwargs.setdefault("venue_kind", "nature")
    kwargs.setdefault("public_place_confirmed", True)
    kwargs.setdefault("meeting_point", "Main entrance of Wilhelminapark")
    kwargs.setdefault("starts_at", timezone.now() + datetime.timedelta(days=7))
    kwargs.setdefault("capacity", 3)
    if "place" not in kwargs:
        kwargs["place"] = Place.objects.get(name="Utrecht")
    if "organiser" not in kwargs:
        kwargs["organiser"] = make_member(f"organiser{Call.objects.count()}")
    call = Call(**kwargs)
    call.activities.set(activities)
    call.save()
    return call


def register(call, member, status="pending", note=""):
    return Registration.objects.create(call=call, member=member, status=status, note=note)


def board_url(board, name="list", *args):
    return board.url + board.reverse_subpage(name, args=args)


def inbox_url(inbox, name="inbox", *args):
    return inbox.url + inbox.reverse_subpage(name, args=args)


def call_form_data(**overrides):
    date = timezone.localtime() + datetime.timedelta(days=10)
    data = {
        "title": "Coffee at the station",
        "description": "A quiet coffee.\nAnyone welcome.",
        "activities": ["coffee"],
        "other_activities": "",
        "audience": "everyone",
        "place": "Utrecht",
        "venue_kind": "cafe",
        "meeting_point": "Café at platform 5",
        "public_place_confirmed": "on",
        "date_mode": "fixed",
        "date": date.date().isoformat(),
        "time": "14:00",
        "duration_minutes": "60",
        "recognition": "",
        "accessibility_notes": "",
        "may_leave_early": "on",
        "capacity": "4",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def page_routes(page_class):
    """``(name, parameter names)`` of every route of a routable page type.

    Read from the page type itself, so that a route added later is covered too.
    RoutablePageMixin's own ``index_route`` is left out: the app's "" route shadows it.
    """
    return [
        (pattern.name, list(pattern.pattern.converters))
        for pattern in page_class.get_subpage_urls()
        if pattern.name != "index_route"
    ]


def client_for(user, **kwargs):
    """A test client logged in as ``user``; anonymous for ``None``."""
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def with_email(user, address=None):
    """Give ``user`` an e-mail address, so that notifications reach them."""
    user.email = address or f"{user.username}@example.org"
    user.save()
    return user
