"""Notes (便签) through the service: what is stored, the refusals word for word, and the audit
entry and `calendar.note_changed` event of every change, naming the owner alone."""

from __future__ import annotations

import uuid

import pytest

from models.calendar import Note
from server.settings import Settings
from services.calendar import notes
from tests.calendar.support import Office, office, refused
from tests.conftest import GraphQL, gid

TOO_LONG = ("TOO_LONG", "text is longer than 4000 characters", ("text",))
BAD_COLOUR = ("INVALID", "colour is #RRGGBB", ("colour",))
NOT_FOUND = ("NOT_FOUND", "Note not found", ("id",))


@pytest.fixture
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


async def test_a_note_is_stored_audited_and_announced_to_its_owner(desk: Office) -> None:
    leader = await desk.actor("leader")
    note = await notes.create_note(leader, text="  买打印纸 ")
    stored = await desk.department.scope.query(Note).get(id=note.id)
    assert (stored.text, stored.colour, stored.pinned, stored.owner_id, stored.version) == (
        "买打印纸",
        "#FFF4B8",
        False,
        desk.leader.id,
        1,
    )
    assert await desk.audit("note.") == [("note.created", "Note", str(note.id), desk.leader.id, {})]
    assert await desk.topics("calendar.note_changed") == [
        (
            "calendar.note_changed",
            {
                "noteId": gid("Note", note.id),
                "action": "created",
                "userIds": [gid("User", desk.leader.id)],
            },
        )
    ]
    pinned = await notes.create_note(leader, text="x" * 4000, colour="#a1b2c3", pinned=True)
    assert (pinned.text, pinned.colour, pinned.pinned) == ("x" * 4000, "#A1B2C3", True)


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "#GGGGGG", "x#AABBCC", "#AABBCCx"])
async def test_a_colour_is_hash_and_six_hex_digits(desk: Office, colour: str) -> None:
    leader = await desk.actor("leader")
    assert await refused(notes.create_note(leader, text="x", colour=colour)) == [BAD_COLOUR]


async def test_bad_text_and_colour_are_refused_together_and_nothing_is_written(
    desk: Office,
) -> None:
    leader = await desk.actor("leader")
    assert await refused(notes.create_note(leader, text="x" * 4001, colour="red")) == [
        TOO_LONG,
        BAD_COLOUR,
    ]
    assert await refused(notes.create_note(leader, text=" ")) == [
        ("REQUIRED", "text must not be empty", ("text",))
    ]
    assert await refused(notes.create_note(None, text="x")) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]
    assert await desk.department.scope.query(Note).count() == 0
    assert await desk.audit("note.") == []


async def test_an_update_changes_what_is_sent_and_keeps_the_rest(desk: Office) -> None:
    leader = await desk.actor("leader")
    note = await notes.create_note(leader, text="周五交材料", colour="#AABBCC")
    pinned = await notes.update_note(leader, id=note.id, pinned=True, expected_version=1)
    assert (pinned.text, pinned.colour, pinned.pinned, pinned.version) == (
        "周五交材料",
        "#AABBCC",
        True,
        2,
    )
    recoloured = await notes.update_note(leader, id=note.id, colour="#ddeeff")
    stored = await desk.department.scope.query(Note).get(id=note.id)
    assert (stored.text, stored.colour, stored.pinned, stored.version) == (
        "周五交材料",
        "#DDEEFF",
        True,
        3,
    )
    assert recoloured.version == 3
    retexted = await notes.update_note(leader, id=note.id, text=" 周四交 ")
    assert (retexted.text, retexted.colour, retexted.version) == ("周四交", "#DDEEFF", 4)
    assert await refused(notes.update_note(leader, id=note.id, text="y", expected_version=1)) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 4, you sent 1); reload it",
            ("expectedVersion",),
        )
    ]
    assert await refused(notes.update_note(leader, id=note.id, text="y" * 4001)) == [TOO_LONG]
    assert await refused(notes.update_note(leader, id=note.id, colour="#FFF")) == [BAD_COLOUR]
    assert (await desk.department.scope.query(Note).get(id=note.id)).version == 4
    audit = await desk.audit("note.")
    assert [a[0] for a in audit] == ["note.created"] + ["note.updated"] * 3
    assert [a[1:] for a in audit] == [("Note", str(note.id), desk.leader.id, {})] * 4
    events = [p for _, p in await desk.topics("calendar.note_changed")]
    assert (
        events[1:]
        == [
            {
                "noteId": gid("Note", note.id),
                "action": "updated",
                "userIds": [gid("User", desk.leader.id)],
            }
        ]
        * 3
    )


async def test_a_note_is_its_owners_alone_to_change_or_delete(desk: Office) -> None:
    leader, secretary = await desk.actor("leader"), await desk.actor("secretary")
    note = await notes.create_note(leader, text="私人")
    assert await refused(notes.update_note(secretary, id=note.id, text="x")) == [NOT_FOUND]
    assert await refused(notes.delete_note(secretary, id=note.id)) == [NOT_FOUND]
    assert await refused(notes.delete_note(leader, id=str(note.id))) == [NOT_FOUND]
    assert await refused(notes.update_note(leader, id=uuid.uuid4(), text="x")) == [NOT_FOUND]
    deleted = await notes.delete_note(leader, id=note.id)
    assert deleted.id == note.id
    assert not await desk.department.scope.query(Note).filter(id=note.id).exists()
    assert (await desk.audit("note."))[-1] == (
        "note.deleted",
        "Note",
        str(note.id),
        desk.leader.id,
        {},
    )
    assert (await desk.topics("calendar.note_changed"))[-1][1] == {
        "noteId": gid("Note", note.id),
        "action": "deleted",
        "userIds": [gid("User", desk.leader.id)],
    }
    assert await refused(notes.delete_note(leader, id=note.id)) == [NOT_FOUND]
