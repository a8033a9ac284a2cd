"""A tenant's working-day calendar edited through the service: each refusal word for word and
field by field, the rows stored (a day entered again is replaced), the audit entries, and the
merged calendar the edits answer with."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from models.audit import AuditEntry
from models.workdays import CalendarDay, DayKind, DaySource, WorkSchedule
from server.settings import Settings
from services import workdays
from services.errors import ServiceError
from services.inputs import Checks
from services.workdays import DayInput
from tests.conftest import Department, new_department

DAY = date(2040, 3, 5)  # a Monday no package knows
ORDER = "Working periods must be in order and not overlap"


@pytest.fixture
async def department(database: Settings) -> Department:
    return await new_department()


async def refused(call: Any) -> list[tuple[str, str, tuple[str, ...] | None]]:
    with pytest.raises(ServiceError) as caught:
        await call
    return [(p.code.value, str(p.message), p.field) for p in caught.value.problems]


async def trail(department: Department, action: str) -> list[tuple[Any, ...]]:
    rows = await AuditEntry.filter(tenant_id=department.tenant.id, action=action).order_by("seq")
    return [(r.target_type, r.target_id, r.actor_id, r.data) for r in rows]


def hours_problems(hours: Any) -> list[tuple[str, str, Any]]:
    checks = Checks()
    workdays.check_hours(checks, hours, "a", "b")
    return [(p.code.value, str(p.message), p.field) for p in checks.problems]


def test_working_periods_are_pairs_in_order() -> None:
    assert hours_problems([("09:00", "12:00"), ("12:00", "18:00")]) == [
        ("INVALID", ORDER, ("a", "b"))
    ]
    assert hours_problems([("09:00", "12:00"), ("12:01", "18:00")]) == []
    assert hours_problems([("13:00", "18:00"), ("09:00", "12:00")]) == [
        ("INVALID", ORDER, ("a", "b"))
    ]
    assert hours_problems([("09:00", "09:00")]) == [("INVALID", ORDER, ("a", "b"))]
    pairs = ("INVALID", 'Give hours as ["HH:MM", "HH:MM"] pairs', ("a", "b"))
    assert hours_problems([("9h", "12:00")]) == [pairs]
    assert hours_problems([("09:00",)]) == [pairs]


async def test_days_are_stored_replaced_and_audited(department: Department) -> None:
    admin = department.actor
    scope = department.scope
    half = DayInput(DAY + timedelta(days=1), DayKind.WORKDAY, "半天", [("09:00", "12:00")])
    answer = await workdays.set_days(admin, days=[half, DayInput(DAY, DayKind.HOLIDAY, "区庆")])
    assert answer.touched == (DAY, DAY + timedelta(days=1))
    assert answer.calendar.days == {DAY: (), DAY + timedelta(days=1): ((time(9), time(12)),)}
    assert {d: (row.name, own) for d, (row, own) in answer.rows.items()} == {
        DAY: ("区庆", True),
        DAY + timedelta(days=1): ("半天", True),
    }
    rows = {r.day: r for r in await scope.query(CalendarDay).order_by("day")}
    assert [(r.kind, r.name, r.hours, r.source) for r in rows.values()] == [
        (DayKind.HOLIDAY, "区庆", None, DaySource.ADMIN),
        (DayKind.WORKDAY, "半天", [["09:00", "12:00"]], DaySource.ADMIN),
    ]
    await CalendarDay.filter(id=rows[DAY].id).update(source=DaySource.SEED)
    again = await workdays.set_days(admin, days=[DayInput(DAY, DayKind.WORKDAY)])
    assert again.touched == (DAY,)
    row = await scope.query(CalendarDay).get(day=DAY)
    assert (row.id, row.kind, row.name, row.hours, row.source) == (
        rows[DAY].id,
        DayKind.WORKDAY,
        "",
        None,
        DaySource.ADMIN,
    )
    assert again.calendar.days[DAY] == again.calendar.hours
    tenant = str(department.tenant.id)
    assert await trail(department, "calendar.days_set") == [
        (
            "Tenant",
            tenant,
            department.admin.id,
            {"days": {"2040-03-06": "workday", "2040-03-05": "holiday"}},
        ),
        ("Tenant", tenant, department.admin.id, {"days": {"2040-03-05": "workday"}}),
    ]

    cleared = await workdays.clear_days(
        admin, days=[DAY + timedelta(days=1), DAY, DAY + timedelta(days=9)]
    )
    assert cleared.touched == (DAY, DAY + timedelta(days=1), DAY + timedelta(days=9))
    assert cleared.rows == {}
    assert not await scope.query(CalendarDay).exists()
    assert await trail(department, "calendar.days_cleared") == [
        (
            "Tenant",
            tenant,
            department.admin.id,
            {"days": ["2040-03-05", "2040-03-06", "2040-03-14"], "removed": 2},
        )
    ]


async def test_day_edits_are_refused_word_for_word(department: Department) -> None:
    admin = department.actor
    count = ("INVALID", "Give 1 to 400 days", ("days",))
    assert await refused(workdays.set_days(admin, days=[])) == [count]
    assert await refused(workdays.clear_days(admin, days=[])) == [count]
    many = [DAY + timedelta(days=n) for n in range(401)]
    assert await refused(workdays.clear_days(admin, days=many)) == [count]
    assert (await workdays.clear_days(admin, days=many[:400])).touched == tuple(many[:400])
    assert await refused(
        workdays.set_days(admin, days=[DayInput(d, DayKind.HOLIDAY) for d in many])
    ) == [count]
    assert await refused(
        workdays.set_days(
            admin,
            days=[
                DayInput(DAY, DayKind.HOLIDAY, "n" * 101),
                DayInput(DAY, DayKind.HOLIDAY, hours=[("09:00", "12:00")]),
                DayInput(DAY + timedelta(days=1), DayKind.WORKDAY, hours=[("12:00", "09:00")]),
            ],
        )
    ) == [
        ("DUPLICATE", "A day is given twice", ("days",)),
        ("TOO_LONG", "name is longer than 100 characters", ("days", "0", "name")),
        ("INVALID", "A holiday has no hours", ("days", "1", "hours")),
        ("INVALID", ORDER, ("days", "2", "hours")),
    ]
    assert not await department.scope.query(CalendarDay).exists()
    assert await trail(department, "calendar.days_set") == []
    assert (
        await workdays.set_days(admin, days=[DayInput(DAY, DayKind.HOLIDAY, "n" * 100)])
    ).touched == (DAY,)


async def test_the_schedule_is_set_and_followed_again(department: Department) -> None:
    admin = department.actor
    assert await refused(
        workdays.set_schedule(admin, hours=[], weekend=[0, 1, 2, 3, 4, 5, 6], timezone="X/Y")
    ) == [
        ("INVALID", "A working day has at least one period", ("hours",)),
        ("INVALID", "Weekend days are 0 (Monday) to 6, not all seven", ("weekend",)),
        ("INVALID", "Unknown time zone 'X/Y'", ("timezone",)),
    ]
    weekend = ("INVALID", "Weekend days are 0 (Monday) to 6, not all seven", ("weekend",))
    assert await refused(workdays.set_schedule(admin, weekend=[7])) == [weekend]
    assert await refused(workdays.set_schedule(admin, weekend=[-1])) == [weekend]
    assert await refused(workdays.set_schedule(admin, weekend=["5"])) == [weekend]
    assert not await department.scope.query(WorkSchedule).exists()

    set_ = await workdays.set_schedule(
        admin, hours=[("08:30", "17:30")], weekend=[6, 0, 6, 2, 3, 4], timezone="Asia/Urumqi"
    )
    assert set_.calendar.hours == ((time(8, 30), time(17, 30)),)
    assert set_.calendar.weekend == frozenset({0, 2, 3, 4, 6})
    assert set_.calendar.timezone == "Asia/Urumqi"
    row = await department.scope.query(WorkSchedule).get()
    assert (row.hours, row.weekend, row.timezone, row.version) == (
        [["08:30", "17:30"]],
        [0, 2, 3, 4, 6],
        "Asia/Urumqi",
        2,
    )
    only_zone = await workdays.set_schedule(admin, timezone="Asia/Shanghai")
    assert only_zone.calendar.hours == ((time(8, 30), time(17, 30)),)
    followed = await workdays.set_schedule(admin, hours=None, weekend=[], timezone=None)
    assert followed.calendar.hours == ((time(9), time(12)), (time(13), time(18)))
    assert followed.calendar.weekend == frozenset()
    assert followed.calendar.timezone == "Asia/Shanghai"
    row = await department.scope.query(WorkSchedule).get()
    assert (row.hours, row.weekend, row.timezone, row.version) == (None, [], None, 4)
    tenant = str(department.tenant.id)
    assert await trail(department, "calendar.schedule_set") == [
        (
            "Tenant",
            tenant,
            department.admin.id,
            {
                "hours": [["08:30", "17:30"]],
                "weekend": [0, 2, 3, 4, 6],
                "timezone": "Asia/Urumqi",
            },
        ),
        ("Tenant", tenant, department.admin.id, {"timezone": "Asia/Shanghai"}),
        ("Tenant", tenant, department.admin.id, {"hours": None, "weekend": [], "timezone": None}),
    ]
    weekly = await workdays.calendar_for(department.tenant.id, datetime(2040, 3, 5, 1, tzinfo=UTC))
    assert (weekly.weekend, weekly.days) == (frozenset(), {})


def test_seeding_adds_only_what_is_not_there() -> None:
    rows = workdays.seed_rows(set())
    assert rows == sorted(rows)
    known = {d for d, _, _ in rows[:-1]}
    (last,) = workdays.seed_rows(known)
    assert last == rows[-1]
    national = [r for r in rows if r[0] == date(2026, 10, 1)]
    assert national == [(date(2026, 10, 1), DayKind.HOLIDAY, "National Day")]
    assert (date(2026, 10, 10), DayKind.WORKDAY, "National Day") in rows
