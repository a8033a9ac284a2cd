"""Calendar mutations, one module each: the input, its service command and the field. Each
changes the actor's tenant's calendar: the platform administrator's is the platform's, a
tenant administrator's the tenant's overrides."""

from __future__ import annotations

import strawberry

from schema.workdays.mutations.clear_calendar_days import clear_calendar_days
from schema.workdays.mutations.set_calendar_days import set_calendar_days
from schema.workdays.mutations.set_working_hours import set_working_hours


@strawberry.type
class WorkdayMutation:
    set_calendar_days = set_calendar_days
    clear_calendar_days = clear_calendar_days
    set_working_hours = set_working_hours
