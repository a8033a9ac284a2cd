import { useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { useTranslation } from "react-i18next";
import "./i18n";
import "./admin.css";
import { graphql } from "../gql";
import { Setup } from "./Setup";
import { Users } from "./Users";
import { Roles } from "./Roles";
import { AccessRules } from "./AccessRules";
import { ScimTokens } from "./ScimTokens";
import { Alerts } from "./Alerts";
import { Applications } from "./Applications";
import { OrgTree } from "./OrgTree";
import { AuditLog } from "./AuditLog";
import { Statistics } from "./Charts";

const PlatformQuery = graphql(`
  query AdminViewer { viewer { isPlatformAdmin } }
`);

const TABS = ["setup", "users", "roles", "access", "scim", "alerts", "applications", "org", "audit", "stats"] as const;
type Tab = (typeof TABS)[number];
const LABELS: Record<Tab, string> = {
  setup: "admin.setup", users: "admin.users", roles: "admin.rolesTab", access: "admin.access",
  scim: "admin.scim", alerts: "admin.alerts", applications: "admin.applications", org: "admin.org",
  audit: "admin.audit", stats: "admin.stats",
};

/** Administration, one tab each (the tab is in the address, `?tab=`, so the setup guide can
 * link to a screen): the setup guide, users, roles, access rules, SCIM tokens, live alerts,
 * registrations and their review, the org tree, the audit log, statistics. */
export default function AdminPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [{ data }] = useQuery({ query: PlatformQuery });
  const asked = params.get("tab") as Tab | null;
  if (!asked && !data) return null;
  const tab: Tab = asked && TABS.includes(asked) ? asked : data?.viewer?.isPlatformAdmin ? "applications" : "setup";
  return (
    <section>
      <h1>{t("nav.admin")}</h1>
      <div role="tablist" className="tabs" aria-label={t("nav.admin")}>
        {TABS.map((name) => (
          <button key={name} role="tab" id={`admin-${name}`} aria-selected={tab === name} aria-controls="admin-panel" onClick={() => setParams({ tab: name })}>
            {t(LABELS[name])}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="admin-panel" aria-labelledby={`admin-${tab}`}>
        {tab === "setup" && <Setup />}
        {tab === "users" && <Users />}
        {tab === "roles" && <Roles />}
        {tab === "access" && <AccessRules />}
        {tab === "scim" && <ScimTokens />}
        {tab === "alerts" && <Alerts />}
        {tab === "applications" && <Applications />}
        {tab === "org" && <OrgTree />}
        {tab === "audit" && <AuditLog />}
        {tab === "stats" && <Statistics />}
      </div>
    </section>
  );
}
