"""The board's listing index: covering where the database can, silent where it cannot."""

import pytest
from django.core import checks
from django.db import connection

from wagtail_meetings.models import Call

LISTING_KEYS = ["hidden", "awaiting_approval", "status", "starts_at"]


@pytest.mark.django_db
def test_no_database_warning_for_the_listing_index():
    # Django's own ``include=`` would print models.W040 on SQLite at every migrate.
    messages = checks.run_checks(databases=["default"])
    assert [m.id for m in messages if m.id.startswith("models.")] == []
    assert Call.check(databases=["default"]) == []


@pytest.mark.django_db
def test_listing_index_exists_with_its_keys_and_covers_on_postgresql():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Call._meta.db_table)
    assert constraints["meetings_call_listing"]["columns"][: len(LISTING_KEYS)] == LISTING_KEYS
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["meetings_call_listing"]
            )
            (definition,) = cursor.fetchone()
        assert "INCLUDE (audience, place_id, organiser_id)" in definition
    else:
        assert constraints["meetings_call_listing"]["columns"] == LISTING_KEYS


def test_the_index_deconstructs_with_its_covering_columns():
    index = next(i for i in Call._meta.indexes if i.name == "meetings_call_listing")
    path, args, kwargs = index.deconstruct()
    assert path == "wagtail_meetings.models.indexes.CoveringIndex"
    assert kwargs["covering"] == ("audience", "place", "organiser")
    assert "include" not in kwargs
