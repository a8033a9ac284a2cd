import { useState } from "react";
import { useMutation, useQuery, type AnyVariables, type TypedDocumentNode } from "urql";
import { useTranslation } from "react-i18next";
import * as Q from "./queries";
import type { DocumentPageQuery } from "../gql/graphql";

type Doc = Extract<NonNullable<DocumentPageQuery["node"]>, { __typename?: "Document" }>;
type Task = Doc["tasks"][number];
type Outcome = { errors: { code: string; message: string; field?: string[] | null }[] };

const NEEDS_USER = new Set(["DELEGATE", "TRANSFER", "ADD_SIGNERS"]);

/** Exactly the buttons `allowedActions` lists, for each task the viewer holds and for the
 * document; a comment goes with whichever is pressed. */
export function ActionBar({
  document: doc,
  tasks,
  changes,
  onDone,
}: {
  document: Doc;
  tasks: Task[];
  changes: () => Record<string, unknown>;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [comment, setComment] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [target, setTarget] = useState("");
  const [person, setPerson] = useState("");
  const [reason, setReason] = useState("");
  const needsPeople = tasks.some((task) => task.allowedActions.some((a) => NEEDS_USER.has(a)));
  const [people] = useQuery({ query: Q.PeopleQuery, pause: !needsPeople });
  const mutations = useMutations();

  async function run(action: string, task?: Task) {
    setBusy(true);
    setProblems([]);
    try {
      const outcome = await perform(mutations, action, doc, task, {
        comment: comment || null,
        formData: changes(),
        target: target || null,
        person,
        reason,
      });
      if (outcome.errors.length) setProblems(outcome.errors.map((e) => e.message));
      else {
        setComment("");
        onDone();
      }
    } catch (e) {
      setProblems([(e as Error).message]);
    } finally {
      setBusy(false);
    }
  }

  const returnTargets = tasks.flatMap((task) => task.returnTargets);
  const removable = doc.removableSigners;
  const nodes: { id: string; name?: string; type: string }[] = doc.flowVersion?.definition?.nodes ?? [];
  const anything = tasks.some((task) => task.allowedActions.length) || doc.allowedActions.length;
  if (!anything) return null;
  return (
    <section className="actions" aria-label={t("actions.title")}>
      <label>
        {t("actions.comment")}
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={2} />
      </label>
      {returnTargets.length > 0 && (
        <label>
          {t("actions.returnTo")}
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">{t("actions.previous")}</option>
            {returnTargets.map((n) => (
              <option key={n.id} value={n.id}>{n.name}</option>
            ))}
          </select>
        </label>
      )}
      {needsPeople && (
        <label>
          {t("actions.person")}
          <select value={person} onChange={(e) => setPerson(e.target.value)}>
            <option value="">—</option>
            {people.data?.users.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>{node.displayName} ({node.username})</option>
            ))}
          </select>
        </label>
      )}
      {(doc.allowedActions.includes("JUMP") || doc.allowedActions.includes("REMOVE_SIGNERS")) && (
        <>
          <label>
            {t("actions.node")}
            <select value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">—</option>
              {(doc.allowedActions.includes("JUMP") ? nodes.filter((n) => n.type !== "start") : removable.map((r) => r.node)).map((n) => (
                <option key={n.id} value={n.id}>{n.name || n.id}</option>
              ))}
            </select>
          </label>
          <label>
            {t("actions.reason")}
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
        </>
      )}
      <div className="buttons">
        {tasks.map((task) =>
          task.allowedActions.map((action) => (
            <button
              key={`${task.id}-${action}`}
              data-action={action}
              className={action === "APPROVE" ? "primary" : undefined}
              disabled={busy}
              onClick={() => run(action, task)}
            >
              {t(`taskAction.${action}`)}
              {tasks.length > 1 && ` · ${task.nodeName}`}
            </button>
          )),
        )}
        {doc.allowedActions.map((action) => (
          <button key={action} data-action={action} disabled={busy} onClick={() => run(action)}>
            {t(`documentAction.${action}`)}
          </button>
        ))}
      </div>
      {problems.length > 0 && (
        <ul role="alert" className="problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function useMutations() {
  const use = <R, V extends AnyVariables>(doc: TypedDocumentNode<R, V>) => useMutation(doc)[1];
  return {
    approve: use(Q.Approve), reject: use(Q.Reject), ret: use(Q.Return), claim: use(Q.Claim),
    unclaim: use(Q.Unclaim), open: use(Q.OpenTask), takeBack: use(Q.TakeBack),
    delegate: use(Q.Delegate), transfer: use(Q.Transfer), addSigners: use(Q.AddSigners),
    submit: use(Q.Submit), update: use(Q.UpdateDocument), withdraw: use(Q.Withdraw),
    urge: use(Q.Urge), terminate: use(Q.Terminate), archive: use(Q.Archive), jump: use(Q.Jump),
    removeSigners: use(Q.RemoveSigners),
  };
}

type Inputs = {
  comment: string | null;
  formData: Record<string, unknown>;
  target: string | null;
  person: string;
  reason: string;
};

async function perform(
  m: ReturnType<typeof useMutations>,
  action: string,
  doc: Doc,
  task: Task | undefined,
  i: Inputs,
): Promise<Outcome> {
  const unwrap = async (p: Promise<{ data?: Record<string, unknown> | null; error?: Error }>) => {
    const r = await p;
    if (r.error) throw r.error;
    return Object.values(r.data ?? {})[0] as Outcome;
  };
  const version = doc.version;
  const changed = Object.keys(i.formData).length > 0 ? i.formData : undefined;
  if (task) {
    const id = task.id;
    switch (action) {
      case "APPROVE": return unwrap(m.approve({ input: { id, comment: i.comment, formData: changed, expectedVersion: version } }));
      case "REJECT": return unwrap(m.reject({ input: { id, comment: i.comment, formData: changed, expectedVersion: version } }));
      case "RETURN": return unwrap(m.ret({ input: { id, comment: i.comment, targetNodeId: i.target, expectedVersion: version } }));
      case "CLAIM": return unwrap(m.claim({ input: { id } }));
      case "UNCLAIM": return unwrap(m.unclaim({ input: { id } }));
      case "OPEN": return unwrap(m.open({ input: { id } }));
      case "TAKE_BACK": return unwrap(m.takeBack({ input: { id, comment: i.comment } }));
      case "DELEGATE": return unwrap(m.delegate({ input: { id, toUserId: i.person, comment: i.comment } }));
      case "TRANSFER": return unwrap(m.transfer({ input: { id, toUserId: i.person, comment: i.comment } }));
      case "ADD_SIGNERS": return unwrap(m.addSigners({ input: { id, userIds: i.person ? [i.person] : [], comment: i.comment } }));
    }
  }
  const id = doc.id;
  switch (action) {
    case "SUBMIT": {
      if (changed) {
        const saved = await unwrap(m.update({ input: { id, formData: changed, expectedVersion: version } }));
        if (saved.errors.length) return saved;
      }
      return unwrap(m.submit({ input: { id, comment: i.comment } }));
    }
    case "WITHDRAW": return unwrap(m.withdraw({ input: { id, comment: i.comment } }));
    case "URGE": return unwrap(m.urge({ input: { id, comment: i.comment } }));
    case "TERMINATE": return unwrap(m.terminate({ input: { id, comment: i.comment } }));
    case "ARCHIVE": return unwrap(m.archive({ input: { id } }));
    case "JUMP": return unwrap(m.jump({ input: { id, nodeId: i.target ?? "", reason: i.reason, expectedVersion: version } }));
    case "REMOVE_SIGNERS": {
      const signers = doc.removableSigners.find((r) => r.node.id === i.target);
      return unwrap(m.removeSigners({ input: { id, nodeId: i.target ?? "", userIds: signers?.users.map((u) => u.id) ?? [], reason: i.reason, expectedVersion: version } }));
    }
  }
  return { errors: [{ code: "UNKNOWN", message: `Unknown action ${action}` }] };
}
