import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";

const PAGE = 15;

const TasksQuery = graphql(`
  query BoxTasks($kind: TaskList!, $first: Int) {
    myTasks(kind: $kind, first: $first) {
      edges {
        node {
          id nodeName pool status outcome overdue dueAt createdAt closedAt
          document { id title status urgency initiator { id displayName } }
        }
      }
    }
  }
`);

const StartedQuery = graphql(`
  query BoxStarted($first: Int) {
    documents(kind: STARTED, first: $first) {
      edges { node { id title status number urgency createdAt currentNodes { id name } } }
    }
  }
`);

const TasksChanged = graphql(`
  subscription TasksChanged { myTasksChanged { id topic } }
`);

const StatusChanged = graphql(`
  subscription BoxDocumentChanged($documentId: ID!) {
    documentChanged(documentId: $documentId) { id topic }
  }
`);

const CirculationsQuery = graphql(`
  query BoxCirculations($status: CirculationReadStatus!, $first: Int) {
    myCirculations(status: $status, first: $first) {
      edges {
        node {
          id status createdAt readAt
          circulation { id source note nodeName sender { id displayName } }
          document { id title status }
        }
      }
    }
  }
`);

// A circulation reaching the viewer arrives as a notification (CIRCULATION_RECEIVED).
const NotificationReceived = graphql(`
  subscription BoxNotificationReceived { notificationReceived { id topic } }
`);

const BOXES = ["todo", "done", "toread", "read", "started"] as const;
type Box = (typeof BOXES)[number];

/** 待办 / 已办 / 待阅 / 已阅 / 我发起的: each list is refetched when an event says it changed. */
export function Boxes() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const box = (BOXES as readonly string[]).includes(params.get("box") ?? "")
    ? (params.get("box") as Box)
    : "todo";
  return (
    <section>
      <h1 className="sr-only">{t("nav.boxes")}</h1>
      <div role="tablist" aria-label={t("nav.boxes")} className="tabs">
        {BOXES.map((b) => (
          <button
            key={b}
            role="tab"
            id={`tab-${b}`}
            aria-selected={box === b}
            aria-controls="box-panel"
            onClick={() => setParams({ box: b })}
          >
            {t(`boxes.${b}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="box-panel" aria-labelledby={`tab-${box}`}>
        {box === "todo" && <TaskBox kind="OPEN" />}
        {box === "done" && <TaskBox kind="DONE" />}
        {box === "toread" && <CirculationBox status="UNREAD" />}
        {box === "read" && <CirculationBox status="READ" />}
        {box === "started" && <StartedBox />}
      </div>
    </section>
  );
}

function TaskBox({ kind }: { kind: "OPEN" | "DONE" }) {
  const { t } = useTranslation();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: TasksQuery,
    variables: { kind, first: PAGE },
    requestPolicy: "cache-and-network",
  });
  const [changed] = useSubscription({ query: TasksChanged });
  const eventId = changed.data?.myTasksChanged.id;
  useEffect(() => {
    if (eventId) refetch({ requestPolicy: "network-only" });
  }, [eventId, refetch]);
  const edges = data?.myTasks.edges ?? [];
  if (error) return <p role="alert">{error.message}</p>;
  if (!edges.length) return <p className="empty">{fetching ? t("app.loading") : t("boxes.empty")}</p>;
  return (
    <table className="list" data-testid={`box-${kind}`}>
      <thead>
        <tr>
          <th scope="col">{t("doc.title")}</th>
          <th scope="col">{t("task.node")}</th>
          <th scope="col">{t("doc.initiator")}</th>
          <th scope="col">{t("doc.status")}</th>
          <th scope="col">{t("task.when")}</th>
        </tr>
      </thead>
      <tbody>
        {edges.map(({ node: task }) => (
          <tr key={task.id} className={task.overdue ? "overdue" : undefined}>
            <td>
              {task.document ? (
                <Link to={`/documents/${encodeURIComponent(task.document.id)}`}>{task.document.title}</Link>
              ) : (
                "—"
              )}
            </td>
            <td>
              {task.nodeName}
              {task.pool && <span className="badge">{t("task.pool")}</span>}
            </td>
            <td>{task.document?.initiator?.displayName ?? ""}</td>
            <td>{task.document ? t(`status.${task.document.status}`) : ""}</td>
            <td>{new Date(task.closedAt ?? task.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** 待阅 / 已阅: documents circulated to the viewer; opening one marks it read (DocumentPage). */
function CirculationBox({ status }: { status: "UNREAD" | "READ" }) {
  const { t } = useTranslation();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: CirculationsQuery,
    variables: { status, first: PAGE },
    requestPolicy: "cache-and-network",
  });
  const [arrived] = useSubscription({ query: NotificationReceived });
  const eventId = arrived.data?.notificationReceived.id;
  useEffect(() => {
    if (eventId) refetch({ requestPolicy: "network-only" });
  }, [eventId, refetch]);
  const edges = data?.myCirculations.edges ?? [];
  if (error) return <p role="alert">{error.message}</p>;
  if (!edges.length) return <p className="empty">{fetching ? t("app.loading") : t("boxes.empty")}</p>;
  return (
    <table className="list" data-testid={`box-${status}`}>
      <thead>
        <tr>
          <th scope="col">{t("doc.title")}</th>
          <th scope="col">{t("circulation.sender")}</th>
          <th scope="col">{t("circulation.note")}</th>
          <th scope="col">{t("circulation.sentAt")}</th>
          {status === "READ" && <th scope="col">{t("circulation.readAt")}</th>}
        </tr>
      </thead>
      <tbody>
        {edges.map(({ node: copy }) => (
          <tr key={copy.id}>
            <td>
              {copy.document ? (
                <Link to={`/documents/${encodeURIComponent(copy.document.id)}`}>{copy.document.title}</Link>
              ) : (
                "—"
              )}
            </td>
            <td>
              {copy.circulation?.sender?.displayName ?? copy.circulation?.nodeName ?? ""}
              {copy.circulation && <span className="badge">{t(`circulation.source.${copy.circulation.source}`)}</span>}
            </td>
            <td>{copy.circulation?.note ?? ""}</td>
            <td>{new Date(copy.createdAt).toLocaleString()}</td>
            {status === "READ" && <td>{copy.readAt ? new Date(copy.readAt).toLocaleString() : ""}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StartedBox() {
  const { t } = useTranslation();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: StartedQuery,
    variables: { first: PAGE },
    requestPolicy: "cache-and-network",
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (tick) refetch({ requestPolicy: "network-only" });
  }, [tick, refetch]);
  const edges = data?.documents.edges ?? [];
  if (error) return <p role="alert">{error.message}</p>;
  if (!edges.length) return <p className="empty">{fetching ? t("app.loading") : t("boxes.empty")}</p>;
  return (
    <table className="list" data-testid="box-STARTED">
      <thead>
        <tr>
          <th scope="col">{t("doc.title")}</th>
          <th scope="col">{t("doc.number")}</th>
          <th scope="col">{t("doc.currentNodes")}</th>
          <th scope="col">{t("doc.status")}</th>
        </tr>
      </thead>
      <tbody>
        {edges.map(({ node: doc }) => (
          <tr key={doc.id}>
            <td>
              <Link to={`/documents/${encodeURIComponent(doc.id)}`}>{doc.title}</Link>
              <Watch documentId={doc.id} onEvent={() => setTick((n) => n + 1)} />
            </td>
            <td>{doc.number ?? ""}</td>
            <td>{doc.currentNodes.map((n) => n.name).join("、")}</td>
            <td>{t(`status.${doc.status}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One subscription per listed document (the page stays within the server's 20 per socket). */
function Watch({ documentId, onEvent }: { documentId: string; onEvent: () => void }) {
  const [{ data }] = useSubscription({ query: StatusChanged, variables: { documentId } });
  const id = data?.documentChanged.id;
  useEffect(() => {
    if (id) onEvent();
  }, [id]); // eslint-disable-line react-hooks/exhaustive-deps
  return null;
}
