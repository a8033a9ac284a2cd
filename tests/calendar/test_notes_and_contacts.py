"""Notes (便签) seen by their owner alone, and the address book: personal contacts, the
tenant's shared ones, and the partner departments the exchange knows."""

from __future__ import annotations

from models.calendar import Contact, Note
from server.settings import Settings
from tests.calendar.support import office
from tests.conftest import GraphQL, new_department

NOTES = "{ myNotes(first: 10) { totalCount edges { node { id text colour pinned updatedAt } } } }"
CONTACTS = """query($search: String, $shared: Boolean) {
  contacts(search: $search, shared: $shared, first: 20) { edges { node { name shared phone } } }
}"""


async def test_notes_are_private_pinned_first_and_checked(database: Settings, gql: GraphQL) -> None:
    desk = await office(gql)
    first = await desk.mutate("leader", "createNote", {"text": "买打印纸"}, "note { id version }")
    pinned = await desk.mutate(
        "leader",
        "createNote",
        {"text": "周五交材料", "colour": "#aabbcc", "pinned": True},
        "note { id }",
    )
    await desk.mutate("secretary", "createNote", {"text": "secretary's"}, "note { id }")
    mine = (await desk.as_("leader", NOTES)).data["myNotes"]
    assert [e["node"]["text"] for e in mine["edges"]] == ["周五交材料", "买打印纸"]
    assert mine["edges"][0]["node"]["colour"] == "#AABBCC"

    stolen = await desk.mutate(
        "secretary", "updateNote", {"id": first["note"]["id"], "text": "x"}, "note { id }"
    )
    assert [e["code"] for e in stolen["errors"]] == ["NOT_FOUND"]
    bad = await desk.mutate(
        "leader",
        "updateNote",
        {"id": first["note"]["id"], "text": "", "colour": "red"},
        "note { id }",
    )
    assert {tuple(e["field"]): e["code"] for e in bad["errors"]} == {
        ("input", "text"): "REQUIRED",
        ("input", "colour"): "INVALID",
    }
    changed = await desk.mutate(
        "leader",
        "updateNote",
        {"id": first["note"]["id"], "text": "买A4纸", "expectedVersion": 1},
        "note { text version }",
    )
    assert changed["note"] == {"text": "买A4纸", "version": 2}
    deleted = await desk.mutate("leader", "deleteNote", {"id": pinned["note"]["id"]}, "note { id }")
    assert deleted["errors"] == []
    assert await desk.department.scope.query(Note).filter(owner_id=desk.leader.id).count() == 1
    topics = [p["action"] for _, p in await desk.topics("calendar.note_changed")]
    assert topics == ["created", "created", "created", "updated", "deleted"]


async def test_the_address_book_beside_the_directory(database: Settings, gql: GraphQL) -> None:
    desk = await office(gql)
    district = await new_department(parent=desk.department.tenant, name="区分局 District office")
    own = await desk.mutate(
        "leader",
        "createContact",
        {"name": "王律师", "organisation": "律所", "phone": "13800000000"},
        "contact { id }",
    )
    refused = await desk.mutate(
        "leader", "createContact", {"name": "x", "shared": True}, "contact { id }"
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    shared = await desk.mutate(
        "admin",
        "createContact",
        {"name": "物业 Facilities", "shared": True, "email": "bad"},
        "contact { id }",
    )
    assert [tuple(e["field"]) for e in shared["errors"]] == [("input", "email")]
    await desk.mutate(
        "admin",
        "createContact",
        {"name": "物业 Facilities", "shared": True, "phone": "12345"},
        "contact { id }",
    )

    leader = (await desk.as_("leader", CONTACTS)).data["contacts"]["edges"]
    assert [(e["node"]["name"], e["node"]["shared"]) for e in leader] == [
        ("物业 Facilities", True),
        ("王律师", False),
    ]
    secretary = (await desk.as_("secretary", CONTACTS)).data["contacts"]["edges"]
    assert [e["node"]["name"] for e in secretary] == ["物业 Facilities"]
    found = (await desk.as_("leader", CONTACTS, {"search": "138"})).data["contacts"]["edges"]
    assert [e["node"]["name"] for e in found] == ["王律师"]
    only_mine = (await desk.as_("leader", CONTACTS, {"shared": False})).data["contacts"]["edges"]
    assert [e["node"]["name"] for e in only_mine] == ["王律师"]

    hidden = await desk.mutate(
        "secretary", "deleteContact", {"id": own["contact"]["id"]}, "contact { id }"
    )
    assert [e["code"] for e in hidden["errors"]] == ["NOT_FOUND"]
    assert await desk.department.scope.query(Contact).count() == 2

    partners = (
        await desk.as_("leader", "{ partnerDepartments { tenantId code name relation } }")
    ).data["partnerDepartments"]
    assert [(p["code"], p["relation"]) for p in partners] == [(district.tenant.code, "DESCENDANT")]
