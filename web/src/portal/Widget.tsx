import { useEffect, useMemo } from "react";
import { gql, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { renderers, Generic } from "./renderers";

type Settings = Record<string, unknown>;

const DAYS: Record<string, number> = { day: 1, week: 7, month: 31 };

/** What a front end sends for a component's operation: `first` is the page size, `from`/`to`
 * the calendar's view from now, every other variable the setting of the same name (as
 * tests/portal/test_standard.py runs them). */
export function variablesFor(document: ReturnType<typeof gql>, settings: Settings): Settings {
  const now = new Date();
  const days = DAYS[String(settings.view ?? "week")] ?? 7;
  const runtime: Settings = {
    first: settings.pageSize ?? 10,
    from: now.toISOString(),
    to: new Date(now.getTime() + days * 86_400_000).toISOString(),
  };
  const found: Settings = {};
  for (const definition of document.definitions) {
    if (definition.kind !== "OperationDefinition") continue;
    for (const variable of definition.variableDefinitions ?? []) {
      const name = variable.variable.name.value;
      if (name in settings) found[name] = settings[name];
      else if (name in runtime) found[name] = runtime[name];
    }
  }
  return found;
}

/** One placed component: runs its manifest's operation with the placement's settings and
 * shows the answer (a renderer per standard component, a plain list for any other). */
export function Widget({ componentKey, operation, settings }: { componentKey: string; operation: string; settings: Settings }) {
  const { t } = useTranslation();
  const document = useMemo(() => gql(operation), [operation]);
  const variables = useMemo(() => variablesFor(document, settings), [document, settings]);
  const [{ data, error, fetching }, refetch] = useQuery({ query: document, variables, requestPolicy: "cache-and-network" });
  const refresh = Number(settings.refreshSeconds ?? 0);
  useEffect(() => {
    if (!refresh) return;
    const timer = setInterval(() => refetch({ requestPolicy: "network-only" }), refresh * 1000);
    return () => clearInterval(timer);
  }, [refresh, refetch]);
  if (error) return <p role="alert" className="problems">{error.message}</p>;
  if (!data) return fetching ? <p className="empty">{t("app.loading")}</p> : null;
  const Render = renderers[componentKey] ?? Generic;
  return <Render data={data} settings={settings} />;
}
