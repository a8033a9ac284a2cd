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
    "Jump",
    "Open",
    "Reject",
    "RemoveSigners",
    "Return",
    "Submit",
    "TakeBack",
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


@dataclass(frozen=True)
class Open:
    """The holder (or a candidate) opens the task; the first time is recorded, and from then
    on the previous handler can no longer take the step back."""

    actor: str
    task_id: str


@dataclass(frozen=True)
class TakeBack:
    """撤回: whoever completed ``task_id`` takes the step back while the next one is untouched."""

    actor: str
    task_id: str
    comment: str | None = None


@dataclass(frozen=True)
class RemoveSigners:
    """减签 at the open countersign ``node_id``: ``users`` who have not voted stop voting. Each
    must have been added (加签) by the actor, unless the actor is a manager (``manager``:
    permission is checked by the caller)."""

    actor: str
    node_id: str
    users: tuple[str, ...]
    reason: str | None = None
    manager: bool = False


@dataclass(frozen=True)
class Jump:
    """跳转 to ``node_id`` (a task, countersign or end node), by a document manager (permission
    is checked by the caller), with a reason."""

    actor: str
    node_id: str
    reason: str


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
    | Open
    | TakeBack
    | RemoveSigners
    | Jump
)
