import { useCallback, useEffect, useState } from "react";
import { useClient, useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { Catalogue, type CatalogueComponent, type CatalogueResource, type Pick } from "./Catalogue";
import { LayoutCanvas } from "./LayoutCanvas";
import { PlacementSettings } from "./PlacementSettings";
import { History } from "./History";
import * as model from "./layoutModel";
import { drafts, locate, TEMPLATES, type Layout, type Located, type Template } from "./layoutModel";
import {
  ClearRoleLayout, MyLayoutQuery, Publish, ResetMyLayout, RoleLayoutsQuery, SetMyLayout, SetRoleLayout,
  TenantLayoutQuery, problemsOf,
} from "./queries";

/** "tenant", "mine" or "role:<id>". */
type Target = string;
type Loaded = { target: Target; layout: Layout; version: number | null; priority: number; fromDraft: boolean };

const noProblems: Located = { general: [], byPlacement: {} };

/** The layout editor: pick whose page (the tenant's published one, a role's default, or the
 * viewer's own), place components from the catalogue, configure each, keep a draft in this
 * browser, publish; the tenant's versions with rollback. */
export function LayoutEditor({
  tenant,
  isAdmin,
  components,
  resources,
  onApplied,
}: {
  tenant: string;
  isAdmin: boolean;
  components: CatalogueComponent[];
  resources: CatalogueResource[];
  onApplied: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const [target, setTarget] = useState<Target>(isAdmin ? "tenant" : "mine");
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [problems, setProblems] = useState<Located>(noProblems);
  const [status, setStatus] = useState("");
  const [historyKey, setHistoryKey] = useState(0);
  const [{ data: roleData }] = useQuery({ query: RoleLayoutsQuery, pause: !isAdmin });
  const [, publish] = useMutation(Publish);
  const [, setRole] = useMutation(SetRoleLayout);
  const [, clearRole] = useMutation(ClearRoleLayout);
  const [, setMine] = useMutation(SetMyLayout);
  const [, resetMine] = useMutation(ResetMyLayout);

  /** The target's page as the server has it, or this browser's draft of it. */
  const load = useCallback(
    async (which: Target, preferDraft: boolean) => {
      let layout: Layout = model.emptyLayout();
      let version: number | null = null;
      let priority = 100;
      if (which === "tenant") {
        const result = await client.query(TenantLayoutQuery, {}, { requestPolicy: "network-only" }).toPromise();
        const current = result.data?.portalTenantLayout;
        if (current) layout = model.fromServer(current.template, current.placements);
        version = current?.number ?? 0;
      } else if (which === "mine") {
        const result = await client.query(MyLayoutQuery, {}, { requestPolicy: "network-only" }).toPromise();
        const mine = result.data?.myPortalLayout;
        if (mine) layout = model.fromServer(mine.template, mine.placements);
        version = mine?.version ?? null;
      } else {
        const result = await client.query(RoleLayoutsQuery, {}, { requestPolicy: "network-only" }).toPromise();
        const role = result.data?.portalRoleLayouts.find((l) => `role:${l.role?.id}` === which);
        if (role) {
          layout = model.fromServer(role.template, role.placements);
          version = role.version;
          priority = role.priority;
        }
      }
      const draft = preferDraft ? drafts.load(tenant, which) : null;
      setLoaded({
        target: which,
        layout: draft?.layout ?? layout,
        version: draft ? draft.version : version,
        priority,
        fromDraft: !!draft,
      });
      setSelected(null);
      setProblems(noProblems);
    },
    [client, tenant],
  );

  useEffect(() => {
    void load(target, true);
  }, [load, target]);

  if (!loaded || loaded.target !== target) return <p>{t("app.loading")}</p>;
  const layout = loaded.layout;
  const edit = (next: Layout) => setLoaded({ ...loaded, layout: next });
  const place = (pick: Pick, column: number) => {
    const [next, key] = model.add(layout, { ...pick, title: "", settings: {} }, column);
    edit(next);
    setSelected(key);
  };
  const placement = layout.placements.find((p) => p.key === selected) ?? null;

  async function save() {
    const placements = model.toInput(layout);
    let outcome;
    if (target === "tenant") {
      outcome = await publish({ input: { template: layout.template, placements, expectedVersion: loaded!.version } });
    } else if (target === "mine") {
      outcome = await setMine({ input: { template: layout.template, placements, expectedVersion: loaded!.version } });
    } else {
      const roleId = target.slice("role:".length);
      outcome = await setRole({
        input: { roleId, template: layout.template, placements, priority: loaded!.priority, expectedVersion: loaded!.version },
      });
    }
    const found = problemsOf(outcome);
    setProblems(locate(found, layout));
    if (found.length) {
      setStatus("");
      return;
    }
    drafts.drop(tenant, target);
    const number = outcome.data && "publishPortalLayout" in outcome.data ? outcome.data.publishPortalLayout.layoutVersion?.number : null;
    setStatus(number ? t("portal.published", { number }) : t("portal.saved"));
    setHistoryKey((k) => k + 1);
    await load(target, false);
  }

  async function drop() {
    let found: model.Problem[] = [];
    if (target === "mine") found = problemsOf(await resetMine({ input: { expectedVersion: loaded!.version } }));
    else if (target.startsWith("role:")) found = problemsOf(await clearRole({ input: { roleId: target.slice(5) } }));
    setProblems(locate(found, layout));
    if (!found.length) {
      drafts.drop(tenant, target);
      setStatus(t("portal.cleared"));
      await load(target, false);
    }
  }

  const roles = roleData?.roles.edges.map((e) => e.node) ?? [];
  const withDefault = new Set(roleData?.portalRoleLayouts.map((l) => l.role?.id));
  return (
    <>
      <div className="toolbar">
        <label>
          {t("portal.target")}
          <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="target">
            {isAdmin && <option value="tenant">{t("portal.targets.tenant")}</option>}
            {roles.map((r) => (
              <option key={r.id} value={`role:${r.id}`}>
                {t("portal.targets.role", { name: r.name })}{withDefault.has(r.id) ? " ✓" : ""}
              </option>
            ))}
            <option value="mine">{t("portal.targets.mine")}</option>
          </select>
        </label>
        <label>
          {t("portal.template")}
          <select value={layout.template} onChange={(e) => edit(model.setTemplate(layout, e.target.value as Template))}>
            {TEMPLATES.map((name) => (<option key={name} value={name}>{t(`portal.templates.${name}`)}</option>))}
          </select>
        </label>
        {target.startsWith("role:") && (
          <label>
            {t("portal.priority")}
            <input type="number" value={loaded.priority} onChange={(e) => setLoaded({ ...loaded, priority: Number(e.target.value) })} />
          </label>
        )}
        {target === "tenant" && <span>{t("portal.currentVersion", { number: loaded.version })}</span>}
        {loaded.fromDraft && <span className="badge" data-testid="draft-badge">{t("portal.draftLoaded")}</span>}
      </div>
      <div className="portal-editor" data-testid="portal-editor">
        <Catalogue components={components} resources={resources} onPlace={(pick) => place(pick, 0)} onApplied={onApplied} />
        <LayoutCanvas
          layout={layout}
          selected={selected}
          problems={problems.byPlacement}
          actions={{
            select: setSelected,
            drop: place,
            move: (key, by) => edit(model.move(layout, key, by)),
            shift: (key, by) => edit(model.shift(layout, key, by)),
            remove: (key) => {
              edit(model.remove(layout, key));
              if (selected === key) setSelected(null);
            },
          }}
        />
        {placement ? (
          <PlacementSettings
            placement={placement}
            problems={problems.byPlacement[placement.key] ?? []}
            onChange={(change) => edit(model.update(layout, placement.key, change))}
          />
        ) : (
          <aside className="settings-panel"><p className="empty">{t("portal.selectHint")}</p></aside>
        )}
        <div className="editor-actions">
          <button onClick={() => { drafts.save(tenant, target, { layout, version: loaded.version }); setStatus(t("portal.draftSaved")); }}>{t("portal.saveDraft")}</button>
          {loaded.fromDraft && <button onClick={() => { drafts.drop(tenant, target); void load(target, false); setStatus(""); }}>{t("portal.discardDraft")}</button>}
          <button className="primary" onClick={save}>{t(target === "tenant" ? "portal.publish" : "portal.save")}</button>
          {target === "mine" && <button onClick={drop}>{t("portal.resetMine")}</button>}
          {target.startsWith("role:") && withDefault.has(target.slice(5)) && <button onClick={drop}>{t("portal.clearRole")}</button>}
          <span role="status">{status}</span>
          {problems.general.map((p, i) => (<p key={i} role="alert" className="problems">{p.message}</p>))}
          {Object.keys(problems.byPlacement).length > 0 && <p role="alert" className="problems">{t("portal.seePlacements")}</p>}
        </div>
      </div>
      {target === "tenant" && (
        <History
          key={historyKey}
          current={loaded.version ?? 0}
          onRolledBack={(number) => {
            setStatus(t("portal.rolledBack", { number }));
            setHistoryKey((k) => k + 1);
            void load("tenant", false);
          }}
        />
      )}
    </>
  );
}
