"""Who may do what to a document or a task now: one check per action. The mutation runs the
check before it acts and `allowedActions` lists the actions whose check passes, so a button
offered is an action that works (given valid input) and every other one is refused with the
error the check raises.

The engine answers for the flow (task open, the user's to act on, the node allows it, there is
somewhere to return to, a step to take back, a signer to remove); this module adds who may
urge, terminate, jump, submit and archive, and who counts as a manager (documents.manage)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import workflow
from i18n import _
from models.access import Actor, Permission
from models.documents import Document, DocumentStatus
from services.documents.runtime import engine_error
from services.errors import Code, ServiceError
from workflow import DocumentAction, TaskAction


@dataclass(frozen=True, slots=True)
class Situation:
    """What the checks look at, read once: the actor, the document (locked, in a mutation), its
    flow and the engine's instance (None before the document is submitted)."""

    actor: Actor
    document: Document
    flow: workflow.FlowDefinition
    instance: workflow.Instance | None

    @classmethod
    def of(cls, actor: Actor, document: Document, flow: workflow.FlowDefinition) -> Situation:
        raw = document.instance
        instance = workflow.Instance.from_json(raw) if raw is not None else None
        return cls(actor, document, flow, instance)

    @property
    def running(self) -> workflow.Instance:
        if self.instance is None:
            raise ServiceError.of(Code.INVALID_STATE, _("The document has not been submitted"))
        return self.instance

    @property
    def user(self) -> str:
        return str(self.actor.user_id)

    @property
    def manager(self) -> bool:
        return self.actor.has(Permission.DOCUMENTS_MANAGE)


def check_task(now: Situation, task_key: str, action: TaskAction) -> None:
    try:
        workflow.check_task_action(now.flow, now.running, action, task_key, now.user)
    except workflow.EngineError as error:
        raise engine_error(error) from error


def check_document(now: Situation, action: DocumentAction) -> None:
    _DOCUMENT_CHECKS[action](now)


def task_actions(now: Situation, task_key: str) -> list[TaskAction]:
    return [a for a in TaskAction if _passes(check_task, now, task_key, a)]


def document_actions(now: Situation) -> list[DocumentAction]:
    return [a for a in DocumentAction if _passes(check_document, now, a)]


def _passes(check: Callable[..., None], *args: object) -> bool:
    try:
        check(*args)
    except ServiceError:
        return False
    return True


def removable_signers(now: Situation) -> dict[str, tuple[str, ...]]:
    """Per open countersign node, whom the viewer may remove (减签) now."""
    if now.instance is None or now.instance.is_terminal:
        return {}
    return workflow.removable_signers(now.flow, now.instance, now.user, now.manager)


def _engine(now: Situation, action: DocumentAction) -> None:
    try:
        workflow.check_document_action(now.flow, now.running, action, now.user, now.manager)
    except workflow.EngineError as error:
        raise engine_error(error) from error


def _initiator_or_manager(now: Situation) -> bool:
    return now.document.initiator_id == now.actor.user_id or now.actor.has(
        Permission.DOCUMENTS_MANAGE
    )


def _may_submit(now: Situation) -> None:
    if now.document.initiator_id != now.actor.user_id:
        raise ServiceError.of(Code.FORBIDDEN, _("Only the initiator submits a document"), "id")
    if now.document.status != DocumentStatus.DRAFT:
        raise ServiceError.of(
            Code.CONFLICT, _("The document is already {status}", status=now.document.status.value)
        )


def _may_withdraw(now: Situation) -> None:
    _engine(now, DocumentAction.WITHDRAW)


def _may_urge(now: Situation) -> None:
    if not _initiator_or_manager(now):
        raise ServiceError.of(Code.FORBIDDEN, _("Only the initiator or a manager urges"))
    _engine(now, DocumentAction.URGE)


def _may_terminate(now: Situation) -> None:
    if not now.actor.has(Permission.DOCUMENTS_MANAGE):
        raise ServiceError.of(Code.FORBIDDEN, _("Terminating needs documents.manage"))
    _engine(now, DocumentAction.TERMINATE)


def _may_jump(now: Situation) -> None:
    if not now.manager:
        raise ServiceError.of(Code.FORBIDDEN, _("Jumping needs documents.manage"))
    _engine(now, DocumentAction.JUMP)


def _may_remove_signers(now: Situation) -> None:
    _engine(now, DocumentAction.REMOVE_SIGNERS)


def _may_archive(now: Situation) -> None:
    if not _initiator_or_manager(now):
        raise ServiceError.of(
            Code.FORBIDDEN, _("Only the initiator or a document manager archives")
        )
    if now.document.status != DocumentStatus.COMPLETED:
        raise ServiceError.of(
            Code.INVALID_STATE,
            _(
                "Only completed documents are archived, not {status}",
                status=now.document.status.value,
            ),
        )


_DOCUMENT_CHECKS: dict[DocumentAction, Callable[[Situation], None]] = {
    DocumentAction.SUBMIT: _may_submit,
    DocumentAction.WITHDRAW: _may_withdraw,
    DocumentAction.URGE: _may_urge,
    DocumentAction.TERMINATE: _may_terminate,
    DocumentAction.ARCHIVE: _may_archive,
    DocumentAction.REMOVE_SIGNERS: _may_remove_signers,
    DocumentAction.JUMP: _may_jump,
}
