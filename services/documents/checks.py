"""Who may do what to a document or a task now: one check per action. The mutation runs the
check before it acts and `allowedActions` lists the actions whose check passes, so a button
offered is an action that works (given valid input) and every other one is refused with the
error the check raises.

The engine answers for the flow (task open, the user's to act on, the node allows it, there is
somewhere to return to); this module adds who may urge, terminate, submit and archive."""

from __future__ import annotations

from collections.abc import Callable

import workflow
from models.access import Actor, Permission
from models.documents import Document, DocumentStatus
from services.documents.runtime import engine_error, instance_of
from services.errors import Code, ServiceError
from workflow import DocumentAction, TaskAction


def check_task(
    actor: Actor,
    document: Document,
    flow: workflow.FlowDefinition,
    task_key: str,
    action: TaskAction,
) -> None:
    try:
        workflow.check_task_action(
            flow, instance_of(document), action, task_key, str(actor.user_id)
        )
    except workflow.EngineError as error:
        raise engine_error(error) from error


def check_document(
    actor: Actor, document: Document, flow: workflow.FlowDefinition, action: DocumentAction
) -> None:
    _DOCUMENT_CHECKS[action](actor, document, flow)


def task_actions(
    actor: Actor, document: Document, flow: workflow.FlowDefinition, task_key: str
) -> list[TaskAction]:
    return [a for a in TaskAction if _passes(check_task, actor, document, flow, task_key, a)]


def document_actions(
    actor: Actor, document: Document, flow: workflow.FlowDefinition
) -> list[DocumentAction]:
    return [a for a in DocumentAction if _passes(check_document, actor, document, flow, a)]


def _passes(check: Callable[..., None], *args: object) -> bool:
    try:
        check(*args)
    except ServiceError:
        return False
    return True


def _engine(
    actor: Actor, document: Document, flow: workflow.FlowDefinition, a: DocumentAction
) -> None:
    try:
        workflow.check_document_action(flow, instance_of(document), a, str(actor.user_id))
    except workflow.EngineError as error:
        raise engine_error(error) from error


def _initiator_or_manager(actor: Actor, document: Document) -> bool:
    return document.initiator_id == actor.user_id or actor.has(Permission.DOCUMENTS_MANAGE)


def _may_submit(actor: Actor, document: Document, flow: workflow.FlowDefinition) -> None:
    if document.initiator_id != actor.user_id:
        raise ServiceError.of(Code.FORBIDDEN, "Only the initiator submits a document", "id")
    if document.status != DocumentStatus.DRAFT:
        raise ServiceError.of(Code.CONFLICT, f"The document is already {document.status.value}")


def _may_withdraw(actor: Actor, document: Document, flow: workflow.FlowDefinition) -> None:
    _engine(actor, document, flow, DocumentAction.WITHDRAW)


def _may_urge(actor: Actor, document: Document, flow: workflow.FlowDefinition) -> None:
    if not _initiator_or_manager(actor, document):
        raise ServiceError.of(Code.FORBIDDEN, "Only the initiator or a manager urges")
    _engine(actor, document, flow, DocumentAction.URGE)


def _may_terminate(actor: Actor, document: Document, flow: workflow.FlowDefinition) -> None:
    if not actor.has(Permission.DOCUMENTS_MANAGE):
        raise ServiceError.of(Code.FORBIDDEN, "Terminating needs documents.manage")
    _engine(actor, document, flow, DocumentAction.TERMINATE)


def _may_archive(actor: Actor, document: Document, flow: workflow.FlowDefinition) -> None:
    if not _initiator_or_manager(actor, document):
        raise ServiceError.of(Code.FORBIDDEN, "Only the initiator or a document manager archives")
    if document.status != DocumentStatus.COMPLETED:
        raise ServiceError.of(
            Code.INVALID_STATE,
            f"Only completed documents are archived, not {document.status.value}",
        )


_DOCUMENT_CHECKS: dict[DocumentAction, Callable[[Actor, Document, workflow.FlowDefinition], None]]
_DOCUMENT_CHECKS = {
    DocumentAction.SUBMIT: _may_submit,
    DocumentAction.WITHDRAW: _may_withdraw,
    DocumentAction.URGE: _may_urge,
    DocumentAction.TERMINATE: _may_terminate,
    DocumentAction.ARCHIVE: _may_archive,
}
