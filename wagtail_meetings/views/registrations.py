"""Signing up with the organiser, withdrawing, and the organiser's answer."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import rules
from ..errors import RateLimited, RuleError
from ..forms import SignUpForm
from ..models import Registration
from .board import call_detail
from .common import apply_rule, call_for_member, house_rules_required, page_url


@require_POST
@house_rules_required
def sign_up(request, board, call_id):
    call = call_for_member(request.user, call_id)
    form = SignUpForm(request.POST)
    if not form.is_valid():
        return call_detail(request, board, call.pk, sign_up_form=form)
    try:
        rules.sign_up(call, request.user, form.cleaned_data["note"])
    except RateLimited as error:
        # The note stays in the form, with the reason above it.
        form.add_error(None, error.message)
        return call_detail(request, board, call.pk, sign_up_form=form, status=error.status)
    except RuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have signed up. The organiser will let you know."))
    return redirect(page_url(request, board, "call", call.pk))


@require_POST
def withdraw(request, board, call_id):
    call = call_for_member(request.user, call_id)
    apply_rule(
        request,
        rules.withdraw,
        call,
        request.user,
        done=_("You have withdrawn. Thank you for letting the organiser know."),
    )
    return redirect(page_url(request, board, "call", call.pk))


def _organisers_registration(request, registration_id):
    registration = (
        Registration.objects.select_related("call")
        .filter(pk=registration_id, call__organiser=request.user)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


@require_POST
def accept(request, board, registration_id):
    registration = _organisers_registration(request, registration_id)
    apply_rule(
        request, rules.accept, registration, done=_("Accepted. They can now see the meeting point.")
    )
    return redirect(page_url(request, board, "call", registration.call_id) + "#sign-ups")


@require_POST
def decline(request, board, registration_id):
    registration = _organisers_registration(request, registration_id)
    apply_rule(request, rules.decline, registration, done=_("You said “not this time”."))
    return redirect(page_url(request, board, "call", registration.call_id) + "#sign-ups")
