"""People of one department for the service-level notification tests: reachable by e-mail and
phone, by neither, disabled; and rows written as the services would have."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.base import new_id
from models.directory import OrgUnit, User, UserStatus
from models.notifications import Channel, Notification, NotificationDelivery, NotificationKind
from services import directory
from tests.conftest import Department, new_department


@dataclass
class People:
    department: Department
    users: dict[str, User]

    def id(self, who: str) -> uuid.UUID:
        return self.users[who].id

    async def notification(self, who: str, text: str, at: datetime, **extra: Any) -> Notification:
        row = await self.department.scope.create(
            Notification, user_id=self.id(who), kind=NotificationKind.TASK_URGED, text=text, **extra
        )
        await self.department.scope.query(Notification).filter(id=row.id).update(created_at=at)
        row.created_at = at
        return row

    async def delivery(
        self, who: str, channel: Channel, at: datetime, **extra: Any
    ) -> NotificationDelivery:
        user = self.users[who]
        address = {Channel.EMAIL: user.email, Channel.SMS: user.phone, Channel.IM: user.username}
        row: NotificationDelivery = await self.department.scope.create(
            NotificationDelivery,
            id=new_id(),
            key=f"{uuid.uuid4()}:{channel.value}",
            user_id=user.id,
            channel=channel,
            address=address[channel],
            subject="【催办】请办理",
            body="请办理《关于采购的请示》",
            link="RG9jdW1lbnQ6MQ==",
            next_attempt_at=at,
            **extra,
        )
        return row


async def people() -> People:
    department = await new_department()
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    tag = uuid.uuid4().hex[:8]
    users = {}
    for name, email, phone in (
        ("reachable", f"reachable-{tag}@example.gov.cn", "13900000001"),
        ("unreachable", None, None),
        ("disabled", f"disabled-{tag}@example.gov.cn", None),
    ):
        users[name] = await directory.create_user(
            department.actor,
            username=f"{name}-{tag}",
            display_name=name,
            org_unit_ids=[root.id],
            email=email,
            phone=phone,
        )
    await (
        department.scope.query(User)
        .filter(id=users["disabled"].id)
        .update(status=UserStatus.DISABLED)
    )
    return People(department, users)
