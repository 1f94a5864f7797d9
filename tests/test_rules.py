"""The domain rules of signing up and organising, called directly (DESIGN §3.4, §3.6)."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from wagtail_meetings import rules
from wagtail_meetings.forms import CallForm
from wagtail_meetings.models import Call, CallStatus, Place, Registration, RegistrationStatus
from wagtail_meetings.rules import CALL_TRANSITIONS, REGISTRATION_TRANSITIONS, RuleError

from .utils import call_form_data, make_call, make_member, register

pytestmark = pytest.mark.django_db

R = RegistrationStatus
C = CallStatus


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def statuses_of(call):
    return sorted(call.registrations.values_list("status", flat=True))


# --- the transition tables -------------------------------------------------------


def test_registration_transition_table_is_the_designed_one():
    designed = {
        R.PENDING: {R.ACCEPTED, R.DECLINED, R.WITHDRAWN},
        R.ACCEPTED: {R.WITHDRAWN, R.DECLINED},
        R.DECLINED: set(),
        R.WITHDRAWN: {R.PENDING},
    }
    assert designed == REGISTRATION_TRANSITIONS


def test_call_transition_table_is_the_designed_one():
    designed = {
        C.OPEN: {C.FULL, C.CLOSED, C.CANCELLED},
        C.FULL: {C.OPEN, C.CLOSED, C.CANCELLED},
        C.CLOSED: {C.OPEN, C.FULL, C.CANCELLED},
        C.CANCELLED: set(),
    }
    assert designed == CALL_TRANSITIONS
    # "past" is computed from the date, never stored, so nothing moves a call there.
    assert all(C.PAST not in targets for targets in CALL_TRANSITIONS.values())


REGISTRATION_PAIRS = [(a, b) for a in R.values for b in R.values]


@pytest.mark.parametrize(("current", "wanted"), REGISTRATION_PAIRS)
def test_every_registration_transition_is_allowed_or_refused(call, member, current, wanted):
    registration = register(call, member, status=current)
    if wanted in REGISTRATION_TRANSITIONS[current]:
        rules._move_registration(registration, wanted)
        assert reload(registration).status == wanted
    else:
        with pytest.raises(RuleError) as refused:
            rules._move_registration(registration, wanted)
        assert str(refused.value.message) == "This sign-up cannot be changed that way any more."
        assert reload(registration).status == current


CALL_PAIRS = [(a, b) for a in CALL_TRANSITIONS for b in C.values]


@pytest.mark.parametrize(("current", "wanted"), CALL_PAIRS)
def test_every_call_transition_is_allowed_or_refused(organiser, utrecht, current, wanted):
    call = make_call(organiser=organiser, place=utrecht, status=current)
    if wanted in CALL_TRANSITIONS[current]:
        rules._move_call(call, wanted)
        assert reload(call).status == wanted
    else:
        with pytest.raises(RuleError) as refused:
            rules._move_call(call, wanted)
        assert str(refused.value.message) == "This call cannot be changed that way any more."
        assert reload(call).status == current


# The public rules, one allowed registration transition each.


def test_pending_to_accepted_by_accept(call, member):
    registration = register(call, member)
    assert rules.accept(registration).status == R.ACCEPTED
    assert reload(registration).status == R.ACCEPTED


def test_pending_to_declined_by_decline(call, member):
    registration = register(call, member)
    rules.decline(registration)
    assert reload(registration).status == R.DECLINED


def test_pending_to_withdrawn_by_withdraw(call, member):
    registration = register(call, member)
    rules.withdraw(call, member)
    assert reload(registration).status == R.WITHDRAWN


def test_accepted_to_withdrawn_by_withdraw(call, member):
    registration = register(call, member, status=R.ACCEPTED)
    rules.withdraw(call, member)
    assert reload(registration).status == R.WITHDRAWN


def test_accepted_to_declined_by_decline(call, member):
    registration = register(call, member, status=R.ACCEPTED)
    rules.decline(registration)
    assert reload(registration).status == R.DECLINED


def test_withdrawn_to_pending_by_signing_up_again(call, member):
    registration = register(call, member, note="old note")
    rules.withdraw(call, member)
    again = rules.sign_up(call, member, note="new note")
    assert again.pk == registration.pk
    stored = reload(registration)
    assert stored.status == R.PENDING
    assert stored.note == "new note"
    assert call.registrations.count() == 1


# ... and the refused ones.


def test_declined_cannot_be_accepted(call, member):
    registration = register(call, member, status=R.DECLINED)
    with pytest.raises(RuleError) as refused:
        rules.accept(registration)
    assert str(refused.value.message) == "This member is no longer signed up."
    assert reload(registration).status == R.DECLINED


def test_withdrawn_cannot_be_accepted(call, member):
    registration = register(call, member, status=R.WITHDRAWN)
    with pytest.raises(RuleError, match="no longer signed up"):
        rules.accept(registration)
    assert reload(registration).status == R.WITHDRAWN


def test_withdrawn_cannot_be_declined(call, member):
    registration = register(call, member, status=R.WITHDRAWN)
    with pytest.raises(RuleError, match="no longer signed up"):
        rules.decline(registration)
    assert reload(registration).status == R.WITHDRAWN


def test_declined_member_cannot_sign_up_again(call, member):
    registration = register(call, member, status=R.DECLINED)
    with pytest.raises(RuleError) as refused:
        rules.sign_up(call, member)
    assert str(refused.value.message) == "The organiser could not take you along this time."
    assert reload(registration).status == R.DECLINED
    assert call.registrations.count() == 1


def test_withdrawing_a_declined_sign_up_leaves_it_declined(call, member):
    registration = register(call, member, status=R.DECLINED)
    rules.withdraw(call, member)
    assert reload(registration).status == R.DECLINED


def test_declining_twice_is_harmless(call, member):
    registration = register(call, member)
    rules.decline(registration)
    rules.decline(registration)
    assert statuses_of(call) == [R.DECLINED]


def test_withdrawing_twice_is_harmless(call, member):
    register(call, member)
    rules.withdraw(call, member)
    rules.withdraw(call, member)
    assert statuses_of(call) == [R.WITHDRAWN]


def test_withdrawing_without_a_sign_up_changes_nothing(call, member):
    assert rules.withdraw(call, member) is None
    assert call.registrations.count() == 0


# --- signing up ------------------------------------------------------------------


def test_sign_up_creates_a_pending_registration_with_the_note(call, member):
    registration = rules.sign_up(call, member, note="I may be a bit late.")
    stored = Registration.objects.get(call=call, member=member)
    assert stored.pk == registration.pk
    assert stored.status == R.PENDING
    assert stored.note == "I may be a bit late."


def test_signing_up_twice_returns_the_same_registration(call, member):
    first = rules.sign_up(call, member, note="first")
    second = rules.sign_up(call, member, note="second")
    assert first.pk == second.pk
    assert Registration.objects.filter(call=call, member=member).count() == 1
    assert reload(first).note == "first"


def test_signing_up_again_when_accepted_keeps_the_place(call, member):
    registration = register(call, member, status=R.ACCEPTED)
    assert rules.sign_up(call, member).pk == registration.pk
    assert reload(registration).status == R.ACCEPTED


def test_sign_up_for_own_call_is_refused(call, organiser):
    with pytest.raises(RuleError) as refused:
        rules.sign_up(call, organiser)
    assert str(refused.value.message) == "This is your own call."
    assert not call.registrations.exists()


def test_sign_up_for_past_call_is_refused(organiser, member, utrecht):
    call = make_call(
        organiser=organiser,
        place=utrecht,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    with pytest.raises(RuleError) as refused:
        rules.sign_up(call, member)
    assert str(refused.value.message) == "This meeting has already taken place."
    assert not call.registrations.exists()


def test_sign_up_for_closed_call_is_refused(call, member):
    rules.close(call)
    with pytest.raises(RuleError) as refused:
        rules.sign_up(call, member)
    assert str(refused.value.message) == "The organiser has closed sign-ups for this meeting."
    assert not call.registrations.exists()


def test_sign_up_for_cancelled_call_is_refused(call, member):
    rules.cancel(call)
    with pytest.raises(RuleError) as refused:
        rules.sign_up(call, member)
    assert str(refused.value.message) == "This meeting has been cancelled."
    assert not call.registrations.exists()


def test_sign_up_for_hidden_call_is_refused(organiser, member, utrecht):
    call = make_call(organiser=organiser, place=utrecht, hidden=True)
    with pytest.raises(RuleError) as refused:
        rules.sign_up(call, member)
    assert str(refused.value.message) == "This call is not available."
    assert not call.registrations.exists()


def test_signing_up_again_after_withdrawing_is_refused_once_closed(call, member):
    register(call, member, status=R.WITHDRAWN)
    rules.close(call)
    with pytest.raises(RuleError, match="closed sign-ups"):
        rules.sign_up(call, member)
    assert statuses_of(call) == [R.WITHDRAWN]


def test_sign_up_for_full_call_is_allowed_and_waits(organiser, member, utrecht):
    call = make_call(organiser=organiser, place=utrecht, capacity=2)
    for n in range(2):
        rules.accept(register(call, make_member(f"in{n}")))
    assert reload(call).status == C.FULL
    registration = rules.sign_up(call, member)
    assert reload(registration).status == R.PENDING
    assert reload(call).status == C.FULL


def test_call_to_be_agreed_is_never_past(organiser, member, utrecht):
    call = make_call(organiser=organiser, place=utrecht, starts_at=None)
    assert rules.sign_up(call, member).status == R.PENDING


# --- capacity --------------------------------------------------------------------


@pytest.fixture
def call_of_three(organiser, utrecht):
    return make_call(organiser=organiser, place=utrecht, capacity=3)


@pytest.fixture
def five_pending(call_of_three):
    return [register(call_of_three, make_member(f"waiting{n}")) for n in range(5)]


def test_accept_up_to_capacity_then_refuse(call_of_three, five_pending):
    call = call_of_three
    rules.accept(five_pending[0])
    rules.accept(five_pending[1])
    assert reload(call).status == C.OPEN
    rules.accept(five_pending[2])
    assert reload(call).status == C.FULL
    with pytest.raises(RuleError) as refused:
        rules.accept(five_pending[3])
    assert "All places are taken" in str(refused.value.message)
    assert reload(five_pending[3]).status == R.PENDING
    assert rules.accepted_count(call) == 3
    assert reload(call).status == C.FULL


def test_call_becomes_open_again_when_an_accepted_member_withdraws(call_of_three, five_pending):
    call = call_of_three
    for registration in five_pending[:3]:
        rules.accept(registration)
    assert reload(call).status == C.FULL
    rules.withdraw(call, five_pending[0].member)
    assert reload(call).status == C.OPEN
    # Nobody waiting is promoted by itself: the organiser chooses.
    assert [reload(r).status for r in five_pending] == [
        R.WITHDRAWN,
        R.ACCEPTED,
        R.ACCEPTED,
        R.PENDING,
        R.PENDING,
    ]
    rules.accept(five_pending[4])
    assert reload(call).status == C.FULL
    assert reload(five_pending[3]).status == R.PENDING


def test_call_becomes_open_again_when_an_accepted_member_is_declined(call_of_three, five_pending):
    call = call_of_three
    for registration in five_pending[:3]:
        rules.accept(registration)
    rules.decline(five_pending[1])
    assert reload(call).status == C.OPEN
    assert rules.accepted_count(call) == 2
    assert [reload(r).status for r in five_pending[3:]] == [R.PENDING, R.PENDING]


def test_pending_member_withdrawing_from_a_full_call_keeps_it_full(call_of_three, five_pending):
    call = call_of_three
    for registration in five_pending[:3]:
        rules.accept(registration)
    rules.withdraw(call, five_pending[4].member)
    assert reload(call).status == C.FULL


def test_accepting_twice_is_harmless(call_of_three, five_pending):
    call = call_of_three
    first = rules.accept(five_pending[0])
    second = rules.accept(five_pending[0])
    assert first.pk == second.pk
    assert rules.accepted_count(call) == 1
    assert reload(call).status == C.OPEN


def test_accepting_twice_at_capacity_is_harmless(call_of_three, five_pending):
    call = call_of_three
    for registration in five_pending[:3]:
        rules.accept(registration)
    rules.accept(five_pending[2])
    assert rules.accepted_count(call) == 3
    assert reload(call).status == C.FULL


def test_accept_is_refused_for_a_cancelled_or_past_call(organiser, member, utrecht):
    cancelled = make_call(organiser=organiser, place=utrecht)
    registration = register(cancelled, member)
    rules.cancel(cancelled)
    with pytest.raises(RuleError, match="cancelled"):
        rules.accept(registration)
    past = make_call(
        organiser=organiser, place=utrecht, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    late = register(past, member)
    with pytest.raises(RuleError, match="already taken place"):
        rules.accept(late)
    assert reload(registration).status == R.PENDING
    assert reload(late).status == R.PENDING


def test_accept_while_closed_keeps_the_call_closed(call_of_three, five_pending):
    call = call_of_three
    rules.close(call)
    for registration in five_pending[:3]:
        rules.accept(registration)
    assert reload(call).status == C.CLOSED
    assert rules.accepted_count(call) == 3
    with pytest.raises(RuleError, match="All places are taken"):
        rules.accept(five_pending[3])


# --- cancelling, closing, reopening ------------------------------------------------


def test_cancel_marks_the_call_and_keeps_the_sign_ups(call, member):
    register(call, member, status=R.ACCEPTED)
    rules.cancel(call)
    stored = reload(call)
    assert stored.status == C.CANCELLED
    assert stored.cancelled_at is not None
    assert statuses_of(call) == [R.ACCEPTED]


def test_cancelling_twice_is_harmless(call):
    rules.cancel(call)
    first = reload(call).cancelled_at
    rules.cancel(call)
    assert reload(call).status == C.CANCELLED
    assert reload(call).cancelled_at == first


def test_cancelling_a_past_call_is_refused(organiser, utrecht):
    call = make_call(
        organiser=organiser, place=utrecht, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    with pytest.raises(RuleError, match="already taken place"):
        rules.cancel(call)
    assert reload(call).status == C.OPEN


def test_close_and_reopen(call):
    rules.close(call)
    assert reload(call).status == C.CLOSED
    rules.close(call)
    assert reload(call).status == C.CLOSED
    rules.reopen(call)
    assert reload(call).status == C.OPEN
    rules.reopen(call)
    assert reload(call).status == C.OPEN


def test_reopening_a_call_whose_places_are_taken_makes_it_full(call_of_three, five_pending):
    call = call_of_three
    for registration in five_pending[:3]:
        rules.accept(registration)
    rules.close(call)
    assert reload(call).status == C.CLOSED
    rules.reopen(call)
    assert reload(call).status == C.FULL
    rules.reopen(call)
    assert reload(call).status == C.FULL


def test_a_cancelled_call_cannot_be_closed_or_reopened(call):
    rules.cancel(call)
    with pytest.raises(RuleError, match="cancelled"):
        rules.close(call)
    with pytest.raises(RuleError, match="cancelled"):
        rules.reopen(call)
    assert reload(call).status == C.CANCELLED


def test_a_past_call_cannot_be_closed_or_reopened(organiser, utrecht):
    call = make_call(
        organiser=organiser,
        place=utrecht,
        status=C.CLOSED,
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(RuleError, match="already taken place"):
        rules.reopen(call)
    assert reload(call).status == C.CLOSED
    open_past = make_call(
        organiser=organiser, place=utrecht, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    with pytest.raises(RuleError, match="already taken place"):
        rules.close(open_past)
    assert reload(open_past).status == C.OPEN


# --- saving an edit ----------------------------------------------------------------


def edit_form(call, **overrides):
    form = CallForm(
        call_form_data(**overrides), instance=reload(call), suggested_activities=["coffee"]
    )
    assert form.is_valid(), form.errors
    return form


def test_save_changes_refuses_a_capacity_below_the_accepted_count(call_of_three, five_pending):
    call = call_of_three
    for registration in five_pending[:3]:
        rules.accept(registration)
    with pytest.raises(RuleError) as refused:
        rules.save_changes(edit_form(call, capacity="2", title="Changed"))
    assert "3 members are already in" in str(refused.value.message)
    stored = reload(call)
    assert stored.capacity == 3
    assert stored.title == "A walk in the park"
    assert stored.status == C.FULL


def test_save_changes_to_more_places_reopens_a_full_call(call_of_three, five_pending):
    call = call_of_three
    for registration in five_pending[:3]:
        rules.accept(registration)
    rules.save_changes(edit_form(call, capacity="5", title="Bigger walk"))
    stored = reload(call)
    assert (stored.capacity, stored.title, stored.status) == (5, "Bigger walk", C.OPEN)


def test_save_changes_to_exactly_the_accepted_count_makes_it_full(call_of_three, five_pending):
    call = call_of_three
    for registration in five_pending[:2]:
        rules.accept(registration)
    rules.save_changes(edit_form(call, capacity="2"))
    assert reload(call).status == C.FULL


def test_save_changes_keeps_a_closed_call_closed(call):
    rules.close(call)
    rules.save_changes(edit_form(call, title="Still closed"))
    stored = reload(call)
    assert (stored.title, stored.status) == ("Still closed", C.CLOSED)


def test_save_changes_refused_for_a_cancelled_call(call):
    form = edit_form(call, title="Too late")
    rules.cancel(call)
    with pytest.raises(RuleError, match="cancelled"):
        rules.save_changes(form)
    stored = reload(call)
    assert (stored.title, stored.status) == ("A walk in the park", C.CANCELLED)


# --- concurrency (PostgreSQL: row locks across connections) ----------------------

POSTGRES_REASON = (
    "The concurrency tests need PostgreSQL (row locks across connections); "
    "run with MEETINGS_TEST_POSTGRES=postgresql://user@host:port/name."
)

# Decided before any fixture runs, so that a skipped test does not flush the database.
# `make test` refuses to finish in CI without its PostgreSQL run, where these run.
needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason=POSTGRES_REASON)


def a_town():
    """Transactional tests start from a flushed database: bring a town along."""
    return Place.objects.get_or_create(
        geonames_id=1,
        defaults={
            "name": "Testdorp",
            "country": "NL",
            "province": "Utrecht",
            "latitude": 52.0,
            "longitude": 5.0,
        },
    )[0]


def at_once(actions):
    """Run each action in its own thread and database connection, all at the same moment.

    Returns one ``(outcome, value)`` per action: ``("ok", result)``,
    ``("refused", RuleError)`` or ``("error", exception)``.
    """
    barrier = threading.Barrier(len(actions))
    results = [("error", "did not finish")] * len(actions)

    def run(index, action):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            results[index] = ("ok", action())
        except RuleError as error:
            results[index] = ("refused", error)
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    errors = [value for outcome, value in results if outcome == "error"]
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@needs_postgresql
def test_concurrent_accepts_never_exceed_capacity():
    organiser = make_member("busy-organiser")
    call = make_call(organiser=organiser, place=a_town(), capacity=3)
    pending = [register(call, make_member(f"racer{n}")) for n in range(10)]
    pending = list(Registration.objects.filter(call=call).select_related("call"))

    results = at_once([lambda r=r: rules.accept(r) for r in pending])

    outcomes = [outcome for outcome, _value in results]
    assert outcomes.count("ok") == 3
    assert outcomes.count("refused") == 7
    assert all(
        "All places are taken" in str(value.message)
        for outcome, value in results
        if outcome == "refused"
    )
    assert Registration.objects.filter(call=call, status=R.ACCEPTED).count() == 3
    assert Registration.objects.filter(call=call, status=R.PENDING).count() == 7
    assert Call.objects.get(pk=call.pk).status == C.FULL


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@needs_postgresql
def test_concurrent_sign_ups_and_accepts():
    organiser = make_member("busy-organiser")
    call = make_call(organiser=organiser, place=a_town(), capacity=3)
    waiting = [register(call, make_member(f"early{n}")) for n in range(5)]
    waiting = list(Registration.objects.filter(call=call).select_related("call"))
    newcomers = [make_member(f"late{n}") for n in range(8)]

    accepts = [lambda r=r: rules.accept(r) for r in waiting]
    sign_ups = [lambda m=m: rules.sign_up(call, m, note="hello") for m in newcomers]
    results = at_once(accepts + sign_ups)

    accept_outcomes = [outcome for outcome, _value in results[: len(accepts)]]
    assert accept_outcomes.count("ok") == 3
    assert accept_outcomes.count("refused") == 2
    assert all(outcome == "ok" for outcome, _value in results[len(accepts) :])
    assert Registration.objects.filter(call=call, status=R.ACCEPTED).count() == 3
    assert Registration.objects.filter(call=call, status=R.PENDING).count() == 2 + 8
    assert Registration.objects.filter(call=call, member__in=newcomers).count() == 8
    assert Call.objects.get(pk=call.pk).status == C.FULL


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@needs_postgresql
def test_double_submitted_sign_up_makes_one_registration():
    call = make_call(organiser=make_member("busy-organiser"), place=a_town(), capacity=3)
    member = make_member("double-clicker")

    results = at_once([lambda: rules.sign_up(call, member, note="once")] * 2)

    assert [outcome for outcome, _value in results] == ["ok", "ok"]
    assert results[0][1].pk == results[1][1].pk
    assert Registration.objects.filter(call=call, member=member).count() == 1
    assert Registration.objects.get(call=call, member=member).status == R.PENDING
