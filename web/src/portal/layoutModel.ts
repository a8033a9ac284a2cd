/** A portal page being edited: placements in the order the server keeps (the list order is the
 * order within each column), the moves the editor offers, the input the mutations take, server
 * errors mapped back to the placement they name, and the draft kept in the browser. */

export type Template = "ONE_COLUMN" | "TWO_COLUMNS" | "THREE_COLUMNS";
export const TEMPLATES: Template[] = ["ONE_COLUMN", "TWO_COLUMNS", "THREE_COLUMNS"];
export const COLUMNS: Record<Template, number> = { ONE_COLUMN: 1, TWO_COLUMNS: 2, THREE_COLUMNS: 3 };

export type Placement = {
  /** Local key for React and error mapping; the server gives new ids on every save. */
  key: string;
  componentId: string | null;
  resourceId: string | null;
  version: string | null;
  /** The component's key (to load the pinned version's settings schema) or null. */
  componentKey: string | null;
  name: string;
  column: number;
  title: string;
  settings: Record<string, unknown>;
};

export type Layout = { template: Template; placements: Placement[] };

export type Problem = { code?: string; message: string; field?: readonly string[] | null };

/** A stored placement as the API reads it. */
export type ServerPlacement = {
  column: number;
  position: number;
  title?: string | null;
  settings: unknown;
  component?: { id: string; key: string; name: string } | null;
  componentVersion?: { version: string } | null;
  resource?: { id: string; name: string } | null;
};

let counter = 0;
export const newKey = (): string => `p${Date.now().toString(36)}${(counter++).toString(36)}`;

export const emptyLayout = (): Layout => ({ template: "TWO_COLUMNS", placements: [] });

export function fromServer(template: Template, placements: readonly ServerPlacement[]): Layout {
  const ordered = [...placements].sort((a, b) => a.column - b.column || a.position - b.position);
  return {
    template,
    placements: ordered.map((p) => ({
      key: newKey(),
      componentId: p.component?.id ?? null,
      resourceId: p.component ? null : (p.resource?.id ?? null),
      version: p.componentVersion?.version ?? null,
      componentKey: p.component?.key ?? null,
      name: p.component?.name ?? p.resource?.name ?? "?",
      column: p.column,
      title: p.title ?? "",
      settings: (p.settings as Record<string, unknown>) ?? {},
    })),
  };
}

export function toInput(layout: Layout) {
  return layout.placements.map((p) => ({
    componentId: p.componentId,
    resourceId: p.resourceId,
    version: p.componentId ? p.version : null,
    column: p.column,
    title: p.title.trim() || null,
    settings: p.componentId ? p.settings : null,
  }));
}

export function inColumn(layout: Layout, column: number): Placement[] {
  return layout.placements.filter((p) => p.column === column);
}

export function add(layout: Layout, placement: Omit<Placement, "key" | "column">, column: number): [Layout, string] {
  const key = newKey();
  const at = Math.min(Math.max(column, 0), COLUMNS[layout.template] - 1);
  return [{ ...layout, placements: [...layout.placements, { ...placement, key, column: at }] }, key];
}

export function remove(layout: Layout, key: string): Layout {
  return { ...layout, placements: layout.placements.filter((p) => p.key !== key) };
}

export function update(layout: Layout, key: string, change: Partial<Placement>): Layout {
  return { ...layout, placements: layout.placements.map((p) => (p.key === key ? { ...p, ...change } : p)) };
}

/** Up or down within its column: swaps with its neighbour there. */
export function move(layout: Layout, key: string, by: -1 | 1): Layout {
  const list = [...layout.placements];
  const from = list.findIndex((p) => p.key === key);
  if (from < 0) return layout;
  let to = from + by;
  while (to >= 0 && to < list.length && list[to].column !== list[from].column) to += by;
  if (to < 0 || to >= list.length) return layout;
  [list[from], list[to]] = [list[to], list[from]];
  return { ...layout, placements: list };
}

/** To the next or previous column, at its end. */
export function shift(layout: Layout, key: string, by: -1 | 1): Layout {
  const placement = layout.placements.find((p) => p.key === key);
  if (!placement) return layout;
  const column = placement.column + by;
  if (column < 0 || column >= COLUMNS[layout.template]) return layout;
  const rest = layout.placements.filter((p) => p.key !== key);
  return { ...layout, placements: [...rest, { ...placement, column }] };
}

/** Fewer columns move what stood in the dropped ones into the last one left. */
export function setTemplate(layout: Layout, template: Template): Layout {
  const last = COLUMNS[template] - 1;
  return { template, placements: layout.placements.map((p) => ({ ...p, column: Math.min(p.column, last) })) };
}

export type Located = { general: Problem[]; byPlacement: Record<string, Problem[]> };

/** Errors at `["input", "placements", i, …]` belong to the i-th placement sent. */
export function locate(problems: readonly Problem[], layout: Layout): Located {
  const located: Located = { general: [], byPlacement: {} };
  for (const problem of problems) {
    const path = problem.field ?? [];
    const at = path[0] === "input" && path[1] === "placements" ? Number(path[2]) : NaN;
    const placement = Number.isInteger(at) ? layout.placements[at] : undefined;
    if (placement) {
      (located.byPlacement[placement.key] ??= []).push({ ...problem, field: path.slice(3) });
    } else {
      located.general.push(problem);
    }
  }
  return located;
}

type ErrorTree = { __errors?: string[]; [name: string]: ErrorTree | string[] | undefined };

/** Problems under `settings` as rjsf's `extraErrors`, each at its field. */
export function settingsErrors(problems: readonly Problem[]): ErrorTree {
  const tree: ErrorTree = {};
  for (const { field, message } of problems) {
    if (!field || field[0] !== "settings") continue;
    let node = tree;
    for (const name of field.slice(1)) node = (node[name] ??= {}) as ErrorTree;
    (node.__errors ??= []).push(message);
  }
  return tree;
}

const DRAFT_KEY = "officecloud.portalDraft";

/** A draft and the version it was based on: publishing it sends that version as
 * `expectedVersion`, so a publication made meanwhile is a CONFLICT, not overwritten. */
export type Draft = { layout: Layout; version: number | null };

/** Drafts stay in this browser: the API versions only what is published. */
export const drafts = {
  key: (tenant: string, target: string) => `${DRAFT_KEY}.${tenant}.${target}`,
  load(tenant: string, target: string): Draft | null {
    const raw = localStorage.getItem(this.key(tenant, target));
    return raw ? (JSON.parse(raw) as Draft) : null;
  },
  save(tenant: string, target: string, draft: Draft): void {
    localStorage.setItem(this.key(tenant, target), JSON.stringify(draft));
  },
  drop(tenant: string, target: string): void {
    localStorage.removeItem(this.key(tenant, target));
  },
};

/** A settings schema for rjsf: without `$schema` (ajv's default draft does not know 2020-12;
 * the server checks against the real draft), arrays of choices as checkboxes, and a title for
 * each setting the schema leaves untitled when `titleOf` knows one (the standard set's names). */
export function formSchemas(
  settingsSchema: unknown,
  titleOf: (name: string) => string | undefined = () => undefined,
): { schema: object; uiSchema: object } {
  const { $schema: _, ...schema } = (settingsSchema ?? { type: "object" }) as Record<string, unknown>;
  const uiSchema: Record<string, object> = { "ui:submitButtonOptions": { norender: true } };
  const properties = (schema.properties ?? {}) as Record<string, { type?: string; title?: string; items?: { enum?: unknown[] } }>;
  for (const [name, property] of Object.entries(properties)) {
    const ui: Record<string, string> = {};
    if (property.type === "array" && property.items?.enum) ui["ui:widget"] = "checkboxes";
    const title = property.title ? undefined : titleOf(name);
    if (title) ui["ui:title"] = title;
    if (Object.keys(ui).length) uiSchema[name] = ui;
  }
  return { schema, uiSchema };
}
