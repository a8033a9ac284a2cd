import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import type { UserStatus } from "../gql/graphql";
import { FieldProblems, FormProblems, problemsOf, type Problem } from "./problems";
import { useChoices } from "./choices";

const UsersQuery = graphql(`
  query AdminUsers($filter: UserFilter) {
    users(filter: $filter, first: 50) {
      edges {
        node {
          id username displayName email phone title status version
          primaryOrgUnit { id name }
          orgUnits { id name }
          roleAssignments { id role { id name } orgUnit { id name } }
        }
      }
    }
  }
`);
const CreateUser = graphql(`
  mutation AdminCreateUser($input: CreateUserInput!) {
    createUser(input: $input) { user { id } errors { code message field } }
  }
`);
const UpdateUser = graphql(`
  mutation AdminUpdateUser($input: UpdateUserInput!) {
    updateUser(input: $input) { user { id status version } errors { code message field } }
  }
`);
const AssignRole = graphql(`
  mutation AdminAssignRole($input: AssignRoleInput!) {
    assignRole(input: $input) { roleAssignment { id } errors { code message field } }
  }
`);
const UnassignRole = graphql(`
  mutation AdminUnassignRole($input: UnassignRoleInput!) {
    unassignRole(input: $input) { roleAssignment { id } errors { code message field } }
  }
`);

const TEXT_FIELDS = ["username", "displayName", "email", "phone", "title"] as const;
const FIELDS = [...TEXT_FIELDS, "orgUnitIds", "primaryOrgUnitId", "status"] as const;
type Draft = Record<string, string>;
type Row = NonNullable<ReturnType<typeof useUserRows>["rows"]>[number];

function useUserRows(search: string) {
  const [{ data, error }, refetch] = useQuery({
    query: UsersQuery,
    variables: { filter: search ? { search } : null },
    requestPolicy: "cache-and-network",
  });
  return { rows: data?.users.edges.map((e) => e.node), error, refetch: () => refetch({ requestPolicy: "network-only" }) };
}

/** 用户: search people, create and edit them (disable included), grant and revoke roles with
 * an org unit as scope; each refusal is shown at the field the server names. */
export function Users() {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const { rows, error, refetch } = useUserRows(search);
  const [chosen, setChosen] = useState<string | "new" | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const user = rows?.find((u) => u.id === chosen);
  if (error) return <p role="alert">{error.message}</p>;
  return (
    <div className="columns admin-columns">
      <div>
        <div className="toolbar">
          <label>{t("admin.user.search")}<input type="search" value={search} onChange={(e) => setSearch(e.target.value)} /></label>
          <button className="primary" onClick={() => setChosen("new")}>{t("admin.user.new")}</button>
        </div>
        <table className="list" data-testid="users">
          <thead>
            <tr><th scope="col">{t("admin.user.displayName")}</th><th scope="col">{t("admin.user.username")}</th><th scope="col">{t("admin.user.orgUnits")}</th><th scope="col">{t("admin.roles")}</th><th scope="col">{t("admin.user.status")}</th><th scope="col"><span className="sr-only">{t("admin.edit")}</span></th></tr>
          </thead>
          <tbody>
            {(rows ?? []).map((u) => (
              <tr key={u.id} data-username={u.username}>
                <td>{u.displayName}</td><td>{u.username}</td>
                <td>{u.orgUnits.map((o) => o.name).join("、")}</td>
                <td>{u.roleAssignments.map((r) => r.role.name).join("、")}</td>
                <td>{t(`admin.user.statuses.${u.status}`)}</td>
                <td><button onClick={() => setChosen(u.id)} aria-label={`${t("admin.edit")} ${u.displayName}`}>{t("admin.edit")}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div>
        {chosen === "new" && <UserForm key="new" onDone={(id) => { refetch(); setCreated(id); setChosen(id); }} />}
        {user && (
          <>
            <UserForm key={user.id} user={user} created={created === user.id} onDone={() => refetch()} />
            <Grants key={`grants-${user.id}`} user={user} onDone={() => refetch()} />
          </>
        )}
      </div>
    </div>
  );
}

function UserForm({ user, created = false, onDone }: { user?: Row; created?: boolean; onDone: (id: string) => void }) {
  const { t } = useTranslation();
  const { units } = useChoices();
  const [, create] = useMutation(CreateUser);
  const [, update] = useMutation(UpdateUser);
  const [draft, setDraft] = useState<Draft>(() => ({
    username: user?.username ?? "", displayName: user?.displayName ?? "", email: user?.email ?? "",
    phone: user?.phone ?? "", title: user?.title ?? "", primaryOrgUnitId: user?.primaryOrgUnit?.id ?? "",
  }));
  const [unitIds, setUnitIds] = useState<string[]>(user?.orgUnits.map((o) => o.id) ?? []);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saved, setSaved] = useState(created);
  const optional = (v: string) => v || null;
  async function save(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    const common = { displayName: draft.displayName, email: optional(draft.email), phone: optional(draft.phone), title: optional(draft.title), orgUnitIds: unitIds, primaryOrgUnitId: optional(draft.primaryOrgUnitId) };
    const found = user
      ? problemsOf(await update({ input: { id: user.id, ...common, expectedVersion: user.version } }), "updateUser")
      : await (async () => {
          const result = await create({ input: { username: draft.username, ...common } });
          const errors = problemsOf(result, "createUser");
          if (!errors.length && result.data?.createUser.user) onDone(result.data.createUser.user.id);
          return errors;
        })();
    setProblems(found);
    if (!found.length) {
      setSaved(true);
      if (user) onDone(user.id);
    }
  }
  async function setStatus(status: UserStatus) {
    if (!user) return;
    const found = problemsOf(await update({ input: { id: user.id, status, expectedVersion: user.version } }), "updateUser");
    setProblems(found);
    if (!found.length) onDone(user.id);
  }
  return (
    <form className="card" onSubmit={save} aria-labelledby="user-form-title" data-testid="user-form">
      <h2 id="user-form-title">{user ? t("admin.user.editing", { name: user.displayName }) : t("admin.user.new")}</h2>
      {TEXT_FIELDS.map((name) => (
        <label key={name}>
          {t(`admin.user.${name}`)}
          <input name={name} value={draft[name]} readOnly={name === "username" && !!user} required={name === "username" || name === "displayName"}
            onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
          <FieldProblems problems={problems} name={name} />
        </label>
      ))}
      <label>
        {t("admin.user.orgUnits")}
        <select multiple name="orgUnitIds" value={unitIds} onChange={(e) => setUnitIds([...e.target.selectedOptions].map((o) => o.value))}>
          {units.map((u) => (<option key={u.id} value={u.id}>{"　".repeat(u.depth)}{u.name}</option>))}
        </select>
        <FieldProblems problems={problems} name="orgUnitIds" />
      </label>
      <label>
        {t("admin.user.primaryOrgUnit")}
        <select name="primaryOrgUnitId" value={draft.primaryOrgUnitId} onChange={(e) => setDraft({ ...draft, primaryOrgUnitId: e.target.value })}>
          <option value="">{t("admin.none")}</option>
          {units.filter((u) => unitIds.includes(u.id)).map((u) => (<option key={u.id} value={u.id}>{u.name}</option>))}
        </select>
        <FieldProblems problems={problems} name="primaryOrgUnitId" />
      </label>
      <div className="buttons">
        <button type="submit" className="primary">{user ? t("admin.save") : t("admin.user.create")}</button>
        {user?.status === "ACTIVE" && <button type="button" onClick={() => setStatus("DISABLED")}>{t("admin.user.disable")}</button>}
        {user && user.status !== "ACTIVE" && <button type="button" onClick={() => setStatus("ACTIVE")}>{t("admin.user.enable")}</button>}
      </div>
      {saved && <p role="status">{t("admin.saved")}</p>}
      <FormProblems problems={problems} fields={FIELDS} />
    </form>
  );
}

function Grants({ user, onDone }: { user: Row; onDone: () => void }) {
  const { t } = useTranslation();
  const { roles, units } = useChoices();
  const [, assign] = useMutation(AssignRole);
  const [, unassign] = useMutation(UnassignRole);
  const [roleId, setRoleId] = useState("");
  const [unitId, setUnitId] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  async function grant(e: React.FormEvent) {
    e.preventDefault();
    const found = problemsOf(await assign({ input: { userId: user.id, roleId, orgUnitId: unitId || null } }), "assignRole");
    setProblems(found);
    if (!found.length) onDone();
  }
  async function revoke(id: string) {
    const found = problemsOf(await unassign({ input: { id } }), "unassignRole");
    setProblems(found);
    if (!found.length) onDone();
  }
  return (
    <section className="card" aria-labelledby="grants-title">
      <h2 id="grants-title">{t("admin.user.roles")}</h2>
      <ul data-testid="grants">
        {user.roleAssignments.map((a) => (
          <li key={a.id}>
            {a.role.name}{a.orgUnit ? ` · ${a.orgUnit.name}` : ""}{" "}
            <button onClick={() => revoke(a.id)} aria-label={t("admin.user.unassign", { role: a.role.name })}>{t("admin.user.revoke")}</button>
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={grant}>
        <label>
          {t("admin.user.role")}
          <select name="roleId" required value={roleId} onChange={(e) => setRoleId(e.target.value)}>
            <option value="" />
            {roles.map((r) => (<option key={r.id} value={r.id}>{r.name}</option>))}
          </select>
          <FieldProblems problems={problems} name="roleId" />
        </label>
        <label>
          {t("admin.user.scope")}
          <select name="orgUnitId" value={unitId} onChange={(e) => setUnitId(e.target.value)}>
            <option value="">{t("admin.user.wholeTenant")}</option>
            {units.map((u) => (<option key={u.id} value={u.id}>{"　".repeat(u.depth)}{u.name}</option>))}
          </select>
          <FieldProblems problems={problems} name="orgUnitId" />
        </label>
        <button type="submit">{t("admin.user.assign")}</button>
      </form>
      <FormProblems problems={problems} fields={["roleId", "orgUnitId"]} />
    </section>
  );
}
