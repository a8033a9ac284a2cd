import { useTranslation } from "react-i18next";

type Event = {
  id: string;
  action: string;
  nodeName?: string | null;
  comment?: string | null;
  at: string;
  actor?: { displayName: string } | null;
};

/** The trail: who did what at which node, with their comments (意见). */
export function Timeline({ events }: { events: Event[] }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="timeline-heading" className="timeline">
      <h2 id="timeline-heading">{t("doc.timeline")}</h2>
      <ol data-testid="timeline">
        {events.map((e) => (
          <li key={e.id}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>{" "}
            <strong>{e.actor?.displayName ?? t("doc.system")}</strong> {t(`event.${e.action}`, e.action)}
            {e.nodeName && ` · ${e.nodeName}`}
            {e.comment && <blockquote>{e.comment}</blockquote>}
          </li>
        ))}
      </ol>
    </section>
  );
}
