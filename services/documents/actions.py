"""Actions on a running document: approve, reject, return (退回), delegate (委托), transfer (转交),
claim/unclaim, add signers (加签), open, take back (撤回), withdraw (收回), urge (催办), remove
signers (减签), jump (跳转), terminate.

Each runs in one transaction with the document row locked, so concurrent actions on one
document are serialised; whoever comes second finds the task closed and gets CONFLICT. Each
first runs its check (services.documents.checks), the one `allowedActions` asks."""

from __future__ import annotations

import uuid
from typing import Any, Literal

import workflow
from i18n import _
from models.access import Actor
from models.directory import OrgUnit, RoleAssignment, User, UserStatus
from models.documents import Task
from models.scope import TenantScope
from services.documents.checks import Situation, check_document, check_task
from services.documents.lifecycle import change_fields
from services.documents.runtime import Run, engine_error
from services.errors import Code, ServiceError, check_version, not_found, signed_in
from services.inputs import KEEP, Checks, parse_id
from services.uow import Work, transaction
from workflow import DocumentAction, TaskAction, TaskStatus


async def act_on_task(
    actor: Actor | None,
    *,
    task_id: uuid.UUID | str,
    action: TaskAction,
    comment: str | None = None,
    form_data: Any = KEEP,
    target_node_id: str | None = None,
    to_user_id: uuid.UUID | str | None = None,
    return_after: bool = True,
    user_ids: list[uuid.UUID | str] | None = None,
    position: Literal["before", "after"] = "after",
    expected_version: int | None = None,
) -> tuple[Run, Task]:
    actor = signed_in(actor)
    scope = TenantScope(actor.tenant_id)
    task = await scope.get(Task, task_id)
    if task is None:
        raise not_found(_("Task"), "id")
    async with transaction(actor) as work:
        run = await Run.load(work, actor, task.document_id, "id")
        check_version(run.document.version, expected_version)
        run.tasks[task.key] = task  # stale fields are all rewritten from the locked instance
        check_task(Situation.of(actor, run.document, run.flow), task.key, action)
        changes: dict[str, Any] = {}
        if form_data is not KEEP and action in (TaskAction.APPROVE, TaskAction.REJECT):
            changes = await change_fields(run, form_data or {}, complete=True)
        me = run.actor_key
        engine_action: workflow.Action
        match action:
            case TaskAction.APPROVE:
                engine_action = workflow.Approve(me, task.key, comment)
            case TaskAction.REJECT:
                engine_action = workflow.Reject(me, task.key, comment)
            case TaskAction.RETURN:
                engine_action = workflow.Return(me, task.key, target_node_id, comment)
            case TaskAction.DELEGATE:
                to = await _active_user(scope, to_user_id, "toUserId")
                engine_action = workflow.Delegate(me, task.key, to, return_after, comment)
            case TaskAction.TRANSFER:
                to = await _active_user(scope, to_user_id, "toUserId")
                engine_action = workflow.Transfer(me, task.key, to, comment)
            case TaskAction.CLAIM:
                engine_action = workflow.Claim(me, task.key)
            case TaskAction.UNCLAIM:
                engine_action = workflow.Unclaim(me, task.key)
            case TaskAction.ADD_SIGNERS:
                users = tuple([await _active_user(scope, u, "userIds") for u in user_ids or []])
                if not users:
                    raise ServiceError.of(Code.REQUIRED, _("Name at least one signer"), "userIds")
                engine_action = workflow.AddSigner(me, task.key, users, position, comment)
            case TaskAction.OPEN:
                engine_action = workflow.Open(me, task.key)
            case TaskAction.TAKE_BACK:
                engine_action = workflow.TakeBack(me, task.key, comment)
        await _run(run, engine_action, action.value, comment, changes, task)
    return run, run.tasks[task.key]


async def act_on_document(
    actor: Actor | None,
    *,
    document_id: uuid.UUID | str,
    action: DocumentAction,
    comment: str | None = None,
    task_id: uuid.UUID | str | None = None,
    node_id: str | None = None,
    user_ids: list[uuid.UUID | str] | None = None,
    expected_version: int | None = None,
) -> Run:
    """A document action; ``comment`` is the reason of a jump or a removal (required)."""
    actor = signed_in(actor)
    if action in (DocumentAction.JUMP, DocumentAction.REMOVE_SIGNERS):
        with Checks() as checks:
            comment = checks.text(comment, "reason", max_length=500)
            if not node_id:
                checks.fail(Code.REQUIRED, _("Name the step"), "nodeId")
    async with transaction(actor) as work:
        run = await Run.load(work, actor, document_id, "id")
        check_version(run.document.version, expected_version)
        now = Situation.of(actor, run.document, run.flow)
        check_document(now, action)
        me = run.actor_key
        engine_action: workflow.Action
        task = None
        match action:
            case DocumentAction.WITHDRAW:
                engine_action = workflow.Withdraw(me, comment)
            case DocumentAction.URGE:
                if task_id is not None:
                    task = await run.scope.get(Task, task_id)
                    if task is None or task.document_id != run.document.id:
                        raise not_found(_("Task"), "taskId")
                engine_action = workflow.Urge(me, task.key if task else None, comment)
            case DocumentAction.TERMINATE:
                engine_action = workflow.Terminate(me, comment)
            case DocumentAction.JUMP:
                engine_action = workflow.Jump(me, node_id or "", comment or "")
            case DocumentAction.REMOVE_SIGNERS:
                users = tuple([await _user_key(run.scope, u) for u in user_ids or []])
                if not users:
                    raise ServiceError.of(Code.REQUIRED, _("Name the signers to remove"), "userIds")
                engine_action = workflow.RemoveSigners(
                    me, node_id or "", users, comment, manager=now.manager
                )
            case _:
                raise ValueError(f"{action} has a use case of its own")
        await _run(run, engine_action, action.value, comment, {}, task)
    return run


async def _run(
    run: Run,
    action: workflow.Action,
    name: str,
    comment: str | None,
    changes: dict[str, Any],
    task: Task | None,
) -> None:
    try:
        step = workflow.act(
            run.flow,
            run.instance,
            action,
            run.document.form_data,
            run.attributes(),
            now=run.work.now,
            auto_assign=False,
            env=await run.environment(),
        )
    except workflow.EngineError as error:
        raise engine_error(error) from error
    await run.apply(step, action=name, comment=comment, changes=changes, task=task)


async def _user_key(scope: TenantScope, user_id: Any) -> str:
    """A user of the tenant (active or not: a signer who left can still be removed)."""
    user = await scope.get(User, user_id)
    if user is None:
        raise not_found(_("User"), "userIds")
    return str(user.id)


async def _active_user(scope: TenantScope, user_id: Any, field: str) -> str:
    key = parse_id(user_id)
    user = await scope.query(User).filter(id=key, status=UserStatus.ACTIVE).first() if key else None
    if user is None:
        raise not_found(_("Active user"), field)
    return str(user.id)


async def hand_over(work: Work, user: User, reason: str) -> int:
    """转交 every open task `user` holds to the leader of their org unit (the nearest leader
    above when the unit has none or it is `user`), else to a tenant administrator; each
    handover is in its document's trail. Runs in the caller's transaction."""
    actor = work.actor
    assert actor is not None
    scope = TenantScope(actor.tenant_id)
    tasks = await scope.query(Task).filter(assignee_id=user.id, status=TaskStatus.OPEN)
    if not tasks:
        return 0
    heir = await _heir(scope, user)
    if heir is None:
        raise ServiceError.of(
            Code.INVALID_STATE,
            _("Nobody can take over the open tasks of {username}", username=user.username),
        )
    for task in tasks:
        run = await Run.load(work, actor, task.document_id)
        transfer = workflow.Transfer(str(user.id), task.key, str(heir), reason)
        await _run(run, transfer, "handed_over", reason, {}, task)
    return len(tasks)


async def _heir(scope: TenantScope, user: User) -> uuid.UUID | None:
    unit = await scope.get(OrgUnit, user.primary_org_unit_id)
    chain = [uuid.UUID(hex=p) for p in unit.path.strip("/").split("/")] if unit else []
    leaders: dict[uuid.UUID, uuid.UUID | None] = dict(
        await scope.query(OrgUnit).filter(id__in=chain).values_list("id", "leader_id")
    )
    active = set(
        await scope.query(User)
        .filter(status=UserStatus.ACTIVE)
        .filter(id__in=[v for v in leaders.values() if v])
        .values_list("id", flat=True)
    )
    for key in reversed(chain):
        leader = leaders.get(key)
        if leader and leader != user.id and leader in active:
            return leader
    admin = (
        await scope.query(RoleAssignment)
        .filter(role__code="tenant_admin", user__status=UserStatus.ACTIVE)
        .exclude(user_id=user.id)
        .order_by("created_at")
        .first()
    )
    return admin.user_id if admin else None
