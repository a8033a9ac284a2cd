"""Officecloud's flow engine (流程引擎) as pure code: no I/O, no ORM, no clock, no asyncio.

A flow is data (:class:`FlowDefinition`, :mod:`workflow.definition`): nodes (start, task,
countersign, exclusive and parallel gateways, end) joined by transitions whose conditions are
CEL over ``form`` and ``doc`` (:mod:`workflow.expressions`). :func:`validate`
(:mod:`workflow.validation`) checks a definition at publish time; :func:`import_bpmn` /
:func:`export_bpmn` (:mod:`workflow.bpmn`) exchange it with bpmn-js and Camunda Modeler;
:func:`load_definition` parses a stored one once for reads and writes alike.

At run time the services layer keeps an :class:`Instance` (JSON, ``to_json()``) per document
and calls :func:`start`, :func:`act`, :func:`assign` and :func:`fire_timer` inside its
transaction, passing form data, document attributes and ``now``. Each returns a :class:`Step`:
the new instance plus effects to apply (tasks created/closed, nodes completed, numbers to
allocate, timers to schedule, notifications, audit events, status change). The instance JSON
carries ``schema_version``; :meth:`Instance.from_json` upgrades what an earlier engine wrote
(:mod:`workflow.migrations`).

Inside, :mod:`workflow.engine` holds the entry points. Each makes a working copy of the
instance (:mod:`workflow.working`), applies an action (:mod:`workflow.actions`, handled in
:mod:`workflow.handlers`), an assignment (:mod:`workflow.assignment`) or a timer
(:mod:`workflow.timers`), and freezes the result (:mod:`workflow.state`,
:mod:`workflow.effects`). What a node does is its behaviour class in :mod:`workflow.nodes`, one
module per node type with lifecycle hooks (``enter`` when routing reaches it, ``open`` when its
users are known, ``approve`` / ``reject`` of its tasks, ``add_signers``, ``check_handover``,
``return_users``); routing (:mod:`workflow.routing`) and returns (:mod:`workflow.returns`)
dispatch on them.

Assignment is two-phase. Routing stops at a wait node with an :class:`Activation` (node id +
assignee rule). Rules the engine can answer alone (users, previous_handler, form_field) are
resolved at once; for role / org_unit_leader / initiator_leader the service looks the users up
in the directory and calls ``assign(defn, instance, activation.id, user_ids, now=...)``, which
opens the tasks. Illegal actions raise :class:`EngineError` and change nothing; its message is
for people and names nodes by their names.

Each action has one check (:func:`check_task_action`, :func:`check_document_action`, in
:mod:`workflow.checks`) that its handler runs first; :func:`allowed_actions` lists the task
actions whose check passes, so the buttons a client is offered are the actions that succeed.
Besides the everyday actions there are 撤回 (:class:`TakeBack`, :mod:`workflow.takeback`), 减签
(:class:`RemoveSigners`, :mod:`workflow.signers`) and 跳转 (:class:`Jump`,
:mod:`workflow.jumps`); opening a task (:class:`Open`) is recorded because it ends 撤回.

What a step needs from outside the instance comes in an :class:`Environment`: the working-time
calendar deadlines count on (:class:`WorkCalendar`, :mod:`workflow.worktime`) and the
out-of-office rules in force (a new task of someone away goes to her delegate). Separation of
duties (``separateDuties`` on the flow or a node) keeps the initiator from approving there.
The words (task statuses, outcomes, task and document actions) are the enums of
:mod:`workflow.vocabulary`, shared with the database and the GraphQL schema.
"""

from .actions import (
    Action,
    AddSigner,
    Approve,
    Claim,
    Delegate,
    Jump,
    Open,
    Reject,
    RemoveSigners,
    Return,
    Submit,
    TakeBack,
    Terminate,
    Transfer,
    Unclaim,
    Urge,
    Withdraw,
)
from .assignment import copy_users
from .bpmn import export_bpmn, export_notes, import_bpmn
from .checks import allowed_actions, check_document_action, check_task_action
from .definition import (
    AssigneeRule,
    CountersignConfig,
    CountersignMode,
    CountersignOrder,
    Deadline,
    FieldAccess,
    FlowDefinition,
    FormFieldRule,
    InitiatorLeaderRule,
    Node,
    NodeType,
    OrgUnitLeaderRule,
    PreviousHandlerRule,
    RoleRule,
    TimeoutAction,
    Transition,
    UsersRule,
    load_definition,
)
from .effects import CompletedNode, Event, Notification, Step, Timer
from .engine import act, assign, fire_timer, resolve_builtin, start
from .environment import Environment
from .errors import EngineError
from .expressions import Condition, ExpressionError, compile_condition
from .migrations import SCHEMA_VERSION
from .nodes import countersign_threshold
from .returns import return_targets
from .signers import removable_signers
from .state import Activation, Instance, InstanceStatus, Task
from .templates import ROLE_CODES, TEMPLATES, dispatch_template, receipt_template, template
from .validation import Problem, field_known, parse_definition, validate
from .vocabulary import DocumentAction, TaskAction, TaskOutcome, TaskStatus
from .worktime import (
    Hours,
    WorkCalendar,
    add_working_days,
    add_working_hours,
    is_working_time,
    working_time_between,
)

__all__ = [
    "ROLE_CODES",
    "SCHEMA_VERSION",
    "TEMPLATES",
    "Action",
    "Activation",
    "AddSigner",
    "Approve",
    "AssigneeRule",
    "Claim",
    "CompletedNode",
    "Condition",
    "CountersignConfig",
    "CountersignMode",
    "CountersignOrder",
    "Deadline",
    "Delegate",
    "DocumentAction",
    "EngineError",
    "Environment",
    "Event",
    "ExpressionError",
    "FieldAccess",
    "FlowDefinition",
    "FormFieldRule",
    "Hours",
    "InitiatorLeaderRule",
    "Instance",
    "InstanceStatus",
    "Jump",
    "Node",
    "NodeType",
    "Notification",
    "Open",
    "OrgUnitLeaderRule",
    "PreviousHandlerRule",
    "Problem",
    "Reject",
    "RemoveSigners",
    "Return",
    "RoleRule",
    "Step",
    "Submit",
    "TakeBack",
    "Task",
    "TaskAction",
    "TaskOutcome",
    "TaskStatus",
    "Terminate",
    "TimeoutAction",
    "Timer",
    "Transfer",
    "Transition",
    "Unclaim",
    "Urge",
    "UsersRule",
    "Withdraw",
    "WorkCalendar",
    "act",
    "add_working_days",
    "add_working_hours",
    "allowed_actions",
    "assign",
    "check_document_action",
    "check_task_action",
    "compile_condition",
    "copy_users",
    "countersign_threshold",
    "dispatch_template",
    "export_bpmn",
    "export_notes",
    "field_known",
    "fire_timer",
    "import_bpmn",
    "is_working_time",
    "load_definition",
    "parse_definition",
    "receipt_template",
    "removable_signers",
    "resolve_builtin",
    "return_targets",
    "start",
    "template",
    "validate",
    "working_time_between",
]
