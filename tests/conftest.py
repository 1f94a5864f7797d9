import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import call_command
from wagtail.models import Page, Site

from example_site.home.models import HomePage, StandardPage
from wagtail_meetings.models import InboxPage, MeetingsBoardPage, MemberProfile, Place

from .utils import make_call, make_member


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the Dutch towns once for the whole run."""
    with django_db_blocker.unblock():
        if not Place.objects.exists():
            call_command("meetings_load_places", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rate-limit counts are keyed by user id, and ids come back in the next test."""
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def members_group(db):
    return Group.objects.get_or_create(name="Members")[0]


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
    home = HomePage(title="Home", slug="home-test")
    root.add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "testserver", "port": 80, "root_page": home},
    )
    return home


@pytest.fixture
def members_area(home):
    """The ordinary page under which the board and the inbox live."""
    area = StandardPage(title="Members", slug="members")
    home.add_child(instance=area)
    return area


@pytest.fixture
def board(members_area):
    board = MeetingsBoardPage(
        title="Board",
        slug="board",
        intro="<p>Meet other members.</p>",
        house_rules="<p>Be kind. Meet in public places.</p>",
        safety_tips="<p>Tell someone where you go.</p>",
        suggested_activities="walk\ncoffee\nmuseum",
        default_capacity=4,
    )
    members_area.add_child(instance=board)
    return board


@pytest.fixture
def inbox(members_area):
    inbox = InboxPage(title="Messages", slug="messages")
    members_area.add_child(instance=inbox)
    return inbox


@pytest.fixture
def utrecht(db):
    return Place.objects.get(name="Utrecht")


@pytest.fixture
def member(members_group):
    return make_member("member", "Mira")


@pytest.fixture
def organiser(members_group):
    return make_member("organiser", "Otto")


@pytest.fixture
def outsider(db):
    """Logged in, but not a member of the association."""
    return User.objects.create_user("outsider", password="x")


@pytest.fixture
def newcomer(members_group):
    """A member who has not accepted the house rules yet."""
    user = User.objects.create_user("newcomer", password="x")
    user.groups.add(members_group)
    return user


@pytest.fixture
def editor(db):
    return User.objects.create_superuser("editor", "editor@example.org", "x")


@pytest.fixture
def call(organiser, utrecht):
    return make_call(organiser=organiser, place=utrecht)


@pytest.fixture
def profile_of():
    return lambda user: MemberProfile.objects.get(user=user)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the code queues for after the commit (the e-mail tasks), as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
