"""The one way a mutation runs.

Its input turns itself into a service command (`input.to_command()`: global ids decoded to
UUIDs of the type they must name and arguments not sent as the services' `KEEP`, both by
`resolvers.ids`); `perform` runs the command for the viewer and keeps the service's expected
failures (`ServiceError`) as the `errors` of the payload, which `Payload.of(outcome)` builds:

    async def approve_task(info: Info, input: ApproveTaskInput) -> TaskPayload:
        return TaskPayload.of(await perform(info, input.to_command()))

`command(service, **arguments)` is checked by mypy against the service's signature.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Concatenate, Generic, NamedTuple, ParamSpec, TypeVar

import strawberry

from models.access import Actor
from schema.types import Info
from services.errors import Code, Problem, ServiceError

P = ParamSpec("P")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

Command = Callable[[Actor | None], Awaitable[T]]
"""A service call with every argument but the actor."""


def command(
    service: Callable[Concatenate[Actor | None, P], Awaitable[T]],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Command[T]:
    def call(actor: Actor | None) -> Awaitable[T]:
        return service(actor, *args, **kwargs)

    return call


class Outcome(NamedTuple, Generic[T_co]):
    """What a command gave: its value, or the problems that stopped it."""

    value: T_co | None
    problems: tuple[Problem, ...] = ()


async def perform(info: Info, command: Command[T]) -> Outcome[T]:
    try:
        return Outcome(await command(info.context.actor))
    except ServiceError as error:
        return Outcome(None, error.problems)


def refused(code: Code, message: str, *field: str, retry_after: int | None = None) -> Outcome[Any]:
    """An outcome refused before any service ran."""
    return Outcome(None, (Problem(code, message, field or None, retry_after),))


Input = Annotated[
    T,
    strawberry.argument(
        description="Everything the mutation needs, as one input object (see its type)."
    ),
]
"""A mutation's one argument: `input: Input[ApproveTaskInput]`."""
