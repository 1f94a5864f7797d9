"""The member's own data: downloading it, and removing their board presence."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import privacy
from ..conf import app_settings
from ..forms import LeaveBoardForm
from .common import page_url


@require_GET
def my_data(request, board):
    return board.render(request, template="wagtail_meetings/my_data.html")


@require_GET
def my_data_download(request, board):
    """The file itself; the page's ``serve()`` makes the response private."""
    response = HttpResponse(privacy.export_json(request.user), content_type="application/json")
    response["Content-Disposition"] = content_disposition_header(True, privacy.EXPORT_FILENAME)
    return response


@require_http_methods(["GET", "POST"])
def leave_board(request, board):
    """GET explains and asks for confirmation; the POST removes the board presence.

    The member stays logged in to the site; the board greets them as a newcomer.
    """
    form = LeaveBoardForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        privacy.remove_board_presence(request.user)
        messages.success(
            request,
            _(
                "Your board presence has been removed. You are still logged in to the "
                "website. Should you want to take part again one day, you can start here."
            ),
        )
        return redirect(page_url(request, board, "welcome"))
    return board.render(
        request,
        template="wagtail_meetings/leave_board.html",
        context_overrides={"form": form, "erase_messages": app_settings.ERASE_MESSAGES},
    )
