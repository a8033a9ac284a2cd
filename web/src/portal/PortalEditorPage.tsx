import { useState } from "react";
import { useQuery } from "urql";
import { useTranslation } from "react-i18next";
import "./i18n";
import "./portal.css";
import { EditorQuery } from "./queries";
import { LayoutEditor } from "./LayoutEditor";
import { ThemeForm } from "./ThemeForm";
import { ServiceApplications } from "./ServiceApplications";

const TABS = ["layout", "theme", "applications"] as const;

/** 门户设计: the layout editor (tenant, role and personal pages), the theme, and the service
 * applications (a tenant's own; every tenant's for the platform's reviewers). */
export default function PortalEditorPage() {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: EditorQuery, requestPolicy: "cache-and-network" });
  const [tab, setTab] = useState<(typeof TABS)[number]>("layout");
  if (error && !data) return <p role="alert" className="problems">{error.message}</p>;
  const viewer = data?.viewer;
  if (!data || !viewer) return <p>{t("app.loading")}</p>;
  const isAdmin = viewer.permissions.includes("TENANT_ADMIN");
  const tabs = TABS.filter((name) => name === "layout" || isAdmin || viewer.isPlatformAdmin);
  return (
    <section>
      <h1>{t("portal.editor")}</h1>
      <div role="tablist" className="tabs" aria-label={t("portal.editor")}>
        {tabs.map((name) => (
          <button key={name} role="tab" id={`portal-${name}`} aria-selected={tab === name} aria-controls="portal-panel" onClick={() => setTab(name)}>
            {t(`portal.tabs.${name}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="portal-panel" aria-labelledby={`portal-${tab}`}>
        {tab === "layout" && (
          <LayoutEditor
            tenant={viewer.tenant.code}
            isAdmin={isAdmin}
            components={data.portalComponents.edges.map((e) => e.node)}
            resources={data.portalResources.edges.map((e) => e.node)}
            onApplied={() => refetch({ requestPolicy: "network-only" })}
          />
        )}
        {tab === "theme" && <ThemeForm />}
        {tab === "applications" && <ServiceApplications reviewer={viewer.isPlatformAdmin} />}
      </div>
    </section>
  );
}
