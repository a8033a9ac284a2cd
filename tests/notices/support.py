"""A department for the notice tests: the 发文 office (its flow approves notices) with two
units below the root, 办公室 and 财务处, and a reader in each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.directory import OrgUnit
from services import directory
from tests.conftest import Department, GraphQL, gid
from tests.documents.support import Office, dispatching_office

NOTICE = (
    "notice { id title status pinned priority category publisher publishedAt readByMe "
    "version received } "
)


@dataclass
class Units:
    office: Office
    units: dict[str, OrgUnit]

    def unit(self, name: str) -> str:
        return gid("OrgUnit", self.units[name].id)

    async def notices(self, who: str, **filters: Any) -> list[dict[str, Any]]:
        result = await self.office.run(
            who,
            "query($f: NoticeFilter) { notices(first: 50, filter: $f) { edges { node "
            "{ id title status pinned publisher } } } }",
            {"f": filters or None},
        )
        return [e["node"] for e in result.data["notices"]["edges"]]

    async def draft(self, who: str = "admin", **values: Any) -> str:
        created = await self.office.ok(
            who, "createNotice", {"title": "关于开展安全生产检查的通知", **values}, NOTICE
        )
        notice_id: str = created["notice"]["id"]
        return notice_id


async def units_office(gql: GraphQL, department: Department) -> Units:
    office = await dispatching_office(gql, department)
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    units = {}
    for name in ("办公室", "财务处"):
        units[name] = await directory.create_org_unit(
            department.actor, name=name, parent_id=root.id
        )
    for username, unit in (("reader_office", "办公室"), ("reader_finance", "财务处")):
        user = await directory.create_user(
            department.actor,
            username=username,
            display_name=username,
            org_unit_ids=[units[unit].id],
        )
        office.users[username] = user
    return Units(office, units)
