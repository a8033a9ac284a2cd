import { useMemo } from "react";
import { useQuery } from "urql";
import { useTranslation } from "react-i18next";
import Form from "@rjsf/core";
import validator from "@rjsf/validator-ajv8";
import type { ErrorSchema, RJSFSchema, UiSchema } from "@rjsf/utils";
import { ComponentVersionQuery } from "./queries";
import { formSchemas, settingsErrors, type Placement, type Problem } from "./layoutModel";

/** The selected placement: its title, and its settings as a form from the pinned version's
 * settings JSON Schema, with the server's refusals at the fields they name. */
export function PlacementSettings({
  placement,
  problems,
  onChange,
}: {
  placement: Placement;
  problems: Problem[];
  onChange: (change: Partial<Placement>) => void;
}) {
  const { t, i18n } = useTranslation();
  const [{ data }] = useQuery({
    query: ComponentVersionQuery,
    variables: { key: placement.componentKey ?? "", version: placement.version ?? "" },
    pause: !placement.componentKey,
  });
  const version = data?.portalComponent?.version;
  const schemas = useMemo(
    () => (version ? formSchemas(version.settingsSchema, (name) => (i18n.exists(`portal.setting.${name}`) ? t(`portal.setting.${name}`) : undefined)) : null),
    [version, t, i18n],
  );
  const extraErrors = useMemo(() => settingsErrors(problems), [problems]);
  return (
    <aside className="settings-panel" aria-label={t("portal.settings")} data-testid="placement-settings">
      <h2>{placement.name}</h2>
      <label>
        {t("portal.placementTitle")}
        <input type="text" value={placement.title} onChange={(e) => onChange({ title: e.target.value })} />
      </label>
      {version?.help && <p className="empty">{version.help}</p>}
      {schemas && (
        <div className="form">
          <Form
            key={`${placement.key}-${version?.id}`}
            schema={schemas.schema as RJSFSchema}
            uiSchema={schemas.uiSchema as UiSchema}
            formData={placement.settings}
            validator={validator}
            extraErrors={extraErrors as ErrorSchema}
            showErrorList={false}
            onChange={(e) => onChange({ settings: (e.formData ?? {}) as Record<string, unknown> })}
          />
        </div>
      )}
      {problems.map((p, i) => (
        <p key={i} role="alert" className="problems" data-field-error={(p.field ?? []).join(".")}>
          {(p.field ?? []).join(".")}: {p.message}
        </p>
      ))}
    </aside>
  );
}
