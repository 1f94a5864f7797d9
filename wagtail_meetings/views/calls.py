"""Organising: posting, editing, organising again, cancelling, closing sign-ups."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import rules
from ..forms import CallForm
from .common import apply_rule, house_rules_required, own_call, page_url

# Organising again copies the call but for its date; the organiser confirms the
# public place anew.
COPIED_FIELDS = [name for name in CallForm.Meta.fields if name != "public_place_confirmed"]


def _render_form(request, board, form, *, mode, call=None):
    return board.render(
        request,
        template="wagtail_meetings/call_form.html",
        context_overrides={"form": form, "mode": mode, "call": call},
    )


@require_http_methods(["GET", "POST"])
@house_rules_required
def post_call(request, board):
    form = CallForm(
        request.POST or None,
        suggested_activities=board.activity_suggestions,
        initial={"capacity": board.default_capacity},
    )
    if request.method == "POST" and form.is_valid():
        call = rules.post(form, request.user)
        messages.success(request, _("Your call is on the board."))
        return redirect(page_url(request, board, "call", call.pk))
    return _render_form(request, board, form, mode="post")


@require_http_methods(["GET", "POST"])
def edit_call(request, board, call_id):
    call = own_call(request.user, call_id)
    if not call.is_active and call.display_status != "closed":
        messages.info(request, _("This meeting can no longer be changed."))
        return redirect(page_url(request, board, "call", call.pk))
    form = CallForm(
        request.POST or None, instance=call, suggested_activities=board.activity_suggestions
    )
    if request.method == "POST" and form.is_valid():
        try:
            rules.save_changes(form)
        except rules.RuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(page_url(request, board, "call", call.pk))
    return _render_form(request, board, form, mode="edit", call=call)


@require_http_methods(["GET", "POST"])
@house_rules_required
def organise_again(request, board, call_id):
    source = own_call(request.user, call_id)
    initial = {name: getattr(source, name) for name in COPIED_FIELDS}
    initial["activities"] = [tag.name for tag in source.activities.all()]
    form = CallForm(
        request.POST or None, initial=initial, suggested_activities=board.activity_suggestions
    )
    if request.method == "POST" and form.is_valid():
        call = rules.post(form, request.user, repeat_of=source)
        messages.success(request, _("Your new call is on the board."))
        return redirect(page_url(request, board, "call", call.pk))
    return _render_form(request, board, form, mode="again", call=source)


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
