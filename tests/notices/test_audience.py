"""Who a notice reaches, called as services: units with those below them, roles, everyone;
the validity period at its edges; what managers, authors and readers may open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.access import DataScope
from models.notices import Notice, NoticeStatus
from server.settings import Settings
from services import directory
from services.notices import create_notice, reach, recipients, recipients_of, visible
from services.notices.audience import in_force, path_ids, published_to
from tests.notices.desk import Desk, desk

NOW = datetime(2030, 1, 10, tzinfo=UTC)


@pytest.fixture
async def office(database: Settings) -> Desk:
    return await desk()


async def published(office: Desk, title: str, **values: object) -> Notice:
    notice = await create_notice(office.admin, title=title, **values)  # type: ignore[arg-type]
    notice.status = NoticeStatus.PUBLISHED
    await notice.save()
    return notice


def test_a_path_names_its_units_from_the_root_down() -> None:
    a, b = "0" * 31 + "a", "0" * 31 + "b"
    assert [u.hex for u in path_ids(f"/{a}/{b}/")] == [a, b]
    assert path_ids("/") == []


async def test_units_roles_and_everyone(office: Desk) -> None:
    role = await directory.create_role(
        office.admin, code="reader", name="读者", permissions=[], data_scope=DataScope.SELF
    )
    accountant = office.people["accountant"]
    await directory.assign_role(office.admin, user_id=accountant.user_id, role_id=role.id)
    to_office = await published(office, "办公室", org_unit_ids=[office.units["办公室"].id])
    to_role = await published(office, "读者", role_ids=[role.id])
    to_all = await published(office, "全员", to_everyone=True)
    draft = await create_notice(office.admin, title="草稿", to_everyone=True)
    names = {}
    for who in ("clerk", "accountant", "loner"):
        found = await reach(office.scope, office.people[who].user_id)
        rows = await published_to(office.scope, found, NOW).order_by("title")
        names[who] = sorted(n.title for n in rows)
    assert names == {
        "clerk": ["全员", "办公室"],
        "accountant": ["全员", "读者"],
        "loner": ["全员"],
    }
    people = {
        n.title: sorted(u.display_name for u in users)
        for n, users in zip(
            [to_office, to_role, to_all],
            (await recipients_of(office.scope, [to_office, to_role, to_all])).values(),
            strict=True,
        )
    }
    assert people["办公室"] == ["clerk"]
    assert people["读者"] == ["accountant"]
    assert len(people["全员"]) == 5, "the administrator and the four"
    assert [u.display_name for u in await recipients(office.scope, to_role)] == ["accountant"]
    assert len(await recipients(office.scope, draft)) == 5
    clerk = office.people["clerk"]
    found = await reach(office.scope, clerk.user_id)
    assert {n.title for n in await visible(clerk, found, NOW)} == {"全员", "办公室"}
    mine = await create_notice(clerk, title="我的草稿")
    assert {n.title for n in await visible(clerk, found, NOW)} == {"全员", "办公室", "我的草稿"}
    everything = await visible(office.people["editor"], found, NOW)
    assert {n.id for n in everything} >= {draft.id, mine.id, to_role.id}


async def test_the_period_at_its_edges(office: Desk) -> None:
    day = timedelta(days=1)
    await published(office, "从今天起", to_everyone=True, valid_from=NOW)
    await published(office, "明天起", to_everyone=True, valid_from=NOW + timedelta(seconds=1))
    await published(office, "今天止", to_everyone=True, valid_until=NOW)
    await published(office, "明天止", to_everyone=True, valid_from=NOW - day, valid_until=NOW + day)
    in_period = await in_force(office.scope.query(Notice), NOW)
    assert sorted(n.title for n in in_period) == ["从今天起", "明天止"]
    clerk = office.people["clerk"]
    found = await reach(office.scope, clerk.user_id)
    assert sorted(n.title for n in await visible(clerk, found, NOW)) == ["从今天起", "明天止"]
