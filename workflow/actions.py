"""What users do to a running document: one frozen value per action, applied by
:func:`workflow.act` (the handlers are in :mod:`workflow.handlers`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Action",
    "AddSigner",
    "Approve",
    "Claim",
    "Delegate",
    "Reject",
    "Return",
    "Submit",
    "Terminate",
    "Transfer",
    "Unclaim",
    "Urge",
    "Withdraw",
]


@dataclass(frozen=True)
class Submit:
    """The initiator completes the draft task (task_id optional)."""

    actor: str
    task_id: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Approve:
    actor: str
    task_id: str
    comment: str | None = None


@dataclass(frozen=True)
class Reject:
    actor: str
    task_id: str
    comment: str | None = None


@dataclass(frozen=True)
class Return:
    """退回 to ``target_node`` (None = the previous wait node on this path)."""

    actor: str
    task_id: str
    target_node: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Delegate:
    """委托; with ``return_after`` the task comes back to the actor to decide."""

    actor: str
    task_id: str
    to_user: str
    return_after: bool = True
    comment: str | None = None


@dataclass(frozen=True)
class Transfer:
    actor: str
    task_id: str
    to_user: str
    comment: str | None = None


@dataclass(frozen=True)
class Claim:
    actor: str
    task_id: str


@dataclass(frozen=True)
class Unclaim:
    actor: str
    task_id: str


@dataclass(frozen=True)
class Withdraw:
    actor: str
    comment: str | None = None


@dataclass(frozen=True)
class Urge:
    """催办 one open task, or every open task when task_id is None."""

    actor: str
    task_id: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class AddSigner:
    """加签. Countersign node: adds voters (position ignored). Task node: ``before`` (they
    approve first, then the task comes back) or ``after`` (they approve after the actor)."""

    actor: str
    task_id: str
    users: tuple[str, ...]
    position: Literal["before", "after"] = "after"
    comment: str | None = None


@dataclass(frozen=True)
class Terminate:
    """Administrative end (permission is checked by the caller)."""

    actor: str
    reason: str | None = None


Action = (
    Submit
    | Approve
    | Reject
    | Return
    | Delegate
    | Transfer
    | Claim
    | Unclaim
    | Withdraw
    | Urge
    | AddSigner
    | Terminate
)
