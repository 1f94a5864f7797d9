"""What the member views share: the viewer's profile, the house-rules step, lookups."""

from functools import wraps

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from .. import moderation, rules
from ..forms import PlaceField
from ..models import Block, Call, MemberProfile, RegistrationStatus


def profile_of(request):
    """The member's profile, or ``None`` before their first visit; once per request."""
    if not hasattr(request, "_meetings_profile"):
        request._meetings_profile = (
            MemberProfile.objects.filter(user=request.user)
            .select_related("home_place")
            # Whether the moderators left a warning, in the same query: most pages have none.
            .annotate(has_notices=Exists(moderation.notices_for(OuterRef("user"))))
            .first()
        )
    return request._meetings_profile


def moderation_context(request):
    """What the moderators want the member to know on every page: a suspension, warnings."""
    if not request.user.is_authenticated:
        return {}
    profile = profile_of(request)
    if profile is None:
        return {}
    context = {"meetings_notices": []}
    if getattr(profile, "has_notices", True):
        context["meetings_notices"] = list(moderation.notices_for(request.user))
    if profile.is_suspended:
        context["meetings_suspension"] = moderation.suspension_message(profile)
        context["meetings_suspension_notice"] = moderation.latest_suspension_notice(request.user)
    return context


def page_url(request, page, name="list", *args):
    """The URL of one of a routable page's routes, for a redirect."""
    base = page.get_url(request)
    if not base.endswith("/"):
        base += "/"
    return base + page.reverse_subpage(name, args=args)


def suggest_towns(request, board, form):
    """Let the browser suggest towns while a member types one (works without it too)."""
    url = page_url(request, board, "towns")
    for bound in form:
        if isinstance(bound.field, PlaceField):
            bound.field.widget.attrs.update({"data-meetings-towns": url, "autocomplete": "off"})


def safe_next(request, board, fallback_name="list"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return page_url(request, board, fallback_name)


def house_rules_required(view):
    """Send a member to the welcome step before their first call or sign-up."""

    @wraps(view)
    def wrapper(request, board, *args, **kwargs):
        profile = profile_of(request)
        if profile is None or not profile.has_accepted_house_rules:
            back = request.get_full_path()
            # The routes pass call_id by position; a POST-only URL is no place to return to.
            call_id = kwargs.get("call_id", args[0] if args else None)
            if request.method == "POST" and call_id is not None:
                back = page_url(request, board, "call", call_id)
            query = urlencode({"next": back})
            return redirect(f"{page_url(request, board, 'welcome')}?{query}")
        return view(request, board, *args, **kwargs)

    return wrapper


def not_while_suspended(view):
    """Posting and changing calls: a suspended member is sent to "my meetings" with why."""

    @wraps(view)
    def wrapper(request, board, *args, **kwargs):
        refusal = moderation.suspension_refusal(request.user)
        if refusal:
            messages.error(request, refusal)
            return redirect(page_url(request, board, "mine"))
        return view(request, board, *args, **kwargs)

    return wrapper


def call_for_member(user, call_id, queryset=None):
    """A call the member may see: any visible, approved call, or their own in any case.

    Unknown ids, other members' hidden calls and calls waiting for approval, and
    the calls of a member on the other side of a block are all a plain 404, so that
    their existence does not leak. An edit waiting for approval stays visible to the
    members signed up for the call: they already know it.
    """
    queryset = queryset if queryset is not None else Call.objects.all()
    call = queryset.filter(pk=call_id).first()
    if call is None:
        raise Http404
    if call.organiser_id != user.pk and (call.hidden or _waiting_for(call, user)):
        raise Http404
    if call.organiser_id != user.pk and Block.between(call.organiser_id, user.pk):
        raise Http404
    return call


def _waiting_for(call, user):
    """Whether ``call`` waits for approval as far as ``user`` (not its organiser) goes."""
    if not call.awaiting_approval:
        return False
    signed_up = [RegistrationStatus.PENDING, RegistrationStatus.ACCEPTED]
    return not call.registrations.filter(member=user, status__in=signed_up).exists()


def own_call(user, call_id, queryset=None):
    """A call the member organises; anyone else's is a 404."""
    queryset = queryset if queryset is not None else Call.objects.all()
    call = queryset.filter(pk=call_id, organiser=user).first()
    if call is None:
        raise Http404
    return call


def apply_rule(request, action, *args, done):
    """Run a rule; tell the member it worked, or kindly why it did not."""
    try:
        result = action(*args)
    except rules.RuleError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, done)
    return result
