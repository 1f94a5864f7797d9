"""The rules of signing up and organising, in one place.

Views and the admin call these functions; they lock the call row, check the
allowed transitions and capacity, and raise :class:`RuleError` with a message
meant for the member when something is not possible. Repeating an action that
already happened (a double click) is harmless and changes nothing.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import ratelimit
from .errors import RateLimited, RuleError
from .messaging import sync_call_conversation
from .models import Approval, Block, Call, CallStatus, Registration, RegistrationStatus
from .moderation import refuse_if_suspended, suspension_refusal
from .notifications import notify_later, schedule_reminder

R = RegistrationStatus
C = CallStatus

REGISTRATION_TRANSITIONS = {
    R.PENDING: {R.ACCEPTED, R.DECLINED, R.WITHDRAWN},
    R.ACCEPTED: {R.WITHDRAWN, R.DECLINED},
    R.DECLINED: set(),
    R.WITHDRAWN: {R.PENDING},
}

CALL_TRANSITIONS = {
    C.OPEN: {C.FULL, C.CLOSED, C.CANCELLED},
    C.FULL: {C.OPEN, C.CLOSED, C.CANCELLED},
    C.CLOSED: {C.OPEN, C.FULL, C.CANCELLED},
    C.CANCELLED: set(),
}


def _move_registration(registration, status):
    if status not in REGISTRATION_TRANSITIONS[registration.status]:
        raise RuleError(_("This sign-up cannot be changed that way any more."))
    registration.status = status
    registration.save(update_fields=["status", "updated_at"])


def _move_call(call, status, **fields):
    if status not in CALL_TRANSITIONS[call.status]:
        raise RuleError(_("This call cannot be changed that way any more."))
    call.status = status
    for name, value in fields.items():
        setattr(call, name, value)
    call.save(update_fields=["status", "updated_at", *fields])


def _locked(call):
    """The call, re-read with its row locked until the transaction ends.

    On PostgreSQL this is a row lock; SQLite has none, so sites on SQLite open
    transactions as IMMEDIATE, which serialises writers instead.
    """
    return Call.objects.select_for_update().get(pk=call.pk)


def accepted_count(call):
    return call.registrations.filter(status=R.ACCEPTED).count()


def _settle_fullness(call):
    """Keep "full" in step with the accepted sign-ups (never promotes anyone)."""
    taken = accepted_count(call)
    if call.status == C.OPEN and taken >= call.capacity:
        _move_call(call, C.FULL)
    elif call.status == C.FULL and taken < call.capacity:
        _move_call(call, C.OPEN)


def _refuse_if_over(call):
    if call.status == C.CANCELLED:
        raise RuleError(_("This meeting has been cancelled."))
    if call.is_past:
        raise RuleError(_("This meeting has already taken place."))


def _organiser_suspended(call):
    """A suspended organiser cannot accept anyone, so their calls take no sign-ups."""
    profile = getattr(call.organiser, "meetings_profile", None)
    return profile is not None and profile.is_suspended


def sign_up_refusal(call, member):
    """Why ``member`` cannot sign up for ``call`` now, or ``None`` if they can."""
    if call.organiser_id == member.pk:
        return _("This is your own call.")
    suspended = suspension_refusal(member)
    if suspended:
        return suspended
    # Nobody would answer a call whose organiser has left the board.
    if (
        call.hidden
        or call.awaiting_approval
        or call.organiser_id is None
        or _organiser_suspended(call)
        or Block.between(call.organiser_id, member.pk)
    ):
        return _("This call is not available.")
    if call.status == C.CANCELLED:
        return _("This meeting has been cancelled.")
    if call.is_past:
        return _("This meeting has already taken place.")
    if call.status == C.CLOSED:
        return _("The organiser has closed sign-ups for this meeting.")
    return None


@transaction.atomic
def sign_up(call, member, note=""):
    """Sign ``member`` up for ``call``; returns the registration.

    Signing up for a full call is allowed: the organiser may accept the member
    when a place frees up.
    """
    call = _locked(call)
    refusal = sign_up_refusal(call, member)
    if refusal:
        raise RuleError(refusal)
    registration = Registration.objects.select_for_update().filter(call=call, member=member).first()
    if registration is not None:
        if registration.status in (R.PENDING, R.ACCEPTED):
            return registration
        if registration.status == R.DECLINED:
            raise RuleError(_("The organiser could not take you along this time."))
    # Only a sign-up that is new (or comes back after withdrawing) counts.
    if not ratelimit.allow(member, "sign_up"):
        raise RateLimited(
            _("You have signed up for many meetings today. Please try again tomorrow.")
        )
    if registration is None:
        try:
            with transaction.atomic():
                registration = Registration.objects.create(call=call, member=member, note=note)
            notify_later([call.organiser_id])
            return registration
        except IntegrityError:
            # The same member's other tab got there first.
            return Registration.objects.get(call=call, member=member)
    registration.note = note
    registration.save(update_fields=["note"])
    _move_registration(registration, R.PENDING)
    notify_later([call.organiser_id])
    return registration


@transaction.atomic
def withdraw(call, member):
    """Withdraw ``member``'s sign-up; always possible while the meeting is ahead."""
    call = _locked(call)
    registration = Registration.objects.select_for_update().filter(call=call, member=member).first()
    if registration is None or registration.status in (R.WITHDRAWN, R.DECLINED):
        return registration
    if call.is_past:
        raise RuleError(_("This meeting has already taken place."))
    _move_registration(registration, R.WITHDRAWN)
    _settle_fullness(call)
    sync_call_conversation(call)
    notify_later([call.organiser_id])
    return registration


@transaction.atomic
def accept(registration):
    """The organiser accepts a pending sign-up, if a place is free."""
    call = _locked(registration.call)
    refuse_if_suspended(call.organiser)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == R.ACCEPTED:
        return registration
    _refuse_if_over(call)
    if registration.status != R.PENDING:
        raise RuleError(_("This member is no longer signed up."))
    if accepted_count(call) >= call.capacity:
        raise RuleError(_("All places are taken. You can accept someone when a place frees up."))
    _move_registration(registration, R.ACCEPTED)
    _settle_fullness(call)
    sync_call_conversation(call)
    notify_later([registration.member_id])
    return registration


@transaction.atomic
def decline(registration):
    """The organiser says "not this time" to a sign-up (also after accepting it)."""
    call = _locked(registration.call)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == R.DECLINED:
        return registration
    _refuse_if_over(call)
    if registration.status == R.WITHDRAWN:
        raise RuleError(_("This member is no longer signed up."))
    _move_registration(registration, R.DECLINED)
    _settle_fullness(call)
    sync_call_conversation(call)
    notify_later([registration.member_id])
    return registration


@transaction.atomic
def cancel(call):
    """The organiser cancels the meeting; sign-ups keep their status for the record."""
    call = _locked(call)
    if call.status == C.CANCELLED:
        return call
    if call.is_past:
        raise RuleError(_("This meeting has already taken place."))
    _move_call(call, C.CANCELLED, cancelled_at=timezone.now())
    sync_call_conversation(call)
    notify_later(
        call.registrations.filter(status__in=[R.PENDING, R.ACCEPTED]).values_list(
            "member_id", flat=True
        )
    )
    return call


@transaction.atomic
def close(call):
    """The organiser stops taking sign-ups; those already in stay in."""
    call = _locked(call)
    if call.status == C.CLOSED:
        return call
    _refuse_if_over(call)
    _move_call(call, C.CLOSED)
    return call


@transaction.atomic
def reopen(call):
    call = _locked(call)
    if call.status in (C.OPEN, C.FULL):
        return call
    refuse_if_suspended(call.organiser)
    _refuse_if_over(call)
    _move_call(call, C.FULL if accepted_count(call) >= call.capacity else C.OPEN)
    return call


# What a moderator reads before approving: under "every call", changing any of these
# sends an approved call back to them. A new date or more places needs no second look.
REVIEWED_FIELDS = frozenset(
    {
        "title",
        "description",
        "activities",
        "other_activities",
        "place",
        "venue_kind",
        "meeting_point",
        "recognition",
        "accessibility_notes",
    }
)


@transaction.atomic
def save_changes(form, approval=Approval.NONE):
    """Save the organiser's edit of their call; capacity may not drop below who is in.

    Under the board's "every call" policy, new words go back to a moderator; the
    members already signed up keep seeing the call meanwhile.
    """
    call = _locked(form.instance)
    refuse_if_suspended(call.organiser)
    _refuse_if_over(call)
    taken = accepted_count(call)
    if form.cleaned_data["capacity"] < taken:
        raise RuleError(
            _("%(count)s members are already in; the number of places cannot be lower.")
            % {"count": taken}
        )
    form.instance.status = call.status
    if approval == Approval.EVERY and REVIEWED_FIELDS.intersection(form.changed_data):
        form.instance.awaiting_approval = True
    saved = form.save()
    _settle_fullness(saved)
    if saved.starts_at != call.starts_at:
        schedule_reminder(saved)
    return saved


def needs_approval(organiser, approval):
    """Whether a new call of ``organiser`` waits for a moderator, under the board's policy.

    "The first call of each member": a member without an earlier approved call.
    """
    if approval == Approval.EVERY:
        return True
    if approval == Approval.FIRST:
        return not Call.objects.filter(organiser=organiser, awaiting_approval=False).exists()
    return False


@transaction.atomic
def post(form, organiser, repeat_of=None, approval=Approval.NONE):
    """Put a new call on the board, and plan the reminder the day before it.

    ``approval`` is the board's policy: a call that needs approval is seen only by
    its organiser until a moderator approves it (:func:`approve`).
    """
    refuse_if_suspended(organiser)
    if not ratelimit.allow(organiser, "call"):
        raise RateLimited(_("You have posted many calls today. Please try again tomorrow."))
    call = form.save(commit=False)
    call.organiser = organiser
    call.repeat_of = repeat_of
    call.awaiting_approval = needs_approval(organiser, approval)
    call.save()
    schedule_reminder(call)
    return call


@transaction.atomic
def approve(call):
    """A moderator lets a call waiting for approval onto the board; the organiser hears."""
    call = _locked(call)
    if not call.awaiting_approval:
        return call
    call.awaiting_approval = False
    call.save(update_fields=["awaiting_approval", "updated_at"])
    notify_later([call.organiser_id], kind="approved")
    return call
