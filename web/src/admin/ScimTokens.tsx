import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import { FieldProblems, FormProblems, problemsOf, type Problem } from "./problems";

const TokensQuery = graphql(`
  query AdminScimTokens {
    scimTokens(first: 100) { edges { node { id name prefix createdAt lastUsedAt revokedAt } } }
  }
`);
const CreateToken = graphql(`
  mutation AdminCreateScimToken($input: CreateScimTokenInput!) {
    createScimToken(input: $input) { scimToken { id } secret errors { code message field } }
  }
`);
const RevokeToken = graphql(`
  mutation AdminRevokeScimToken($input: RevokeScimTokenInput!) {
    revokeScimToken(input: $input) { scimToken { id revokedAt } errors { code message field } }
  }
`);

const when = (at: string | null | undefined) => (at ? new Date(at).toLocaleString() : "—");

/** SCIM 令牌: bearer tokens for the portal's directory sync (`/scim/v2`); the secret is shown
 * once, when the token is issued; a revoked token is refused at once. */
export function ScimTokens() {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: TokensQuery, requestPolicy: "cache-and-network" });
  const [, create] = useMutation(CreateToken);
  const [, revoke] = useMutation(RevokeToken);
  const [name, setName] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const reload = () => refetch({ requestPolicy: "network-only" });
  async function issue(e: React.FormEvent) {
    e.preventDefault();
    const result = await create({ input: { name } });
    const found = problemsOf(result, "createScimToken");
    setProblems(found);
    setSecret(found.length ? null : (result.data?.createScimToken.secret ?? null));
    if (!found.length) { setName(""); reload(); }
  }
  async function withdraw(id: string) {
    const found = problemsOf(await revoke({ input: { id } }), "revokeScimToken");
    setProblems(found);
    if (!found.length) reload();
  }
  if (error) return <p role="alert">{error.message}</p>;
  const tokens = data?.scimTokens.edges.map((e) => e.node) ?? [];
  return (
    <>
      <form className="inline-form card" onSubmit={issue}>
        <label>{t("admin.token.name")}<input name="name" required value={name} onChange={(e) => setName(e.target.value)} /><FieldProblems problems={problems} name="name" /></label>
        <button type="submit" className="primary">{t("admin.token.create")}</button>
      </form>
      {secret && (
        <p role="status" className="secret">
          {t("admin.token.secret")} <code data-testid="scim-secret">{secret}</code>
        </p>
      )}
      <FormProblems problems={problems} fields={["name"]} />
      <table className="list" data-testid="scim-tokens">
        <thead><tr><th scope="col">{t("admin.token.name")}</th><th scope="col">{t("admin.token.prefix")}</th><th scope="col">{t("admin.token.created")}</th><th scope="col">{t("admin.token.lastUsed")}</th><th scope="col">{t("admin.user.status")}</th><th scope="col">{t("actions.title")}</th></tr></thead>
        <tbody>
          {tokens.map((k) => (
            <tr key={k.id} data-token={k.name}>
              <td>{k.name}</td><td><code>{k.prefix}</code></td><td>{when(k.createdAt)}</td><td>{when(k.lastUsedAt)}</td>
              <td>{k.revokedAt ? `${t("admin.token.revoked")} ${when(k.revokedAt)}` : t("admin.token.active")}</td>
              <td>{!k.revokedAt && <button onClick={() => withdraw(k.id)}>{t("admin.token.revoke", { name: k.name })}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
