"""The document vocabulary's enums (kinds, urgency, secrecy, statuses, task lists, actions),
registered with strawberry and described for the schema: the Python enums live in `models`
and `workflow`, which do not know strawberry."""

from __future__ import annotations

import strawberry

from models import documents as m
from resolvers.documents import DocumentList, TaskList
from schema.types import describe_values
from workflow.vocabulary import DocumentAction, TaskAction, TaskOutcome, TaskStatus

strawberry.enum(
    m.DocumentKind, name="DocumentKind", description="What kind of official document a type makes."
)
describe_values(
    m.DocumentKind,
    {
        "DISPATCH": "发文: outgoing dispatch.",
        "RECEIPT": "收文: incoming receipt.",
        "REQUEST": "签报 / 请示: an internal request.",
        "OTHER": "Anything else.",
    },
)
strawberry.enum(m.Urgency, name="Urgency", description="缓急")
describe_values(
    m.Urgency, {"NORMAL": "平件.", "URGENT": "加急.", "EXTRA_URGENT": "特急.", "FLASH": "特提."}
)
strawberry.enum(m.Secrecy, name="Secrecy", description="密级, narrowest last")
describe_values(
    m.Secrecy,
    {
        "PUBLIC": "Public (公开).",
        "INTERNAL": "Internal (内部).",
        "SECRET": "秘密.",
        "CONFIDENTIAL": "机密.",
        "TOP_SECRET": "绝密.",
    },
)
strawberry.enum(m.DocumentStatus, name="DocumentStatus", description="Where a document stands.")
describe_values(
    m.DocumentStatus,
    {
        "DRAFT": "Being drafted (拟稿), not submitted.",
        "IN_PROGRESS": "In its flow.",
        "COMPLETED": "Its flow ended with approval.",
        "REJECTED": "Its flow ended with a rejection.",
        "WITHDRAWN": "Withdrawn by its initiator (收回).",
        "TERMINATED": "Stopped by someone with documents.manage.",
        "ARCHIVED": "Archived (归档): read-only.",
    },
)
strawberry.enum(
    TaskList,
    name="TaskList",
    description="待办 (OPEN), 已办 (DONE), or DELEGATED: tasks your out-of-office rules sent to "
    "your delegates (委托).",
)
describe_values(
    TaskList,
    {
        "OPEN": "待办: waiting for me, including pool tasks I may claim.",
        "DONE": "已办: tasks I acted on.",
        "DELEGATED": "Tasks my out-of-office rules sent to my delegates.",
    },
)
strawberry.enum(DocumentList, name="DocumentList", description="Which documents.")
describe_values(
    DocumentList, {"STARTED": "Documents I drafted.", "READABLE": "Every document I may read."}
)
strawberry.enum(
    TaskStatus,
    name="TaskStatus",
    description="OPEN until acted on (COMPLETED, see the outcome) or handed on: DELEGATED (委托), "
    "TRANSFERRED (转交), ESCALATED (past its deadline), SUSPENDED (前加签); or ended by someone "
    "else: REMOVED (减签), WITHDRAWN (its previous handler took the step back, 撤回), JUMPED (a "
    "manager moved the document, 跳转), CANCELLED by the flow.",
)
describe_values(
    TaskStatus,
    {
        "OPEN": "Waiting for its assignee (待办).",
        "COMPLETED": "Acted on: see `outcome`.",
        "CANCELLED": (
            "Closed by the engine: the node was decided elsewhere, or the document returned "
            "or withdrawn."
        ),
        "DELEGATED": "委托: handed to someone else (it may come back).",
        "TRANSFERRED": "Handed to another user (转交).",
        "ESCALATED": "Its deadline passed: moved to the node's escalateTo users.",
        "SUSPENDED": "前加签: waits for the added signers, then comes back as a new task.",
        "REMOVED": "Its signer was removed from a countersign (减签).",
        "WITHDRAWN": "撤回: the previous handler took the step back before anyone began.",
        "JUMPED": "跳转: a document manager moved the document elsewhere.",
    },
)
strawberry.enum(
    TaskOutcome, name="TaskOutcome", description="How a task was decided: 同意, 不同意, 退回."
)
describe_values(
    TaskOutcome,
    {
        "APPROVE": "Approved (同意).",
        "REJECT": "Rejected (不同意, 驳回).",
        "RETURN": "Returned to an earlier node (退回).",
    },
)
strawberry.enum(
    TaskAction,
    name="TaskAction",
    description="An action on a task, named after its mutation (APPROVE is approveTask, "
    "ADD_SIGNERS is addSigners, TAKE_BACK is takeBackTask on a task you completed).",
)
describe_values(
    TaskAction,
    {
        "APPROVE": "Approve (同意).",
        "REJECT": "Reject (不同意), ending the document.",
        "RETURN": "Return (退回) to an earlier node.",
        "DELEGATE": "Delegate (委托) to another user who acts for you.",
        "TRANSFER": "Transfer (转交) to another user.",
        "CLAIM": "Claim a pool task.",
        "UNCLAIM": "Give a claimed task back to the pool.",
        "ADD_SIGNERS": "Add signers to a countersign (加签).",
        "OPEN": "Open it for the first time (after that, 撤回 is too late).",
        "TAKE_BACK": "撤回: on a task you completed, while the next step is untouched.",
    },
)
strawberry.enum(
    DocumentAction,
    name="DocumentAction",
    description="An action on a document, named after its mutation (SUBMIT is submitDocument, "
    "URGE is urgeDocument, REMOVE_SIGNERS is removeSigners, JUMP is jumpDocument).",
)
describe_values(
    DocumentAction,
    {
        "SUBMIT": "Submit the draft into its flow.",
        "WITHDRAW": "Withdraw (收回) it, by the initiator.",
        "URGE": "Urge (催办) the holders of its open tasks.",
        "TERMINATE": "Stop it (documents.manage).",
        "ARCHIVE": "Archive (归档) a finished document.",
        "REMOVE_SIGNERS": "Remove signers from a countersign (减签).",
        "JUMP": "Move it to another node (跳转).",
    },
)
