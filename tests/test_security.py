"""The example site's own protection: login lockout, Content Security Policy, deployment.

The app's templates must work under the site's strict policy: no inline scripts, styles
or event handlers anywhere. The Wagtail admin gets its relaxed directives only under its
own path. The production settings pass ``check --deploy`` without a warning.
"""

import datetime
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import F
from django.test import Client

from wagtail_meetings.models import InboxPage, MeetingsBoardPage

from .utils import board_url, inbox_url, page_routes

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIRS = [
    REPO_ROOT / "wagtail_meetings" / "templates",
    REPO_ROOT / "example_site" / "templates",
]

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(response):
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


# --------------------------------------------------------------------------
# Login: five failures lock the username out from that address for an hour.
# --------------------------------------------------------------------------

PASSWORD = "a-long-and-right-password"
LOCKED = "Logging in is paused"


@pytest.fixture
def anna(db):
    return User.objects.create_user("anna", password=PASSWORD)


def log_in(client, password, username="anna", path="/accounts/login/"):
    return client.post(path, {"username": username, "password": password, "next": "/"})


def logged_in(client):
    return "_auth_user_id" in client.session


def test_the_login_form_still_logs_in(anna):
    client = Client()
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_five_failed_logins_lock_the_account_out(anna):
    client = Client()
    for _attempt in range(4):
        response = log_in(client, "wrong")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    response = log_in(client, "wrong")
    assert response.status_code == 429
    content = response.content.decode()
    assert LOCKED in content
    assert "paused for an hour" in content
    assert "Please try again later." in content
    assert "anna" not in content
    assert directives(response) == STRICT

    # The right password does not help during the pause ...
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not logged_in(client)

    # ... nor does waiting less than an hour (trying again does not extend the pause) ...
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=50))
    assert log_in(client, PASSWORD).status_code == 429
    assert not logged_in(client)

    # ... but after the hour, it works.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=11))
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_lockout_is_per_username_and_address(anna):
    User.objects.create_user("bram", password=PASSWORD)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _attempt in range(5):
        log_in(attacker, "wrong")
    assert log_in(attacker, PASSWORD).status_code == 429
    # Anna, from her own address, is not locked out by someone else's guesses ...
    anna_client = Client(REMOTE_ADDR="198.51.100.20")
    assert log_in(anna_client, PASSWORD).status_code == 302
    # ... and another member logs in from the attacker's address as usual.
    assert log_in(Client(REMOTE_ADDR="203.0.113.7"), PASSWORD, username="bram").status_code == 302


def test_an_unknown_username_is_locked_out_the_same_way(db):
    client = Client()
    for _attempt in range(5):
        response = log_in(client, "wrong", username="nobody")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_a_success_clears_the_failures(anna):
    client = Client()
    for _attempt in range(4):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        assert log_in(client, "wrong").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


def test_the_wagtail_admin_login_is_protected_too(db):
    User.objects.create_superuser("redacteur", "r@example.org", PASSWORD)
    client = Client()
    for _attempt in range(5):
        response = log_in(client, "wrong", username="redacteur", path="/admin/login/")
    assert response.status_code == 429
    assert log_in(client, PASSWORD, username="redacteur", path="/admin/login/").status_code == 429


def test_successful_logins_are_not_recorded(anna):
    from axes.models import AccessLog

    log_in(Client(), PASSWORD)
    assert AccessLog.objects.count() == 0


# --------------------------------------------------------------------------
# Content Security Policy.
# --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/search/?q=wandelen", "/nowhere/"])
def test_site_pages_carry_the_strict_policy(home, path):
    response = Client().get(path)
    assert response.status_code in (200, 404)
    assert directives(response) == STRICT


def test_the_admin_gets_its_relaxed_directives_only_under_its_path(editor, board):
    client = Client()
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    admin = directives(response)
    assert "'unsafe-inline'" in admin["script-src"]
    assert "'unsafe-inline'" in admin["style-src"]
    assert admin["frame-ancestors"] == "'self'"
    # What the admin does not need relaxed stays as strict as the site's.
    for name in ("default-src", "object-src", "base-uri", "form-action"):
        assert admin[name] == STRICT[name]
    # The same editor on the site: the strict policy.
    assert directives(client.get("/")) == STRICT
    assert directives(client.get(board.url)) == STRICT


def test_the_policy_settings_are_django_csp_4s():
    policy = settings.CONTENT_SECURITY_POLICY
    assert set(policy) == {"DIRECTIVES"}
    assert "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE
    assert "example_site.middleware.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE
    assert not [name for name in dir(settings) if name.startswith("CSP_")]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["'{]""", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def templates():
    found = sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))
    assert len(found) > 30
    return found


@pytest.mark.parametrize("path", templates(), ids=lambda path: str(path.relative_to(REPO_ROOT)))
def test_no_inline_script_or_style_in_templates(path):
    source = path.read_text()
    for name, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("event handler attribute", EVENT_HANDLER),
        ("javascript: URL", JAVASCRIPT_URL),
    ):
        assert not pattern.search(source), f"{name} in {path}"


class InlineFinder(HTMLParser):
    """What a strict policy would block in a rendered page."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"style attribute on <{tag}>")
        self.found += [f"{name} on <{tag}>" for name in names if name.startswith("on")]
        for name, value in attrs:
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name}")


@pytest.fixture
def member_pages(board, inbox, member, call):
    from wagtail_meetings.messaging import start_direct

    from .utils import register

    register(call, member, status="accepted", note="See you there")
    thread, message = start_direct(member, call.organiser, "Hello, see you on Saturday.")
    ids = {
        "call_id": call.pk,
        "registration_id": call.registrations.get().pk,
        "conversation_id": thread.pk,
        "member_id": call.organiser_id,
        "message_id": message.pk,
        # A moderator's notice that is nobody's: a 404 like any other.
        "notice_id": 1,
    }
    urls = []
    for name, params in page_routes(MeetingsBoardPage):
        urls.append(board_url(board, name, *[ids[p] for p in params]))
    for name, params in page_routes(InboxPage):
        urls.append(inbox_url(inbox, name, *[ids[p] for p in params]))
    return urls


def test_member_pages_render_nothing_a_strict_policy_blocks(member, organiser, member_pages):
    rendered = 0
    for user in (member, organiser):
        client = Client()
        client.force_login(user)
        for url in member_pages:
            response = client.get(url)
            assert directives(response) == STRICT, url
            if response.status_code == 200 and "text/html" in response["Content-Type"]:
                finder = InlineFinder()
                finder.feed(response.content.decode())
                assert finder.found == [], (url, finder.found)
                rendered += 1
    assert rendered >= 20


# --------------------------------------------------------------------------
# Deployment.
# --------------------------------------------------------------------------

DEPLOY_CHECK = (
    "import django; django.setup(); "
    "from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def run_deploy_check(settings_module, tmp_path, **extra_env):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MEETINGS_TEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="leden.vereniging.example",
        EXAMPLE_SITE_DB=str(tmp_path / "db.sqlite3"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        **extra_env,
    )
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", DEPLOY_CHECK],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_deploy_check(
        "example_site.settings.production", tmp_path, DJANGO_REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_deploy_check_asks_for_a_shared_cache_for_the_rate_limits(tmp_path):
    result = run_deploy_check("example_site.settings.production", tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "wagtail_meetings.W003" in output
    assert "(LocMemCache) is not shared between web processes" in output


def test_the_deploy_check_does_find_problems(tmp_path):
    """The control: the development settings are not fit for production."""
    result = run_deploy_check("example_site.settings.dev", tmp_path)
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG is on
