"""Circulation mutations, one module each."""

from __future__ import annotations

import strawberry

from schema.circulation.mutations.circulate_document import circulate_document
from schema.circulation.mutations.mark_circulation_read import mark_circulation_read
from schema.circulation.mutations.pass_on_circulation import pass_on_circulation
from schema.circulation.mutations.urge_circulation import urge_circulation


@strawberry.type
class CirculationMutation:
    circulate_document = circulate_document
    mark_circulation_read = mark_circulation_read
    urge_circulation = urge_circulation
    pass_on_circulation = pass_on_circulation
