"""The words of running documents, defined once: the engine decides with them, `models` stores
them in enum columns and `schema` exposes them as GraphQL enums (member names are the GraphQL
values: ``TaskAction.ADD_SIGNERS`` is ``ADD_SIGNERS``).

This module imports nothing, so every layer may import it (a departure recorded in
docs/architecture.md)."""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"  # acted on: see the outcome
    CANCELLED = "cancelled"  # by the engine (node decided elsewhere, return, withdraw, ...)
    DELEGATED = "delegated"  # 委托: handed to someone else (maybe coming back)
    TRANSFERRED = "transferred"  # 转交
    ESCALATED = "escalated"  # deadline passed, moved to the escalateTo users
    SUSPENDED = "suspended"  # 前加签: waits for the added signers, comes back as a new task
    REMOVED = "removed"  # 减签: its signer was removed from the countersign
    WITHDRAWN = "withdrawn"  # 撤回: the previous handler took the step back before anyone began
    JUMPED = "jumped"  # 跳转: a manager moved the document elsewhere


class TaskOutcome(StrEnum):
    """How a completed task was decided: 同意, 不同意 (驳回), 退回."""

    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"


class TaskAction(StrEnum):
    """What a user may do to a task, one member per mutation (``approveTask`` is APPROVE,
    ``addSigners`` is ADD_SIGNERS)."""

    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"
    DELEGATE = "delegate"
    TRANSFER = "transfer"
    CLAIM = "claim"
    UNCLAIM = "unclaim"
    ADD_SIGNERS = "add_signers"
    OPEN = "open"  # the holder opens it for the first time (after that, 撤回 is too late)
    TAKE_BACK = "take_back"  # 撤回: on a task one completed, while the next step is untouched


class DocumentAction(StrEnum):
    """What a user may do to a document as a whole, one member per mutation
    (``submitDocument`` is SUBMIT, ``urgeDocument`` is URGE)."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    URGE = "urge"
    TERMINATE = "terminate"
    ARCHIVE = "archive"
    REMOVE_SIGNERS = "remove_signers"  # 减签 at an open countersign
    JUMP = "jump"  # 跳转 to any step, by a document manager
