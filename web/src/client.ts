import { Client, fetchExchange, subscriptionExchange } from "urql";
import { cacheExchange } from "@urql/exchange-graphcache";
import { createClient as createSocket } from "graphql-ws";
import { authHeaders, socketParams, type Session } from "./auth";
import schema from "./gql/introspection";
import { portalUnkeyed } from "./portal/cacheKeys";

/** Types without an `id` are embedded in their parent, not normalised. */
const unkeyed = [
  "Viewer", "PageInfo", "Event", "UserError", "FlowNode", "Statistics", "TaskConnection",
  "TaskEdge", "DocumentConnection", "DocumentEdge", "DocumentEventConnection", "DocumentEventEdge",
  "DocumentTypeConnection", "DocumentTypeEdge", "FormConnection", "FormEdge", "FlowConnection",
  "FlowEdge", "AuditEntryConnection", "AuditEntryEdge", "OrgUnitConnection", "OrgUnitEdge",
  "UserConnection", "UserEdge", "RoleConnection", "RoleEdge", "TenantApplicationConnection",
  "TenantApplicationEdge", "IncomingItemConnection", "IncomingItemEdge", "ExchangeRecipientConnection",
  "ExchangeRecipientEdge", "RemovableSigners", ...portalUnkeyed,
];

export function makeClient(session: Session | null): Client {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = createSocket({
    url: `${scheme}://${window.location.host}/graphql`,
    connectionParams: () => socketParams(session),
    lazy: true,
    retryAttempts: Infinity,
  });
  return new Client({
    url: "/graphql",
    // The preflight header lets the server take multipart uploads (its CSRF check).
    fetchOptions: () => ({ headers: { ...authHeaders(session), "GraphQL-Require-Preflight": "1" } }),
    exchanges: [
      cacheExchange({ schema, keys: Object.fromEntries(unkeyed.map((t) => [t, () => null])) }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              const unsubscribe = socket.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
