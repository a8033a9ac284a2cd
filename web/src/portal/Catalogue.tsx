import { useState } from "react";
import { useMutation } from "urql";
import { useTranslation } from "react-i18next";
import { Apply, problemsOf } from "./queries";

export type CatalogueComponent = {
  id: string;
  key: string;
  name: string;
  category: string;
  latestVersion: string;
  availability: string;
  latest?: { description: string } | null;
  application?: { status: string; reason?: string | null } | null;
};
export type CatalogueResource = { id: string; key: string; name: string; kind: string; availability: string };

export type Pick = { componentId: string | null; resourceId: string | null; componentKey: string | null; version: string | null; name: string };

const USABLE = ["OWNED", "APPROVED"];

export const pickOf = {
  component: (c: CatalogueComponent): Pick => ({ componentId: c.id, resourceId: null, componentKey: c.key, version: c.latestVersion, name: c.name }),
  resource: (r: CatalogueResource): Pick => ({ componentId: null, resourceId: r.id, componentKey: null, version: null, name: r.name }),
};

/** The component catalogue (服务组件) and resources: what the tenant may use is dragged onto a
 * column or placed with a click; what it may not yet is applied for (按需申请). */
export function Catalogue({
  components,
  resources,
  onPlace,
  onApplied,
}: {
  components: CatalogueComponent[];
  resources: CatalogueResource[];
  onPlace: (pick: Pick) => void;
  onApplied: () => void;
}) {
  const { t } = useTranslation();
  const [, apply] = useMutation(Apply);
  const [problem, setProblem] = useState<{ id: string; message: string } | null>(null);
  const categories = [...new Set(components.map((c) => c.category))];
  async function applyFor(input: { componentId?: string; resourceId?: string }, id: string) {
    const problems = problemsOf(await apply({ input }));
    setProblem(problems.length ? { id, message: problems.map((p) => p.message).join("; ") } : null);
    if (!problems.length) onApplied();
  }
  const entry = (id: string, name: string, detail: string, availability: string, pick: Pick, applyInput: { componentId?: string; resourceId?: string }, reason?: string | null) => {
    const usable = USABLE.includes(availability);
    return (
      <li
        key={id}
        data-catalogue={name}
        draggable={usable}
        onDragStart={(e) => e.dataTransfer.setData("application/x-portal-pick", JSON.stringify(pick))}
      >
        <strong>{name}</strong>
        <small>{detail}</small>
        <small>{t(`portal.availability.${availability}`)}{reason ? ` · ${reason}` : ""}</small>
        {usable && (
          <button onClick={() => onPlace(pick)} aria-label={t("portal.placeNamed", { name })}>{t("portal.place")}</button>
        )}
        {(availability === "NOT_APPLIED" || availability === "REJECTED") && (
          <button onClick={() => applyFor(applyInput, id)} aria-label={t("portal.applyNamed", { name })}>{t("portal.apply")}</button>
        )}
        {problem?.id === id && <p role="alert" className="problems">{problem.message}</p>}
      </li>
    );
  };
  return (
    <aside className="catalogue" aria-label={t("portal.catalogue")} data-testid="catalogue">
      <h2>{t("portal.catalogue")}</h2>
      {categories.map((category) => (
        <section key={category}>
          <h3>{t(`portal.category.${category}`)}</h3>
          <ul>
            {components.filter((c) => c.category === category).map((c) =>
              entry(c.id, c.name, `${c.key} ${c.latestVersion}`, c.availability, pickOf.component(c), { componentId: c.id }, c.application?.reason),
            )}
          </ul>
        </section>
      ))}
      {resources.length > 0 && (
        <section>
          <h3>{t("portal.resources")}</h3>
          <ul>
            {resources.map((r) => entry(r.id, r.name, `${r.key} · ${r.kind}`, r.availability, pickOf.resource(r), { resourceId: r.id }))}
          </ul>
        </section>
      )}
    </aside>
  );
}
