"""People of a department for the personal office and public affairs tests."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from auth.viewer import actor_for
from models.access import Actor
from models.audit import AuditEntry
from models.directory import OrgUnit, User
from models.outbox import OutboxEvent
from services import directory
from services.errors import ServiceError
from tests.conftest import Department, GraphQL, new_department

EVENT = (
    "event { id title startsAt endsAt rrule location version status attendees { userId response } }"
)

INBOX = "{ myNotifications(first: 50) { edges { node { kind text link } } } }"


async def member(department: Department, username: str, email: str | None = None) -> User:
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    user: User = await directory.create_user(
        department.actor,
        username=username,
        display_name=username,
        org_unit_ids=[root.id],
        email=email,
    )
    return user


@dataclass
class Office:
    """A department with a leader, her secretary and a colleague, each with a token."""

    gql: GraphQL
    department: Department
    leader: User
    secretary: User
    colleague: User
    tokens: dict[str, str]
    kept: dict[str, Any] = field(default_factory=dict)
    """What a scenario's later steps need."""

    async def as_(self, who: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        return await self.gql(query, variables, token=self.tokens[who])

    async def mutate(
        self, who: str, name: str, input: dict[str, Any], selection: str
    ) -> dict[str, Any]:
        return await self.gql.mutate(name, input, selection, token=self.tokens[who])

    async def inbox(self, who: str) -> list[dict[str, Any]]:
        """Her notifications (kind, text, link) through GraphQL, newest first."""
        seen = await self.as_(who, INBOX)
        return [e["node"] for e in seen.data["myNotifications"]["edges"]]

    async def topics(self, prefix: str) -> list[tuple[str, dict[str, Any]]]:
        rows = await OutboxEvent.filter(tenant_id=self.department.tenant.id).order_by("id")
        return [(r.topic, r.payload) for r in rows if r.topic.startswith(prefix)]

    def user(self, who: str) -> User:
        users = {"admin": self.department.admin, "leader": self.leader}
        return users.get(who) or {"secretary": self.secretary, "colleague": self.colleague}[who]

    async def actor(self, who: str) -> Actor:
        """Her actor, for calling the services directly."""
        scope = self.department.scope
        return await actor_for(scope, self.user(who), self.department.tenant)

    async def audit(self, prefix: str) -> list[tuple[str, str, str, Any, dict[str, Any]]]:
        """The audit entries whose action starts with `prefix`, oldest first: (action, target
        type, target id, actor id, data)."""
        rows = await AuditEntry.filter(tenant_id=self.department.tenant.id).order_by("seq")
        return [
            (r.action, r.target_type, r.target_id, r.actor_id, r.data)
            for r in rows
            if r.action.startswith(prefix)
        ]


async def refused(call: Awaitable[Any]) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """What a service call refused: (code, message, field) of each problem."""
    with pytest.raises(ServiceError) as caught:
        await call
    return [(p.code.value, str(p.message), p.field) for p in caught.value.problems]


async def office(gql: GraphQL) -> Office:
    department = await new_department()
    leader = await member(department, "leader", "leader@example.gov.cn")
    secretary = await member(department, "secretary", "secretary@example.gov.cn")
    colleague = await member(department, "colleague")
    tokens = {
        "admin": gql.token(department.admin, department.tenant),
        "leader": gql.token(leader, department.tenant),
        "secretary": gql.token(secretary, department.tenant),
        "colleague": gql.token(colleague, department.tenant),
    }
    return Office(gql, department, leader, secretary, colleague, tokens)


def monday(weeks_ahead: int = 1) -> datetime:
    """09:00 Shanghai time (01:00 UTC) on a Monday `weeks_ahead` weeks from now."""
    today = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 * weeks_ahead - today.weekday())
