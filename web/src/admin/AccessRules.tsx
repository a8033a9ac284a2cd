import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import type { AccessSubject } from "../gql/graphql";
import { FieldProblems, FormProblems, problemsOf, type Problem } from "./problems";
import { useChoices } from "./choices";

const RulesQuery = graphql(`
  query AdminAccessRules {
    accessRules(first: 100) { edges { node { id subjectType subjectId components note version } } }
    users(first: 100) { edges { node { id displayName username } } }
  }
`);
const CreateRule = graphql(`
  mutation AdminCreateAccessRule($input: CreateAccessRuleInput!) {
    createAccessRule(input: $input) { accessRule { id } errors { code message field } }
  }
`);
const UpdateRule = graphql(`
  mutation AdminUpdateAccessRule($input: UpdateAccessRuleInput!) {
    updateAccessRule(input: $input) { accessRule { id version } errors { code message field } }
  }
`);
const DeleteRule = graphql(`
  mutation AdminDeleteAccessRule($input: DeleteAccessRuleInput!) {
    deleteAccessRule(input: $input) { deletedId errors { code message field } }
  }
`);

const SUBJECTS: AccessSubject[] = ["USER", "ORG_UNIT", "ROLE"];
/** Component keys the server knows (`schema/sso/access.py`); others may be typed. */
const KNOWN = ["portal", "documents", "exchange", "stats", "notices", "publications", "calendar", "bookings", "search", "circulation"];
const FIELDS = ["subjectType", "subjectId", "components", "note"] as const;
type Rule = { id: string; subjectType: AccessSubject; subjectId: string; components: string[]; note: string; version: number };
const keys = (text: string) => text.split(/[,，\s]+/).filter(Boolean);

/** 门户访问授权: which service components a person, an org unit (and below) or a role may
 * use; add, edit and remove rules. Without any rule everyone may use everything. */
export function AccessRules() {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: RulesQuery, requestPolicy: "cache-and-network" });
  const { roles, units } = useChoices();
  const [editing, setEditing] = useState<string | null>(null);
  if (error) return <p role="alert">{error.message}</p>;
  const rules: Rule[] = data?.accessRules.edges.map((e) => e.node) ?? [];
  const people = data?.users.edges.map((e) => e.node) ?? [];
  const subjects: Record<AccessSubject, { id: string; label: string }[]> = {
    USER: people.map((u) => ({ id: u.id, label: `${u.displayName} (${u.username})` })),
    ORG_UNIT: units.map((u) => ({ id: u.id, label: u.name })),
    ROLE: roles.map((r) => ({ id: r.id, label: r.name })),
  };
  const nameOf = (r: Rule) => subjects[r.subjectType].find((s) => s.id === r.subjectId)?.label ?? r.subjectId;
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <>
      <datalist id="component-keys">{KNOWN.map((k) => <option key={k} value={k} />)}</datalist>
      {rules.length === 0 && <p className="empty">{t("admin.rule.empty")}</p>}
      <table className="list" data-testid="access-rules">
        <thead><tr><th scope="col">{t("admin.rule.subjectType")}</th><th scope="col">{t("admin.rule.subject")}</th><th scope="col">{t("admin.rule.components")}</th><th scope="col">{t("admin.rule.note")}</th><th scope="col">{t("actions.title")}</th></tr></thead>
        <tbody>
          {rules.map((r) => editing === r.id
            ? <EditRule key={r.id} rule={r} name={nameOf(r)} onDone={() => { setEditing(null); reload(); }} />
            : (
              <tr key={r.id}>
                <td>{t(`admin.rule.subjects.${r.subjectType}`)}</td><td>{nameOf(r)}</td>
                <td>{r.components.length ? r.components.join(", ") : t("admin.rule.allComponents")}</td><td>{r.note}</td>
                <td className="buttons">
                  <button onClick={() => setEditing(r.id)} aria-label={`${t("admin.edit")} ${nameOf(r)}`}>{t("admin.edit")}</button>
                  <RemoveRule id={r.id} label={`${t("admin.remove")} ${nameOf(r)}`} onDone={reload} />
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      <AddRule subjects={subjects} onDone={reload} />
    </>
  );
}

function AddRule({ subjects, onDone }: { subjects: Record<AccessSubject, { id: string; label: string }[]>; onDone: () => void }) {
  const { t } = useTranslation();
  const [, create] = useMutation(CreateRule);
  const [subjectType, setSubjectType] = useState<AccessSubject>("ROLE");
  const [subjectId, setSubjectId] = useState("");
  const [components, setComponents] = useState("");
  const [note, setNote] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  async function add(e: React.FormEvent) {
    e.preventDefault();
    const found = problemsOf(await create({ input: { subjectType, subjectId, components: keys(components), note: note || null } }), "createAccessRule");
    setProblems(found);
    if (!found.length) {
      setSubjectId(""); setComponents(""); setNote("");
      onDone();
    }
  }
  return (
    <form className="card" onSubmit={add} aria-labelledby="add-rule-title" data-testid="add-rule">
      <h2 id="add-rule-title">{t("admin.rule.add")}</h2>
      <div className="inline-form wrap">
        <label>{t("admin.rule.subjectType")}
          <select name="subjectType" value={subjectType} onChange={(e) => { setSubjectType(e.target.value as AccessSubject); setSubjectId(""); }}>
            {SUBJECTS.map((s) => <option key={s} value={s}>{t(`admin.rule.subjects.${s}`)}</option>)}
          </select>
        </label>
        <label>{t("admin.rule.subject")}
          <select name="subjectId" required value={subjectId} onChange={(e) => setSubjectId(e.target.value)}>
            <option value="" />
            {subjects[subjectType].map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
          </select>
          <FieldProblems problems={problems} name="subjectId" />
        </label>
        <label>{t("admin.rule.components")}
          <input name="components" list="component-keys" placeholder="documents, exchange" value={components} onChange={(e) => setComponents(e.target.value)} />
          <FieldProblems problems={problems} name="components" />
        </label>
        <label>{t("admin.rule.note")}<input name="note" value={note} onChange={(e) => setNote(e.target.value)} /><FieldProblems problems={problems} name="note" /></label>
        <button type="submit" className="primary">{t("admin.rule.add")}</button>
      </div>
      <FormProblems problems={problems} fields={FIELDS} />
    </form>
  );
}

function EditRule({ rule, name, onDone }: { rule: Rule; name: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [, update] = useMutation(UpdateRule);
  const [components, setComponents] = useState(rule.components.join(", "));
  const [note, setNote] = useState(rule.note);
  const [problems, setProblems] = useState<Problem[]>([]);
  async function save() {
    const found = problemsOf(await update({ input: { id: rule.id, components: keys(components), note, expectedVersion: rule.version } }), "updateAccessRule");
    setProblems(found);
    if (!found.length) onDone();
  }
  return (
    <tr data-testid="edit-rule">
      <td>{t(`admin.rule.subjects.${rule.subjectType}`)}</td><td>{name}</td>
      <td>
        <label><span className="sr-only">{t("admin.rule.components")}</span>
          <input name="components" list="component-keys" value={components} onChange={(e) => setComponents(e.target.value)} /></label>
        <FieldProblems problems={problems} name="components" />
      </td>
      <td><label><span className="sr-only">{t("admin.rule.note")}</span><input name="note" value={note} onChange={(e) => setNote(e.target.value)} /></label></td>
      <td className="buttons">
        <button className="primary" onClick={save}>{t("admin.save")}</button>
        <button onClick={onDone}>{t("admin.cancel")}</button>
        <FormProblems problems={problems} fields={["components"]} />
      </td>
    </tr>
  );
}

function RemoveRule({ id, label, onDone }: { id: string; label: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [, remove] = useMutation(DeleteRule);
  const [problems, setProblems] = useState<Problem[]>([]);
  async function click() {
    const found = problemsOf(await remove({ input: { id } }), "deleteAccessRule");
    setProblems(found);
    if (!found.length) onDone();
  }
  return (
    <>
      <button onClick={click} aria-label={label}>{t("admin.remove")}</button>
      <FormProblems problems={problems} fields={[]} />
    </>
  );
}
