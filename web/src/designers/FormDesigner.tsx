import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import Form from "@rjsf/core";
import validator from "@rjsf/validator-ajv8";
import { KINDS, fieldOfError, fromSchemas, newField, toSchemas, type Field, type Kind } from "./formModel";

export type Problem = { message: string; field?: readonly string[] | null };
type Schemas = { jsonSchema: Record<string, any>; uiSchema: Record<string, any> };

/** WYSIWYG form design: drag (or click) a kind from the palette, edit the field, see the
 * form as people will; save writes the draft's JSON Schema and uiSchema, publish shows the
 * server's errors at the field they name. */
export function FormDesigner({
  initial,
  onSave,
  onPublish,
}: {
  initial: Schemas;
  onSave: (schemas: Schemas) => Promise<Problem[]>;
  onPublish: (schemas: Schemas) => Promise<Problem[]>;
}) {
  const { t } = useTranslation();
  const [fields, setFields] = useState<Field[]>(() => fromSchemas(initial.jsonSchema, initial.uiSchema));
  const [selected, setSelected] = useState(0);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saved, setSaved] = useState(false);
  const schemas = useMemo(() => toSchemas(fields), [fields]);
  const current = fields[selected];

  const add = (kind: Kind, at = fields.length) => {
    const field = newField(kind, fields.map((f) => f.key));
    field.title = t(`designer.kind.${kind}`);
    setFields([...fields.slice(0, at), field, ...fields.slice(at)]);
    setSelected(at);
  };
  const change = (patch: Partial<Field>) =>
    setFields(fields.map((f, i) => (i === selected ? { ...f, ...patch } : f)));
  const move = (from: number, to: number) => {
    if (to < 0 || to >= fields.length) return;
    const next = [...fields];
    next.splice(to, 0, ...next.splice(from, 1));
    setFields(next);
    setSelected(to);
  };
  const run = async (action: (s: Schemas) => Promise<Problem[]>) => {
    setSaved(false);
    const found = await action(schemas);
    setProblems(found);
    setSaved(found.length === 0);
  };
  const problemsOf = (key: string) => problems.filter((p) => fieldOfError(p.field) === key);
  const general = problems.filter((p) => !fieldOfError(p.field) || !fields.some((f) => f.key === fieldOfError(p.field)));

  return (
    <div className="designer" data-testid="form-designer">
      <section className="palette" aria-label={t("designer.palette")}>
        <h2>{t("designer.palette")}</h2>
        {KINDS.map((kind) => (
          <button
            key={kind}
            draggable
            data-kind={kind}
            onDragStart={(e) => e.dataTransfer.setData("text/x-field-kind", kind)}
            onClick={() => add(kind)}
          >
            {t(`designer.kind.${kind}`)}
          </button>
        ))}
      </section>
      <section
        className="canvas"
        aria-label={t("designer.fields")}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          const kind = e.dataTransfer.getData("text/x-field-kind") as Kind;
          if (KINDS.includes(kind)) add(kind);
        }}
      >
        <h2>{t("designer.fields")}</h2>
        {fields.length === 0 && <p className="empty">{t("designer.dropHere")}</p>}
        <ol>
          {fields.map((f, i) => (
            <li key={f.key} className={i === selected ? "selected" : undefined}>
              <button className="field" aria-pressed={i === selected} onClick={() => setSelected(i)}>
                {f.title || f.key} <small>{f.key} · {t(`designer.kind.${f.kind}`)}{f.required ? " *" : ""}</small>
              </button>
              <button aria-label={t("designer.up", { name: f.title })} onClick={() => move(i, i - 1)}>↑</button>
              <button aria-label={t("designer.down", { name: f.title })} onClick={() => move(i, i + 1)}>↓</button>
              <button aria-label={t("designer.remove", { name: f.title })} onClick={() => { setFields(fields.filter((_, j) => j !== i)); setSelected(0); }}>✕</button>
              {problemsOf(f.key).map((p) => (
                <p key={p.message} role="alert" className="problems" data-field-error={f.key}>{p.message}</p>
              ))}
            </li>
          ))}
        </ol>
      </section>
      {current && (
        <section className="properties card" aria-label={t("designer.properties")}>
          <h2>{t("designer.properties")}</h2>
          <label>{t("designer.label")}<input value={current.title} onChange={(e) => change({ title: e.target.value })} /></label>
          <label>{t("designer.key")}<input value={current.key} onChange={(e) => change({ key: e.target.value.replace(/[^A-Za-z0-9_]/g, "") })} /></label>
          <label>{t("designer.description")}<input value={current.description ?? ""} onChange={(e) => change({ description: e.target.value || undefined })} /></label>
          <label className="inline"><input type="checkbox" checked={current.required} onChange={(e) => change({ required: e.target.checked })} />{t("designer.required")}</label>
          <label className="inline"><input type="checkbox" checked={!!current.public} onChange={(e) => change({ public: e.target.checked || undefined })} />{t("designer.public")}</label>
          {(current.kind === "text" || current.kind === "textarea") && (
            <label>{t("designer.maxLength")}<input type="number" min={1} value={current.maxLength ?? ""} onChange={(e) => change({ maxLength: e.target.value ? Number(e.target.value) : undefined })} /></label>
          )}
          {(current.kind === "number" || current.kind === "integer") && (
            <>
              <label>{t("designer.minimum")}<input type="number" value={current.minimum ?? ""} onChange={(e) => change({ minimum: e.target.value ? Number(e.target.value) : undefined })} /></label>
              <label>{t("designer.maximum")}<input type="number" value={current.maximum ?? ""} onChange={(e) => change({ maximum: e.target.value ? Number(e.target.value) : undefined })} /></label>
            </>
          )}
          {current.kind === "select" && (
            <label>{t("designer.options")}<textarea rows={4} value={(current.options ?? []).join("\n")} onChange={(e) => change({ options: e.target.value.split("\n").filter((o, i, all) => o || i === all.length - 1) })} /></label>
          )}
        </section>
      )}
      <section className="preview card" aria-label={t("designer.preview")}>
        <h2>{t("designer.preview")}</h2>
        <Form schema={schemas.jsonSchema} uiSchema={{ ...schemas.uiSchema, "ui:submitButtonOptions": { norender: true } }} validator={validator} />
      </section>
      <div className="buttons designer-actions">
        <button onClick={() => run(onSave)}>{t("designer.save")}</button>
        <button className="primary" onClick={() => run(onPublish)}>{t("designer.publish")}</button>
        {saved && <span role="status">{t("designer.saved")}</span>}
        {general.map((p) => (<p key={p.message} role="alert" className="problems">{p.message}</p>))}
      </div>
    </div>
  );
}
