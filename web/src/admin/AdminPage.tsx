import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Applications } from "./Applications";
import { OrgTree } from "./OrgTree";
import { AuditLog } from "./AuditLog";
import { Statistics } from "./Charts";

const TABS = ["applications", "org", "audit", "stats"] as const;

/** Administration: registrations and their review, the org tree with its people, the audit
 * log with its chain checked, statistics charts. */
export default function AdminPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<(typeof TABS)[number]>("applications");
  return (
    <section>
      <h1>{t("nav.admin")}</h1>
      <div role="tablist" className="tabs" aria-label={t("nav.admin")}>
        {TABS.map((name) => (
          <button key={name} role="tab" id={`admin-${name}`} aria-selected={tab === name} aria-controls="admin-panel" onClick={() => setTab(name)}>
            {t(`admin.${name}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="admin-panel" aria-labelledby={`admin-${tab}`}>
        {tab === "applications" && <Applications />}
        {tab === "org" && <OrgTree />}
        {tab === "audit" && <AuditLog />}
        {tab === "stats" && <Statistics />}
      </div>
    </section>
  );
}
