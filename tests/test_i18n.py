import pytest
from django.utils import translation

from .utils import board_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def dutch(client):
    client.cookies["django_language"] = "nl"
    yield client
    translation.activate("en")


def test_member_pages_speak_dutch(dutch, board, call, member):
    dutch.force_login(member)
    page = dutch.get(board_url(board)).content.decode()
    assert "Oproepje plaatsen" in page
    assert "Post a call" not in page
    detail = dutch.get(board_url(board, "call", call.pk)).content.decode()
    assert "Aanmelden voor deze meeting" in detail
    assert 'lang="nl"' in detail


def test_form_errors_and_title_in_dutch(dutch, board, member):
    dutch.force_login(member)
    page = dutch.post(board_url(board, "post"), {"title": ""}).content.decode()
    assert "Er is een probleem" in page
    assert "<title>Fout:" in page.replace("\n", "").replace("  ", "")


def test_non_member_explanation_in_dutch(dutch, board, outsider):
    dutch.force_login(outsider)
    response = dutch.get(board_url(board))
    assert response.status_code == 403
    assert "Alleen voor leden" in response.content.decode()


def test_a_member_can_switch_language(client, board, member):
    client.force_login(member)
    assert "Post a call" in client.get(board_url(board)).content.decode()
    client.post("/i18n/setlang/", {"language": "nl", "next": board_url(board)})
    assert "Oproepje plaatsen" in client.get(board_url(board)).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": board_url(board)})
    assert "Post a call" in client.get(board_url(board)).content.decode()


def test_dutch_by_default_whatever_the_browser_says(client, board, member, settings):
    settings.LANGUAGE_CODE = "nl"
    client.force_login(member)
    page = client.get(board_url(board), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Oproepje plaatsen" in page.content.decode()
    assert page["Content-Language"] == "nl"
