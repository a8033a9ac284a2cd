import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { useTranslation } from "react-i18next";

// Each renderer reads the answer of its own manifest's operation, which codegen cannot type
// (the operation comes from the server at run time), hence `any`.
type Props = { data: any; settings: Record<string, any> };

const nodes = (connection: any): any[] => (connection?.edges ?? []).map((e: any) => e.node);
const when = (iso?: string | null) => (iso ? new Date(iso).toLocaleString() : "");

function List({ items, empty }: { items: ReactNode[]; empty?: boolean }) {
  const { t } = useTranslation();
  if (empty || !items.length) return <p className="empty">{t("boxes.empty")}</p>;
  return <ul className="widget-list">{items}</ul>;
}

function Tasks({ data, settings }: Props) {
  const { t } = useTranslation();
  const tasks = nodes(data.myTasks);
  return (
    <List
      items={tasks.map((task) => (
        <li key={task.id}>
          <Link to={`/documents/${task.document.id}`}>{task.document.title}</Link>
          <small> · {task.nodeName}{settings.showUrgency && task.document.urgency ? ` · ${t(`urgency.${String(task.document.urgency)}`, String(task.document.urgency))}` : ""}</small>
        </li>
      ))}
    />
  );
}

function Started({ data }: Props) {
  const { t } = useTranslation();
  return (
    <List
      items={nodes(data.documents).map((doc) => (
        <li key={doc.id}>
          <Link to={`/documents/${doc.id}`}>{doc.title}</Link>
          <small> · {t(`status.${String(doc.status)}`, String(doc.status))}</small>
        </li>
      ))}
    />
  );
}

function Notices({ data, settings }: Props) {
  let notices = nodes(data.notices);
  if (settings.pinnedFirst) notices = [...notices].sort((a, b) => Number(b.pinned) - Number(a.pinned));
  return (
    <List
      items={notices.map((notice) => (
        <li key={notice.id}>
          {notice.pinned && <span className="badge">📌</span>} {notice.title}
          <small> · {notice.publisher} · {when(notice.publishedAt)}</small>
        </li>
      ))}
    />
  );
}

function Publications({ data, settings }: Props) {
  return (
    <List
      items={nodes(data.publications).map((issue) => (
        <li key={issue.id}>
          {settings.showCover && issue.coverUrl && <img src={issue.coverUrl} alt="" width={32} />}
          {issue.title} {issue.issue ? `· ${issue.issue}` : ""}
          <small> · {when(issue.publishedAt)}</small>
        </li>
      ))}
    />
  );
}

function Calendar({ data }: Props) {
  return (
    <List
      items={(data.myCalendarEvents ?? []).map((event: any) => (
        <li key={event.id}>
          {event.title}
          <small> · {when(event.startsAt)}{event.location ? ` · ${event.location}` : ""}</small>
        </li>
      ))}
    />
  );
}

function Notes({ data, settings }: Props) {
  return (
    <List
      items={nodes(data.myNotes).map((note) => (
        <li key={note.id} className="note" style={{ background: settings.colour ?? note.colour ?? undefined }}>{note.text}</li>
      ))}
    />
  );
}

function Contacts({ data, settings }: Props) {
  return (
    <List
      items={nodes(data.users).map((user) => (
        <li key={user.id}>
          {user.displayName}
          <small>
            {user.primaryOrgUnit ? ` · ${user.primaryOrgUnit.name}` : ""}
            {settings.showPhone && user.phone ? ` · ${user.phone}` : ""}
          </small>
        </li>
      ))}
    />
  );
}

function PublicAffairs({ data }: Props) {
  const { t } = useTranslation();
  return (
    <List
      items={(data.publicAffairs ?? []).map((entry: any) => (
        <li key={entry.kind}>
          {entry.title}
          <small>
            {" · "}{t("portal.widget.free", { free: entry.availableNowCount, all: entry.resourceCount })}
            {" · "}{t("portal.widget.mine", { count: entry.myUpcomingCount })}
            {" · "}{t("portal.widget.pending", { count: entry.pendingApprovalCount })}
          </small>
        </li>
      ))}
    />
  );
}

/** Any other component: the first list in its answer, each item by its most telling field. */
export function Generic({ data }: Props) {
  const list = firstList(data) ?? [];
  const label = (item: any) =>
    typeof item === "object" && item
      ? String(item.title ?? item.name ?? item.displayName ?? item.text ?? item.id ?? JSON.stringify(item))
      : String(item);
  return <List items={list.map((item, i) => <li key={item?.id ?? i}>{label(item)}</li>)} />;
}

function firstList(value: any): any[] | null {
  if (Array.isArray(value)) return value;
  if (!value || typeof value !== "object") return null;
  if (Array.isArray(value.edges)) return nodes(value);
  for (const child of Object.values(value)) {
    const found = firstList(child);
    if (found) return found;
  }
  return null;
}

export const renderers: Record<string, (props: Props) => ReactNode> = {
  "doc-todo": Tasks,
  "doc-done": Tasks,
  "doc-started": Started,
  "public-notices": Notices,
  publications: Publications,
  calendar: Calendar,
  notes: Notes,
  contacts: Contacts,
  "public-affairs": PublicAffairs,
};
