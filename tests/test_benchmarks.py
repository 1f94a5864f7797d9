"""The benchmark fill makes data the app itself could have made, and the pages answer."""

import io
from collections import defaultdict

import pytest
from django.db.models import Count, F, Max, Q

from benchmarks import filling, measuring
from wagtail_meetings import messaging
from wagtail_meetings.models import (
    Call,
    CallStatus,
    Conversation,
    ConversationKind,
    ConversationMember,
    MemberProfile,
    Message,
    Registration,
    RegistrationStatus,
)

from .utils import make_member

pytestmark = pytest.mark.django_db

SCALE = 0.002


@pytest.fixture
def filled(board, inbox, members_group):
    out = io.StringIO()
    return filling.fill(scale=SCALE, seed=7, write=lambda line: out.write(line + "\n"))


def test_counts_follow_the_scale(filled):
    expected = filling.volume(SCALE)
    bench = filling.bench_users()
    assert expected["members"] == 20 and expected["messages"] == 1000
    assert MemberProfile.objects.filter(user__in=bench).count() == expected["members"]
    assert bench.filter(groups__name="Members").count() == expected["members"]
    assert Call.objects.filter(organiser__in=bench).count() == expected["calls"]
    assert Registration.objects.filter(member__in=bench).count() == expected["registrations"]
    assert Message.objects.filter(sender__in=bench).count() == expected["messages"]
    direct = Conversation.objects.filter(kind=ConversationKind.DIRECT)
    assert direct.count() == expected["direct_conversations"]
    assert filled["counts"]["messages"] == expected["messages"]


def test_sign_ups_keep_the_rules(filled):
    accepted = Q(registrations__status=RegistrationStatus.ACCEPTED)
    for call in Call.objects.annotate(accepted=Count("registrations", filter=accepted)):
        assert call.accepted <= call.capacity
        if call.status == CallStatus.FULL:
            assert call.accepted == call.capacity
        if call.status == CallStatus.OPEN:
            assert call.accepted < call.capacity
    # Nobody signs up for their own call, and once per call.
    assert not Registration.objects.filter(member=F("call__organiser")).exists()
    per_pair = Registration.objects.values("call", "member").annotate(n=Count("pk"))
    assert not per_pair.filter(n__gt=1).exists()
    # Real life: every kind of sign-up, dates still to agree, calls not open any more.
    assert set(Registration.objects.values_list("status", flat=True)) == set(RegistrationStatus)
    assert Call.objects.filter(starts_at__isnull=True).exists()
    assert Call.objects.exclude(status=CallStatus.OPEN).exists()


def test_conversations_follow_the_apps_conventions(filled):
    active = defaultdict(set)
    joined = {}
    for membership in ConversationMember.objects.filter(left_at__isnull=True):
        active[membership.conversation_id].add(membership.member_id)
        joined[membership.conversation_id, membership.member_id] = membership.joined_at
    # A meeting's conversation holds exactly the organiser and the accepted members.
    for call in Call.objects.prefetch_related("registrations"):
        accepted = {r.member_id for r in call.registrations.all() if r.is_accepted}
        conversation = Conversation.objects.filter(call=call).first()
        if not accepted:
            assert conversation is None
            continue
        assert conversation.kind == ConversationKind.CALL
        assert active[conversation.pk] == {call.organiser_id, *accepted}
        assert (conversation.closed_at is not None) == (call.status == CallStatus.CANCELLED)
    for conversation in Conversation.objects.filter(kind=ConversationKind.DIRECT):
        assert conversation.pair_key == "{}:{}".format(*sorted(active[conversation.pk]))
    # Every message comes from someone in the conversation, after they joined.
    for message in Message.objects.all():
        key = (message.conversation_id, message.sender_id)
        assert message.sender_id in active[message.conversation_id]
        assert message.created_at >= joined[key]
    # The inbox order and the read state agree with the messages.
    last = dict(Message.objects.values_list("conversation").annotate(last=Max("created_at")))
    for conversation in Conversation.objects.all():
        assert conversation.last_message_at == last.get(conversation.pk)
    sent = {
        (conversation, sender): moment
        for conversation, sender, moment in Message.objects.values_list(
            "conversation", "sender"
        ).annotate(moment=Max("created_at"))
    }
    for membership in ConversationMember.objects.all():
        mine = sent.get((membership.conversation_id, membership.member_id))
        if mine is not None:
            assert membership.last_read_at >= mine


def test_the_fill_names_a_busy_member_and_refuses_to_fill_twice(filled):
    member = filling.bench_users().get(pk=filled["member_id"])
    assert Call.objects.filter(pk=filled["call_id"], organiser=member).exists()
    assert ConversationMember.objects.filter(
        conversation_id=filled["conversation_id"], member=member, left_at__isnull=True
    ).exists()
    with pytest.raises(filling.FillError, match="--replace"):
        filling.fill(scale=SCALE, seed=7, write=lambda line: None)


def test_a_new_fill_replaces_the_earlier_one_only(filled, organiser, call):
    other = make_member("not-filled")
    messaging.start_direct(other, organiser, "Hello")
    before = filling.row_counts()
    assert before["members"] == filled["counts"]["members"] + 2  # Otto and not-filled
    again = filling.fill(scale=SCALE, seed=7, replace=True, write=lambda line: None)
    assert again["counts"] == before
    assert Call.objects.filter(pk=call.pk).exists()
    assert Conversation.objects.filter(pair_key=Conversation.key_for(other, organiser)).exists()


def test_every_measured_page_answers(filled):
    rows = measuring.measure(filled, runs=2, warmup=0)
    assert [row["page"] for row in rows] == [label for label, _url in measuring.pages(filled)]
    assert len(rows) == 8
    for row in rows:
        assert row["median_ms"] > 0 and row["p95_ms"] >= row["median_ms"]
        assert row["queries"] > 0
    assert rows[0]["ratio"] == 1.0
    table = measuring.table(rows, measuring.environment(), filled, runs=2, warmup=0)
    assert "| Inbox |" in table and "× plain" in table
