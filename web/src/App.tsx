import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { BrowserRouter, NavLink, Route, Routes } from "react-router-dom";
import { Provider, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { currentSession, loadConfig, signOut, type ConsoleConfig, type Session } from "./auth";
import { makeClient } from "./client";
import { graphql } from "./gql";
import { setLanguage } from "./i18n";
import { SignIn } from "./pages/SignIn";
import { Boxes } from "./pages/Boxes";
const DocumentPage = lazy(() => import("./document/DocumentPage"));
import { NewDocument } from "./pages/NewDocument";

// Designers and administration are loaded on demand: they are most of the code and
// none of the first screen.
const FormDesigner = lazy(() => import("./designers/FormDesignerPage"));
const FlowDesigner = lazy(() => import("./designers/FlowDesignerPage"));
const DocumentTypes = lazy(() => import("./designers/DocumentTypesPage"));
const Admin = lazy(() => import("./admin/AdminPage"));
const Incoming = lazy(() => import("./exchange/IncomingBox"));
const Portal = lazy(() => import("./portal/PortalPage"));
const PortalEditor = lazy(() => import("./portal/PortalEditorPage"));

const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      user { id displayName username }
      tenant { id code name }
      isPlatformAdmin
    }
  }
`);

export function App() {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [session, setSession] = useState<Session | null>(currentSession);
  const client = useMemo(() => makeClient(session), [session]);
  useEffect(() => {
    void loadConfig().then(setConfig);
  }, []);
  if (!config) return null;
  if (!session) return <SignIn config={config} onSignedIn={() => setSession(currentSession())} />;
  return (
    <Provider value={client}>
      <BrowserRouter>
        <Shell
          config={config}
          onSignedOut={() => {
            void signOut(config).then(() => setSession(null));
          }}
        />
      </BrowserRouter>
    </Provider>
  );
}

function Shell({ config, onSignedOut }: { config: ConsoleConfig; onSignedOut: () => void }) {
  const { t, i18n } = useTranslation();
  const [{ data, error }] = useQuery({ query: ViewerQuery });
  if (error && !data) {
    return (
      <main className="signin">
        <p role="alert">{t("app.sessionEnded")}</p>
        <button onClick={onSignedOut}>{t("app.signInAgain")}</button>
      </main>
    );
  }
  const viewer = data?.viewer;
  return (
    <>
      <header className="topbar">
        <span className="brand">{t("app.name")}</span>
        <nav aria-label={t("app.mainNav")}>
          <NavLink to="/" end>{t("nav.boxes")}</NavLink>
          <NavLink to="/new">{t("nav.new")}</NavLink>
          <NavLink to="/incoming">{t("nav.incoming")}</NavLink>
          <NavLink to="/designer/forms">{t("nav.forms")}</NavLink>
          <NavLink to="/designer/flows">{t("nav.flows")}</NavLink>
          <NavLink to="/designer/types">{t("nav.docTypes")}</NavLink>
          <NavLink to="/admin">{t("nav.admin")}</NavLink>
          <NavLink to="/portal">{t("nav.portal")}</NavLink>
        </nav>
        <span className="who" data-testid="viewer">
          {viewer ? `${viewer.user.displayName} · ${viewer.tenant.name}` : ""}
        </span>
        <label>
          <span className="sr-only">{t("app.language")}</span>
          <select value={i18n.language} onChange={(e) => setLanguage(e.target.value)}>
            <option value="zh-CN">中文</option>
            <option value="en">English</option>
          </select>
        </label>
        <button onClick={onSignedOut}>{t("app.signOut")}</button>
      </header>
      <main>
        <Suspense fallback={<p>{t("app.loading")}</p>}>
          <Routes>
            <Route path="/" element={<Boxes />} />
            <Route path="/documents/:id" element={<DocumentPage />} />
            <Route path="/new" element={<NewDocument />} />
            <Route path="/incoming" element={<Incoming />} />
            <Route path="/designer/forms" element={<FormDesigner />} />
            <Route path="/designer/flows" element={<FlowDesigner />} />
            <Route path="/designer/types" element={<DocumentTypes />} />
            <Route path="/admin" element={<Admin />} />
            <Route path="/portal" element={<Portal />} />
            <Route path="/portal/editor" element={<PortalEditor />} />
          </Routes>
        </Suspense>
      </main>
      {config.devMode && <footer className="devnote">{t("app.devMode")}</footer>}
    </>
  );
}
