"""授权 through the services: who may read or change whose calendar and events, the refusals
word for word, and the audit entry and `calendar.shared` event of a grant, a change and a
withdrawal."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from models.calendar import CalendarShare
from models.directory import User, UserStatus
from server.settings import Settings
from services.calendar import access, events, shares
from tests.calendar.support import Office, monday, office, refused
from tests.conftest import GraphQL, gid

VIEW_ONLY = "That calendar is shared with you to view only"


@pytest.fixture
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


async def meeting(desk: Office, who: str = "leader", **more: object) -> events.CalendarEvent:
    start = monday()
    return await events.create_event(
        await desk.actor(who),
        title="党组会",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        **more,  # type: ignore[arg-type]
    )


async def test_whose_calendar_an_actor_works_on(desk: Office) -> None:
    scope = desk.department.scope
    leader, secretary = await desk.actor("leader"), await desk.actor("secretary")
    assert await access.calendar_of(scope, leader, None, edit=True) == desk.leader.id
    assert await access.calendar_of(scope, leader, desk.leader.id, edit=True) == desk.leader.id
    hidden = ("NOT_FOUND", "Calendar not found", ("ownerId",))
    assert await refused(access.calendar_of(scope, secretary, desk.leader.id, edit=False)) == [
        hidden
    ]
    assert await refused(access.calendar_of(scope, secretary, str(desk.leader.id), edit=False)) == [
        hidden
    ]
    await shares.share_calendar(leader, delegate_id=desk.secretary.id)
    assert await access.calendar_of(scope, secretary, desk.leader.id, edit=False) == desk.leader.id
    assert await refused(
        access.calendar_of(scope, secretary, desk.leader.id, edit=True, field="x")
    ) == [("FORBIDDEN", VIEW_ONLY, ("x",))]
    await shares.share_calendar(leader, delegate_id=desk.secretary.id, can_edit=True)
    assert await access.calendar_of(scope, secretary, desk.leader.id, edit=True) == desk.leader.id
    mine = await meeting(desk, "leader")
    assert mine.owner_id == desk.leader.id


async def test_who_reads_and_who_changes_an_event(desk: Office) -> None:
    scope = desk.department.scope
    event = await meeting(desk, attendee_ids=[desk.colleague.id])
    leader, secretary = await desk.actor("leader"), await desk.actor("secretary")
    colleague, admin = await desk.actor("colleague"), await desk.actor("admin")
    assert await access.readable_event(scope, leader, None) is False
    assert await access.readable_event(scope, leader, event) is True
    assert await access.readable_event(scope, colleague, event) is True
    assert await access.readable_event(scope, secretary, event) is False
    assert await access.readable_event(scope, admin, event) is False

    missing = ("NOT_FOUND", "Event not found", ("id",))
    assert await refused(access.editable_event(scope, secretary, event.id)) == [missing]
    assert await refused(access.editable_event(scope, leader, str(event.id))) == [missing]
    assert await refused(access.editable_event(scope, leader, uuid.uuid4())) == [missing]
    assert await refused(access.editable_event(scope, colleague, event.id)) == [
        ("NOT_FOUND", "Calendar not found", ("id",))
    ], "an invitee reads the event but may not change it"
    assert (await access.editable_event(scope, leader, event.id)).id == event.id

    await shares.share_calendar(leader, delegate_id=desk.secretary.id)
    assert await access.readable_event(scope, secretary, event) is True
    assert await refused(access.editable_event(scope, secretary, event.id)) == [
        ("FORBIDDEN", VIEW_ONLY, ("id",))
    ]
    await shares.share_calendar(leader, delegate_id=desk.secretary.id, can_edit=True)
    assert (await access.editable_event(scope, secretary, event.id)).id == event.id


async def test_a_share_is_granted_changed_and_withdrawn_with_its_trail(desk: Office) -> None:
    leader, secretary = await desk.actor("leader"), await desk.actor("secretary")
    share = await shares.share_calendar(leader, delegate_id=desk.secretary.id)
    stored = await desk.department.scope.query(CalendarShare).get(id=share.id)
    assert (stored.owner_id, stored.delegate_id, stored.can_edit) == (
        desk.leader.id,
        desk.secretary.id,
        False,
    )
    again = await shares.share_calendar(leader, delegate_id=desk.secretary.id)
    assert again.id == share.id
    changed = await shares.share_calendar(leader, delegate_id=desk.secretary.id, can_edit=True)
    assert changed.id == share.id
    assert (await desk.department.scope.query(CalendarShare).get(id=share.id)).can_edit is True
    given_up = await shares.unshare_calendar(secretary, id=share.id)
    assert given_up.id == share.id
    assert not await desk.department.scope.query(CalendarShare).exists()

    target = ("CalendarShare", str(share.id), desk.leader.id)
    delegate = str(desk.secretary.id)
    assert await desk.audit("calendar.share") == [
        ("calendar.share_granted", *target, {"delegate": delegate, "canEdit": False}),
        ("calendar.share_changed", *target, {"delegate": delegate, "canEdit": True}),
        (
            "calendar.share_revoked",
            "CalendarShare",
            str(share.id),
            desk.secretary.id,
            {"delegate": delegate, "canEdit": True},
        ),
    ]
    people = [gid("User", desk.leader.id), gid("User", desk.secretary.id)]
    share_id = gid("CalendarShare", share.id)
    assert [p for _, p in await desk.topics("calendar.shared")] == [
        {"shareId": share_id, "action": "granted", "canEdit": False, "userIds": people},
        {"shareId": share_id, "action": "changed", "canEdit": True, "userIds": people},
        {"shareId": share_id, "action": "revoked", "canEdit": True, "userIds": people},
    ]


async def test_a_share_is_refused_to_nobody_to_oneself_and_to_others(desk: Office) -> None:
    leader, colleague = await desk.actor("leader"), await desk.actor("colleague")
    nobody = ("NOT_FOUND", "User not found", ("delegateId",))
    assert await refused(shares.share_calendar(leader, delegate_id=str(desk.secretary.id))) == [
        nobody
    ]
    assert await refused(shares.share_calendar(leader, delegate_id=uuid.uuid4())) == [nobody]
    await User.filter(id=desk.colleague.id).update(status=UserStatus.DISABLED)
    assert await refused(shares.share_calendar(leader, delegate_id=desk.colleague.id)) == [nobody]
    assert await refused(shares.share_calendar(leader, delegate_id=desk.leader.id)) == [
        ("INVALID", "Your calendar is yours already", ("delegateId",))
    ]
    share = await shares.share_calendar(leader, delegate_id=desk.secretary.id)
    gone = ("NOT_FOUND", "Share not found", ("id",))
    assert await refused(shares.unshare_calendar(colleague, id=share.id)) == [gone]
    assert await refused(shares.unshare_calendar(leader, id=str(share.id))) == [gone]
    assert await refused(shares.unshare_calendar(leader, id=uuid.uuid4())) == [gone]
    assert await refused(shares.unshare_calendar(None, id=share.id)) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]
    assert await desk.department.scope.query(CalendarShare).count() == 1
    await shares.unshare_calendar(leader, id=share.id)
    assert (await desk.audit("calendar.share_revoked"))[0][3] == desk.leader.id
