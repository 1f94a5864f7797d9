"""Organising: posting, editing, organising again, cancelling, closing sign-ups."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import rules
from ..errors import RuleError
from ..forms import CallForm
from .common import (
    apply_rule,
    house_rules_required,
    not_while_suspended,
    own_call,
    page_url,
    suggest_towns,
)

# Organising again copies the call but for its date; the organiser confirms the
# public place anew.
COPIED_FIELDS = [name for name in CallForm.Meta.fields if name != "public_place_confirmed"]


def _call_form(request, board, **kwargs):
    return CallForm(
        request.POST or None,
        suggested_activities=board.activity_suggestions,
        home_words=board.home_words,
        **kwargs,
    )


def _posted(request, call, done):
    """Tell the organiser where their new call is: on the board, or with a moderator."""
    if call.awaiting_approval:
        done = _("Your call is saved. Other members will see it once a moderator has looked at it.")
    messages.success(request, done)


def _render_form(request, board, form, *, mode, call=None, status=200):
    suggest_towns(request, board, form)
    response = board.render(
        request,
        template="wagtail_meetings/call_form.html",
        context_overrides={"form": form, "mode": mode, "call": call},
    )
    response.status_code = status
    return response


def _post(request, board, form, repeat_of=None):
    """Post the call; ``(call, 200)``, or ``(None, status)`` with the reason on the form.

    A refusal (the daily limit) keeps the form as the member filled it in. The
    board's approval policy decides whether the call waits for a moderator.
    """
    try:
        return rules.post(form, request.user, repeat_of=repeat_of, approval=board.approval), 200
    except RuleError as error:
        form.add_error(None, error.message)
        return None, getattr(error, "status", 200)


@require_http_methods(["GET", "POST"])
@not_while_suspended
@house_rules_required
def post_call(request, board):
    form = _call_form(request, board, initial={"capacity": board.default_capacity})
    status = 200
    if request.method == "POST" and form.is_valid():
        call, status = _post(request, board, form)
        if call is not None:
            _posted(request, call, _("Your call is on the board."))
            return redirect(page_url(request, board, "call", call.pk))
    return _render_form(request, board, form, mode="post", status=status)


@require_http_methods(["GET", "POST"])
@not_while_suspended
def edit_call(request, board, call_id):
    call = own_call(request.user, call_id)
    if not call.is_active and call.display_status != "closed":
        messages.info(request, _("This meeting can no longer be changed."))
        return redirect(page_url(request, board, "call", call.pk))
    form = _call_form(request, board, instance=call)
    if request.method == "POST" and form.is_valid():
        was_waiting = call.awaiting_approval
        try:
            saved = rules.save_changes(form, approval=board.approval)
        except RuleError as error:
            form.add_error(None, error.message)
        else:
            if saved.awaiting_approval and not was_waiting:
                done = _(
                    "Your changes are saved. A moderator looks at them before the call is "
                    "back on the board; the members who signed up still see it."
                )
            else:
                done = _("Your changes are saved.")
            messages.success(request, done)
            return redirect(page_url(request, board, "call", call.pk))
    return _render_form(request, board, form, mode="edit", call=call)


@require_http_methods(["GET", "POST"])
@not_while_suspended
@house_rules_required
def organise_again(request, board, call_id):
    source = own_call(request.user, call_id)
    initial = {name: getattr(source, name) for name in COPIED_FIELDS}
    initial["activities"] = [tag.name for tag in source.activities.all()]
    form = _call_form(request, board, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        call, status = _post(request, board, form, repeat_of=source)
        if call is not None:
            _posted(request, call, _("Your new call is on the board."))
            return redirect(page_url(request, board, "call", call.pk))
    return _render_form(request, board, form, mode="again", call=source, status=status)


@require_http_methods(["GET", "POST"])
def cancel_call(request, board, call_id):
    """GET asks for confirmation; only the POST cancels."""
    call = own_call(request.user, call_id)
    if request.method == "POST":
        apply_rule(request, rules.cancel, call, done=_("The meeting is cancelled."))
        return redirect(page_url(request, board, "call", call.pk))
    return board.render(
        request,
        template="wagtail_meetings/call_cancel.html",
        context_overrides={"call": call},
    )


@require_POST
def close_call(request, board, call_id):
    call = own_call(request.user, call_id)
    apply_rule(request, rules.close, call, done=_("Sign-ups are closed."))
    return redirect(page_url(request, board, "call", call.pk))


@require_POST
def reopen_call(request, board, call_id):
    call = own_call(request.user, call_id)
    apply_rule(request, rules.reopen, call, done=_("Sign-ups are open again."))
    return redirect(page_url(request, board, "call", call.pk))
