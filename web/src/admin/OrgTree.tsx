import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import { FieldProblems, FormProblems, problemsOf, type Problem } from "./problems";

const UnitsQuery = graphql(`
  query AdminUnits {
    orgUnits(first: 100) { edges { node { id name depth parent { id } leader { id displayName } } } }
  }
`);
const CreateUnit = graphql(`
  mutation AdminCreateOrgUnit($input: CreateOrgUnitInput!) {
    createOrgUnit(input: $input) { orgUnit { id } errors { code message field } }
  }
`);
const MembersQuery = graphql(`
  query AdminMembers($id: ID!) {
    node(id: $id) {
      ... on OrgUnit {
        id name
        members(first: 100) {
          edges { node { id displayName username title status roleAssignments { id role { id name } } } }
        }
      }
    }
  }
`);

type Unit = { id: string; name: string; parent?: { id: string } | null; leader?: { displayName: string } | null };

/** 组织机构: the tree of org units; choosing one lists its people and their roles, and a unit
 * can be added below it. */
export function OrgTree() {
  const { t } = useTranslation();
  const [{ data }, refetch] = useQuery({ query: UnitsQuery });
  const [chosen, setChosen] = useState<string | null>(null);
  const units: Unit[] = data?.orgUnits.edges.map((e) => e.node) ?? [];
  const children = (parent: string | null) => units.filter((u) => (u.parent?.id ?? null) === parent || (parent === null && u.parent && !units.some((p) => p.id === u.parent!.id)));
  const branch = (parent: string | null) => (
    <ul>
      {children(parent).map((u) => (
        <li key={u.id}>
          <button aria-pressed={chosen === u.id} onClick={() => setChosen(u.id)}>{u.name}</button>
          {u.leader && <small> {t("admin.leader")}: {u.leader.displayName}</small>}
          {children(u.id).length > 0 && branch(u.id)}
        </li>
      ))}
    </ul>
  );
  return (
    <div className="columns">
      <nav aria-label={t("admin.org")} className="tree">{branch(null)}</nav>
      <div>
        {chosen && <Members id={chosen} />}
        <AddUnit parent={units.find((u) => u.id === chosen) ?? units.find((u) => !u.parent)} onDone={() => refetch({ requestPolicy: "network-only" })} />
      </div>
    </div>
  );
}

function Members({ id }: { id: string }) {
  const { t } = useTranslation();
  const [{ data }] = useQuery({ query: MembersQuery, variables: { id } });
  const unit = data?.node && "members" in data.node ? data.node : null;
  if (!unit) return null;
  return (
    <table className="list">
      <caption>{unit.name}</caption>
      <thead><tr><th scope="col">{t("admin.person")}</th><th scope="col">{t("admin.roles")}</th></tr></thead>
      <tbody>
        {unit.members.edges.map(({ node: u }) => (
          <tr key={u.id}>
            <td>{u.displayName} <small>{u.username}{u.title ? ` · ${u.title}` : ""}</small></td>
            <td>{u.roleAssignments.map((r) => r.role?.name).filter(Boolean).join("、")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AddUnit({ parent, onDone }: { parent?: Unit; onDone: () => void }) {
  const { t } = useTranslation();
  const [, create] = useMutation(CreateUnit);
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  async function add(e: React.FormEvent) {
    e.preventDefault();
    const found = problemsOf(await create({ input: { name, code: code || null, parentId: parent?.id ?? null } }), "createOrgUnit");
    setProblems(found);
    if (!found.length) { setName(""); setCode(""); onDone(); }
  }
  return (
    <form className="inline-form wrap card" onSubmit={add} data-testid="add-unit" aria-label={t("admin.unit.add")}>
      <p className="meta">{t("admin.unit.below", { name: parent?.name ?? "—" })}</p>
      <label>{t("admin.unit.name")}<input name="name" required value={name} onChange={(e) => setName(e.target.value)} /><FieldProblems problems={problems} name="name" /></label>
      <label>{t("admin.unit.code")}<input name="code" value={code} onChange={(e) => setCode(e.target.value)} /><FieldProblems problems={problems} name="code" /></label>
      <button type="submit" className="primary">{t("admin.unit.add")}</button>
      <FormProblems problems={problems} fields={["name", "code"]} />
    </form>
  );
}
