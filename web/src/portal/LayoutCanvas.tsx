import { useState } from "react";
import { useTranslation } from "react-i18next";
import { COLUMNS, inColumn, type Layout, type Problem } from "./layoutModel";
import type { Pick } from "./Catalogue";

export type CanvasActions = {
  select: (key: string) => void;
  drop: (pick: Pick, column: number) => void;
  move: (key: string, by: -1 | 1) => void;
  shift: (key: string, by: -1 | 1) => void;
  remove: (key: string) => void;
};

/** The page's columns: components dropped here are placed at the end of a column; each placed
 * one can be selected, moved up, down or across, or removed. */
export function LayoutCanvas({
  layout,
  selected,
  problems,
  actions,
}: {
  layout: Layout;
  selected: string | null;
  problems: Record<string, Problem[]>;
  actions: CanvasActions;
}) {
  const { t } = useTranslation();
  const [over, setOver] = useState<number | null>(null);
  const count = COLUMNS[layout.template];
  return (
    <div className={`layout-columns cols-${count}`} data-testid="layout-canvas">
      {Array.from({ length: count }, (_, column) => (
        <section
          key={column}
          aria-label={t("portal.column", { n: column + 1 })}
          data-column={column}
          className={`drop${over === column ? " over" : ""}`}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(column);
          }}
          onDragLeave={() => setOver(null)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(null);
            const raw = e.dataTransfer.getData("application/x-portal-pick");
            if (raw) actions.drop(JSON.parse(raw) as Pick, column);
          }}
        >
          <h3>{t("portal.column", { n: column + 1 })}</h3>
          <ol>
            {inColumn(layout, column).map((p) => {
              const label = p.title || p.name;
              const errors = problems[p.key] ?? [];
              return (
                <li key={p.key} data-placement={p.name} className={`placed${p.key === selected ? " selected" : ""}${errors.length ? " has-error" : ""}`}>
                  <button aria-pressed={p.key === selected} onClick={() => actions.select(p.key)}>
                    {label} {p.version && <small>{p.version}</small>}
                  </button>
                  <div className="moves">
                    <button onClick={() => actions.move(p.key, -1)} aria-label={t("portal.moveUp", { name: label })}>↑</button>
                    <button onClick={() => actions.move(p.key, 1)} aria-label={t("portal.moveDown", { name: label })}>↓</button>
                    {count > 1 && <button onClick={() => actions.shift(p.key, -1)} aria-label={t("portal.moveLeft", { name: label })}>←</button>}
                    {count > 1 && <button onClick={() => actions.shift(p.key, 1)} aria-label={t("portal.moveRight", { name: label })}>→</button>}
                    <button onClick={() => actions.remove(p.key)} aria-label={t("portal.remove", { name: label })}>✕</button>
                  </div>
                  {errors.length > 0 && <p className="problems">{t("portal.placementErrors", { count: errors.length })}</p>}
                </li>
              );
            })}
          </ol>
          {!inColumn(layout, column).length && <p className="empty">{t("portal.dropHere")}</p>}
        </section>
      ))}
    </div>
  );
}
