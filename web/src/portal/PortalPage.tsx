import type { CSSProperties } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { useTranslation } from "react-i18next";
import "./i18n";
import "./portal.css";
import { PortalQuery } from "./queries";
import { Widget } from "./Widget";

/** 门户: the page the viewer's layout resolves to (hers, her role's, the tenant's or the empty
 * default), every placed component running its own operation, in the tenant's colours. */
export default function PortalPage() {
  const { t } = useTranslation();
  const [{ data, error }] = useQuery({ query: PortalQuery, requestPolicy: "cache-and-network" });
  if (error && !data) return <p role="alert" className="problems">{error.message}</p>;
  const portal = data?.portal;
  if (!portal) return <p>{t("app.loading")}</p>;
  const theme = portal.theme;
  const style = {
    "--portal-primary": theme.primaryColor,
    "--portal-accent": theme.accentColor,
    background: theme.backgroundColor,
    color: theme.textColor,
  } as CSSProperties;
  const columns = Array.from({ length: portal.columns }, (_, column) =>
    portal.placements.filter((p) => p.column === column).sort((a, b) => a.position - b.position),
  );
  return (
    <section className="portal" style={style} data-testid="portal" data-source={portal.source}>
      <header className="portal-head">
        {theme.logoUrl && <img src={theme.logoUrl} alt="" height={32} />}
        <h1>{t("portal.title")}</h1>
        <small>
          {t(`portal.source.${portal.source}`, { version: portal.layoutVersion, role: portal.role?.name })}
          {portal.hiddenCount > 0 && ` · ${t("portal.hidden", { count: portal.hiddenCount })}`}
        </small>
        <Link to="/portal/editor" className="button">{t("portal.editor")}</Link>
      </header>
      {!portal.placements.length && <p className="empty">{t("portal.emptyPage")}</p>}
      <div className={`portal-columns cols-${portal.columns}`}>
        {columns.map((placements, column) => (
          <div key={column} className="portal-column">
            {placements.map((placement) => {
              const title = placement.title || placement.component?.name || placement.resource?.name;
              return (
                <article key={placement.id} className="widget" aria-label={title ?? ""} data-component={placement.component?.key ?? placement.resource?.key}>
                  <h2>{title}</h2>
                  {placement.component && placement.componentVersion ? (
                    <Widget componentKey={placement.component.key} operation={placement.componentVersion.operation} settings={placement.settings} />
                  ) : placement.resource ? (
                    <a href={placement.resource.endpointUrl} target="_blank" rel="noreferrer">{placement.resource.name}</a>
                  ) : null}
                </article>
              );
            })}
          </div>
        ))}
      </div>
    </section>
  );
}
