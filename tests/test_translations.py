"""Dutch ships complete: every message translated, the catalogue up to date, the .mo compiled.

Each check runs for the app's catalogue and for the example site's. The checks are
plain functions over a catalogue on disk, so the ``*_notices_*`` tests at the end
can show that each one fails on a broken copy.
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale", "nl", "LC_MESSAGES", "django.po")

# (name, the folder whose sources feed the catalogue, where `makemessages` runs)
SOURCES = {
    "wagtail_meetings": ROOT / "wagtail_meetings",
    "example_site": ROOT / "example_site",
}

# What a copy of a source folder leaves out: caches, and the example site's database.
COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.py[cod]", "*.sqlite3*", "media")

GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge")

# printf-style conversions: %(name)s, %s, %5.2f, %% ...
PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)
NAMED_PRINTF = re.compile(r"%\((?P<name>[^)]*)\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
# {{ variable }} of a Django template, and {name} / {0} / {} of str.format.
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*(?P<name>[^{}]*?)\s*\}\}")
FORMAT_FIELD = re.compile(r"(?<!\{)\{(?P<name>[\w.\[\]]*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


@pytest.fixture(params=sorted(SOURCES), ids=sorted(SOURCES))
def source(request):
    return SOURCES[request.param]


def placeholders(text, python_format):
    """What a translation must keep of a message: its variables, as a comparable value."""
    found = Counter()
    if python_format:
        positional = []
        for match in PRINTF.finditer(text):
            if match["type"] == "%":
                continue
            if match["name"] is not None:
                found["%(" + match["name"] + ")"] += 1
            else:
                positional.append("%" + match["type"])
        # Positional conversions are filled in order: the order must be kept too.
        found[" ".join(["positional:", *positional])] = 1 if positional else 0
    else:
        # No python-format flag: a lone "%" is just text, but %(name)s is still a variable.
        for match in NAMED_PRINTF.finditer(text):
            found["%(" + match["name"] + ")"] += 1
    without_template_variables = TEMPLATE_VARIABLE.sub("", text)
    for match in TEMPLATE_VARIABLE.finditer(text):
        found["{{" + match["name"] + "}}"] += 1
    for match in FORMAT_FIELD.finditer(without_template_variables):
        found["{" + match["name"] + "}"] += 1
    # Named variables may be repeated or reordered in a translation; their set must match.
    return {key for key, count in found.items() if count}


def completeness_problems(po_path):
    """Untranslated, fuzzy and obsolete entries, and translations that lose a variable."""
    po = polib.pofile(str(po_path))
    problems = []
    if po.metadata_is_fuzzy:
        problems.append("the header is marked fuzzy")
    for entry in po.untranslated_entries():
        problems.append(f"untranslated: {entry.msgid!r}")
    for entry in po.fuzzy_entries():
        problems.append(f"fuzzy: {entry.msgid!r}")
    for entry in po.obsolete_entries():
        problems.append(f"obsolete: {entry.msgid!r}")
    for entry in po:
        if entry.obsolete or not entry.translated():
            continue
        python_format = "python-format" in entry.flags
        if entry.msgid_plural:
            # Form 0 is the singular; the other forms follow msgid_plural.
            for index, msgstr in sorted(entry.msgstr_plural.items()):
                original = entry.msgid if int(index) == 0 else entry.msgid_plural
                expected = placeholders(original, python_format)
                if placeholders(msgstr, python_format) != expected:
                    problems.append(
                        f"variables differ in msgstr[{index}] of {entry.msgid!r}: "
                        f"{msgstr!r} should use {sorted(expected)}"
                    )
        else:
            expected = placeholders(entry.msgid, python_format)
            if placeholders(entry.msgstr, python_format) != expected:
                problems.append(
                    f"variables differ in the translation of {entry.msgid!r}: "
                    f"{entry.msgstr!r} should use {sorted(expected)}"
                )
    return problems


def message_keys(po_path):
    """The messages of a catalogue: (context, msgid, msgid_plural) of each live entry."""
    po = polib.pofile(str(po_path))
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in po if not entry.obsolete}


def staleness_problems(shipped_keys, source_keys):
    missing = sorted(source_keys - shipped_keys, key=str)
    stale = sorted(shipped_keys - source_keys, key=str)
    return [f"in the sources but not in the .po: {key!r}" for key in missing] + [
        f"in the .po but no longer in the sources: {key!r}" for key in stale
    ]


def require_gettext():
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = (
        f"GNU gettext is not installed ({', '.join(missing)} not found): `makemessages` "
        "cannot extract the messages to compare (apt-get install gettext)."
    )
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true: " + reason)
    pytest.skip(reason)


def extract_messages(source_dir, tmp_path):
    """Run `makemessages -l nl --no-obsolete` in a copy of source_dir; return the new .po."""
    copy = tmp_path / source_dir.name
    shutil.copytree(source_dir, copy, ignore=COPY_IGNORE)
    env = dict(os.environ)
    # Without settings, makemessages writes to ./locale of the folder it runs in,
    # exactly as `make messages` does; the test settings would point elsewhere.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-m", "django", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    return copy / CATALOGUE


def catalogue_of(mo_path):
    """What gettext reads from a .mo file: every message, plural forms, the header."""
    with open(mo_path, "rb") as handle:
        translations = gettext.GNUTranslations(handle)
    header = dict(translations._info)
    # GNU msgfmt leaves POT-Creation-Date out of the .mo (so that builds are
    # reproducible); polib keeps it. It is the only field allowed to differ.
    header.pop("pot-creation-date", None)
    return translations._catalog, header, translations.plural


def compiled_differences(po_path, mo_path, tmp_path):
    """How the shipped .mo differs from what compiling the .po gives."""
    fresh = tmp_path / "fresh.mo"
    polib.pofile(str(po_path)).save_as_mofile(str(fresh))
    shipped_catalog, shipped_info, shipped_plural = catalogue_of(mo_path)
    fresh_catalog, fresh_info, fresh_plural = catalogue_of(fresh)
    differences = []
    for key in sorted(shipped_catalog.keys() | fresh_catalog.keys(), key=repr):
        if key == "":
            continue  # the header: compared field by field below (from _info)
        if key not in fresh_catalog:
            differences.append(f"only in the .mo: {key!r}")
        elif key not in shipped_catalog:
            differences.append(f"missing from the .mo: {key!r}")
        elif shipped_catalog[key] != fresh_catalog[key]:
            differences.append(
                f"{key!r}: the .mo says {shipped_catalog[key]!r}, "
                f"the .po says {fresh_catalog[key]!r}"
            )
    if shipped_info != fresh_info:
        differences.append(f"header: the .mo has {shipped_info!r}, the .po {fresh_info!r}")
    for n in range(30):
        if shipped_plural(n) != fresh_plural(n):
            differences.append(f"plural form for n={n} differs")
            break
    return differences


# --- the checks ---------------------------------------------------------------


def test_every_message_has_a_dutch_translation(source):
    problems = completeness_problems(source / CATALOGUE)
    assert not problems, f"{source.name}: the Dutch catalogue is incomplete:\n" + "\n".join(
        problems
    )


def test_the_catalogue_is_up_to_date_with_the_sources(source, tmp_path):
    require_gettext()
    extracted = extract_messages(source, tmp_path)
    problems = staleness_problems(message_keys(source / CATALOGUE), message_keys(extracted))
    assert not problems, (
        f"{source.name}: the Dutch catalogue is out of date; run `make messages`, "
        "translate, and commit the .po and .mo:\n" + "\n".join(problems)
    )


def test_the_mo_file_is_the_compiled_po_file(source, tmp_path):
    po_path = source / CATALOGUE
    differences = compiled_differences(po_path, po_path.with_suffix(".mo"), tmp_path)
    assert not differences, (
        f"{source.name}: django.mo is not the compiled django.po; run "
        "`django-admin compilemessages -l nl` in that folder:\n" + "\n".join(differences)
    )


# --- the checks can fail ------------------------------------------------------


def broken_copy(tmp_path, source_dir, extra_entries):
    """A copy of the catalogue (.po and .mo) with extra entries added to the .po only."""
    po_path = tmp_path / "django.po"
    po = polib.pofile(str(source_dir / CATALOGUE))
    for entry in extra_entries:
        po.append(entry)
    po.save(str(po_path))
    shutil.copy(source_dir / CATALOGUE.with_suffix(".mo"), tmp_path / "django.mo")
    return po_path


def test_the_completeness_check_notices_a_missing_or_doubtful_translation(tmp_path):
    po_path = broken_copy(
        tmp_path,
        SOURCES["wagtail_meetings"],
        [
            polib.POEntry(msgid="A dummy message nobody translated", msgstr=""),
            polib.POEntry(msgid="A guess", msgstr="Een gok", flags=["fuzzy"]),
            polib.POEntry(msgid="Gone", msgstr="Weg", obsolete=True),
            polib.POEntry(msgid="Hello %(name)s", msgstr="Hallo %(naam)s", flags=["python-format"]),
            polib.POEntry(
                msgid="%(counter)s item",
                msgid_plural="%(counter)s items",
                msgstr_plural={0: "één ding", 1: ""},
                flags=["python-format"],
            ),
            polib.POEntry(msgid="Dear {name}", msgstr="Beste {naam}"),
            polib.POEntry(msgid="%s of %d", msgstr="%d van %s", flags=["python-format"]),
        ],
    )
    problems = "\n".join(completeness_problems(po_path))
    assert "untranslated: 'A dummy message nobody translated'" in problems
    assert "untranslated: '%(counter)s item'" in problems
    assert "fuzzy: 'A guess'" in problems
    assert "obsolete: 'Gone'" in problems
    assert "of 'Hello %(name)s'" in problems
    assert "of 'Dear {name}'" in problems
    assert "of '%s of %d'" in problems


def test_the_placeholder_check_accepts_what_translators_may_do():
    assert placeholders("%(n)s of %(m)s", True) == placeholders("%(m)s van %(n)s", True)
    assert placeholders("100% sure", False) == placeholders("100% zeker", False)
    assert placeholders("50%% off", True) == placeholders("50%% korting", True)
    assert placeholders("{{ name }} wrote", False) == placeholders("{{name}} schreef", False)


def test_the_freshness_check_notices_new_and_removed_messages():
    shipped = {(None, "Kept", ""), (None, "Removed from the code", "")}
    extracted = {(None, "Kept", ""), ("menu", "New in the code", "")}
    problems = "\n".join(staleness_problems(shipped, extracted))
    assert "in the sources but not in the .po: ('menu', 'New in the code', '')" in problems
    assert "in the .po but no longer in the sources: (None, 'Removed from the code', '')" in (
        problems
    )
    assert not staleness_problems(shipped, shipped)


def test_the_mo_check_notices_a_po_that_was_not_compiled(tmp_path):
    po_path = broken_copy(
        tmp_path,
        SOURCES["wagtail_meetings"],
        [
            polib.POEntry(msgid="Added after compiling", msgstr="Na het compileren toegevoegd"),
            polib.POEntry(
                msgid="%(counter)s new thing",
                msgid_plural="%(counter)s new things",
                msgstr_plural={0: "%(counter)s nieuw ding", 1: "%(counter)s nieuwe dingen"},
                flags=["python-format"],
            ),
        ],
    )
    differences = "\n".join(compiled_differences(po_path, po_path.with_suffix(".mo"), tmp_path))
    assert "missing from the .mo: 'Added after compiling'" in differences
    assert "missing from the .mo: ('%(counter)s new thing', 1)" in differences
