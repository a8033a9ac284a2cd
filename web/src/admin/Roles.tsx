import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import type { DataScope, Permission } from "../gql/graphql";
import { FieldProblems, FormProblems, problemsOf, type Problem } from "./problems";

const RolesQuery = graphql(`
  query AdminRoles {
    roles(first: 100) { edges { node { id code name description permissions dataScope isSystem version } } }
  }
`);
const CreateRole = graphql(`
  mutation AdminCreateRole($input: CreateRoleInput!) {
    createRole(input: $input) { role { id } errors { code message field } }
  }
`);
const UpdateRole = graphql(`
  mutation AdminUpdateRole($input: UpdateRoleInput!) {
    updateRole(input: $input) { role { id version } errors { code message field } }
  }
`);

export const PERMISSIONS: Permission[] = [
  "TENANT_ADMIN", "DIRECTORY_MANAGE", "FORMS_MANAGE", "FLOWS_MANAGE", "DOCUMENTS_READ", "DOCUMENTS_MANAGE",
  "EXCHANGE_SEND", "EXCHANGE_RECEIVE", "NOTICES_PUBLISH", "PUBLICATIONS_EDIT", "BOOKINGS_MANAGE", "PLATFORM_ADMIN",
];
const SCOPES: DataScope[] = ["SELF", "ORG_UNIT", "ORG_UNIT_AND_BELOW", "TENANT"];
const FIELDS = ["code", "name", "description", "permissions", "dataScope"] as const;
type Role = { id: string; code: string; name: string; description: string; permissions: Permission[]; dataScope: DataScope; isSystem: boolean; version: number };

/** 角色: the tenant's roles with their permissions and data scope; create one, edit one. */
export function Roles() {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: RolesQuery, requestPolicy: "cache-and-network" });
  const [chosen, setChosen] = useState<string | "new" | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  if (error) return <p role="alert">{error.message}</p>;
  const roles: Role[] = data?.roles.edges.map((e) => e.node) ?? [];
  const role = roles.find((r) => r.id === chosen);
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <div className="columns admin-columns">
      <div>
        <div className="toolbar"><button className="primary" onClick={() => setChosen("new")}>{t("admin.role.new")}</button></div>
        <table className="list" data-testid="roles">
          <thead><tr><th scope="col">{t("admin.role.name")}</th><th scope="col">{t("admin.role.code")}</th><th scope="col">{t("admin.role.dataScope")}</th><th scope="col">{t("admin.role.permissions")}</th><th scope="col"><span className="sr-only">{t("admin.edit")}</span></th></tr></thead>
          <tbody>
            {roles.map((r) => (
              <tr key={r.id} data-code={r.code}>
                <td>{r.name}{r.isSystem && <span className="badge">{t("admin.role.system")}</span>}</td>
                <td>{r.code}</td>
                <td>{t(`admin.role.scopes.${r.dataScope}`)}</td>
                <td>{r.permissions.map((p) => t(`admin.role.perms.${p}`)).join("、")}</td>
                <td><button onClick={() => setChosen(r.id)} aria-label={`${t("admin.edit")} ${r.name}`}>{t("admin.edit")}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div>
        {chosen === "new" && <RoleForm key="new" onDone={(id) => { reload(); setCreated(id); setChosen(id); }} />}
        {role && <RoleForm key={role.id} role={role} created={created === role.id} onDone={() => reload()} />}
      </div>
    </div>
  );
}

function RoleForm({ role, created = false, onDone }: { role?: Role; created?: boolean; onDone: (id: string) => void }) {
  const { t } = useTranslation();
  const [, create] = useMutation(CreateRole);
  const [, update] = useMutation(UpdateRole);
  const [code, setCode] = useState(role?.code ?? "");
  const [name, setName] = useState(role?.name ?? "");
  const [description, setDescription] = useState(role?.description ?? "");
  const [permissions, setPermissions] = useState<Permission[]>(role?.permissions ?? []);
  const [dataScope, setDataScope] = useState<DataScope>(role?.dataScope ?? "TENANT");
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saved, setSaved] = useState(created);
  async function save(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    const fields = { name, description, permissions, dataScope };
    let found: Problem[];
    if (role) {
      found = problemsOf(await update({ input: { id: role.id, ...fields, expectedVersion: role.version } }), "updateRole");
    } else {
      const result = await create({ input: { code, ...fields } });
      found = problemsOf(result, "createRole");
      if (!found.length && result.data?.createRole.role) onDone(result.data.createRole.role.id);
    }
    setProblems(found);
    if (!found.length) {
      setSaved(true);
      if (role) onDone(role.id);
    }
  }
  const toggle = (p: Permission, on: boolean) => setPermissions(on ? [...permissions, p] : permissions.filter((x) => x !== p));
  return (
    <form className="card" onSubmit={save} aria-labelledby="role-form-title" data-testid="role-form">
      <h2 id="role-form-title">{role ? t("admin.role.editing", { name: role.name }) : t("admin.role.new")}</h2>
      <label>{t("admin.role.code")}<input name="code" required readOnly={!!role} value={code} onChange={(e) => setCode(e.target.value)} /><FieldProblems problems={problems} name="code" /></label>
      <label>{t("admin.role.name")}<input name="name" required value={name} onChange={(e) => setName(e.target.value)} /><FieldProblems problems={problems} name="name" /></label>
      <label>{t("admin.role.description")}<input name="description" value={description} onChange={(e) => setDescription(e.target.value)} /><FieldProblems problems={problems} name="description" /></label>
      <fieldset className="checks">
        <legend>{t("admin.role.permissions")}</legend>
        {PERMISSIONS.map((p) => (
          <label key={p} className="check">
            <input type="checkbox" checked={permissions.includes(p)} onChange={(e) => toggle(p, e.target.checked)} />
            {t(`admin.role.perms.${p}`)}
          </label>
        ))}
        <FieldProblems problems={problems} name="permissions" />
      </fieldset>
      <label>
        {t("admin.role.dataScope")}
        <select name="dataScope" value={dataScope} onChange={(e) => setDataScope(e.target.value as DataScope)}>
          {SCOPES.map((s) => (<option key={s} value={s}>{t(`admin.role.scopes.${s}`)}</option>))}
        </select>
        <FieldProblems problems={problems} name="dataScope" />
      </label>
      <div className="buttons"><button type="submit" className="primary">{role ? t("admin.save") : t("admin.role.create")}</button></div>
      {saved && <p role="status">{t("admin.saved")}</p>}
      <FormProblems problems={problems} fields={FIELDS} />
    </form>
  );
}
