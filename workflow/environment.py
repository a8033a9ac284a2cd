"""What a step needs to know about the world outside the instance: the working-time calendar
its deadlines count on, and the out-of-office rules (委托规则) in force. The services layer reads
both for the document and the moment of the step and passes them in; the engine stays pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .worktime import WorkCalendar

__all__ = ["Environment", "delegate_of"]


@dataclass(frozen=True)
class Environment:
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    #: user -> the delegate a rule in force now sends that user's new tasks to.
    delegations: Mapping[str, str] = field(default_factory=dict)


def delegate_of(env: Environment, user: str, barred: str | None = None) -> str:
    """Who gets a new task of ``user``: follow the rules from ``user`` while the next person is
    new to the chain and not ``barred`` (the initiator, where duties are separated); the last
    person reached gets it. A cycle (a → b → a) so stops at its last new person (b), and never
    loops."""
    chain = [user]
    while (nxt := env.delegations.get(chain[-1])) and nxt not in chain and nxt != barred:
        chain.append(nxt)
    return chain[-1]
