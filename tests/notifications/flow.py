"""The department the notification tests work in: a short flow (拟稿 → 核稿 with a deadline →
签发), people with e-mail addresses and phones. Holds no tests itself."""

from __future__ import annotations

import uuid
from typing import Any

from models.directory import User
from tests.conftest import GraphQL
from tests.documents.engine_flow import publish
from tests.documents.support import Office, staff

FLOW: dict[str, Any] = {
    "id": "notice",
    "name": "签报",
    "nodes": [
        {"id": "start", "type": "start"},
        {"id": "draft", "name": "拟稿", "type": "task", "assignee": {"kind": "previous_handler"}},
        {
            "id": "review",
            "name": "核稿",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "office_director"},
            "deadline": {"hours": 4, "remindBeforeHours": 1},
        },
        {
            "id": "sign",
            "name": "签发",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "leader"},
        },
        {"id": "end", "name": "结束", "type": "end"},
    ],
    "transitions": [
        {"id": "a", "source": "start", "target": "draft"},
        {"id": "b", "source": "draft", "target": "review"},
        {"id": "c", "source": "review", "target": "sign"},
        {"id": "d", "source": "sign", "target": "end"},
    ],
}
NOTIFICATIONS = (
    "query($unread: Boolean!) { myNotifications(unreadOnly: $unread, first: 50) { totalCount "
    "edges { node { id kind text link createdAt readAt } } } unreadNotificationCount }"
)


async def notice_office(gql: GraphQL, make_department: Any) -> Office:
    """Staffed, FLOW published, and everyone reachable by e-mail and phone (unique addresses:
    the SMTP server of a test may see other tests' messages)."""
    office = await staff(await make_department(), gql)
    office.type_id = await publish(office, FLOW, "notice")
    tag = uuid.uuid4().hex[:8]
    for i, (name, user) in enumerate(office.users.items()):
        await (
            office.department.scope.query(User)
            .filter(id=user.id)
            .update(email=f"{name}-{tag}@example.gov.cn", phone=f"1390000{i:04d}")
        )
        user.email, user.phone = f"{name}-{tag}@example.gov.cn", f"1390000{i:04d}"
    return office


async def notifications(office: Office, who: str, unread: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = (await office.run(who, NOTIFICATIONS, {"unread": unread})).data
    return result
