"""BPMN 2.0 XML import and export of the supported subset (bpmn-js / Camunda Modeler).

Mapping (import and export)::

    bpmn:startEvent (no event definition)         start
    bpmn:endEvent (terminateEventDefinition opt.)  end (terminate)
    bpmn:userTask                                  task
    bpmn:userTask + multiInstanceLoopCharacteristics
                                                   countersign (isSequential -> order)
    bpmn:task (untyped)                            task, with a warning
    bpmn:exclusiveGateway (default attribute)      exclusive_gateway (default transition)
    bpmn:parallelGateway                           parallel_gateway
    bpmn:sequenceFlow + conditionExpression        transition with a CEL condition

Assignees and node options live in our namespace ``https://officecloud.example/bpmn``
(prefix ``oc``): ``<oc:assignee kind=... roleCode=... orgUnitId=... levelsUp=...
field=...><oc:user id=.../></oc:assignee>``, ``<oc:fieldAccess><oc:field path access/>``,
``<oc:deadline workingHours|workingDays remindBeforeHours onTimeout><oc:escalateTo
kind=.../></oc:deadline>`` inside ``extensionElements`` for a deadline in working time,
``<oc:cc kind=...>`` (one per CC rule, as ``oc:assignee``), and
attributes ``oc:pool oc:allocateNumber oc:archives oc:allowReturn oc:allowDelegate
oc:allowAddSigner oc:rejectTo oc:countersignMode oc:share oc:separateDuties`` on the task
(``oc:separateDuties`` on the process for the whole flow). A deadline in wall-clock hours is a
timer boundary event on the task, its reminder a second one (:mod:`.timers`);
:func:`export_notes` lists what only the ``oc:`` extensions carry.
Without ``oc:assignee`` the Camunda attributes are read: ``camunda:assignee`` (a literal user
id) -> users, ``camunda:candidateUsers`` -> users + pool, ``camunda:candidateGroups`` (one
group) -> role + pool. A multi-instance ``completionCondition`` of the form
``${nrOfCompletedInstances >= 1}`` maps to mode any and ``${nrOfCompletedInstances /
nrOfInstances >= 0.6}`` to share 0.6 (our engine counts approvals, Camunda completions).
Export writes both (Camunda attributes where a rule has a Camunda equivalent).

Everything else (subProcess, callActivity, script/service/send/receive/business rule/manual
tasks, inclusive/event-based/complex gateways, intermediate events, boundary events other
than a deadline's timer (one leading somewhere, repeating, on a date), event
definitions on start/end, messages, signals, message flows, data objects, lanes, annotations,
...) is reported as a :class:`~workflow.validation.Problem` with its id and tag: an error when
it changes behaviour, a warning when it is only drawing (lanes, annotations, groups,
documentation, data objects). Import returns a definition only when there is no error; run
:func:`workflow.validation.validate` on it before publishing.

Parsing refuses DTDs and entity declarations (so no XXE or entity expansion) and inputs over
:data:`MAX_BPMN_BYTES`; it uses defusedxml when installed, the stdlib parser otherwise.
Export adds a ``bpmndi:BPMNDiagram`` with a simple layered layout so the file opens in bpmn-js
and Camunda Modeler.
"""

from .names import NS
from .reading import MAX_BPMN_BYTES, import_bpmn
from .timers import export_notes
from .writing import export_bpmn

__all__ = ["MAX_BPMN_BYTES", "NS", "export_bpmn", "export_notes", "import_bpmn"]
