import { Client, fetchExchange, subscriptionExchange } from "urql";
import { cacheExchange } from "@urql/exchange-graphcache";
import { persistedExchange } from "@urql/exchange-persisted";
import { createClient as createSocket } from "graphql-ws";
import { authHeaders, socketParams, type Session } from "./auth";
import schema from "./gql/introspection";
import i18n from "./i18n";
import { portalUnkeyed } from "./portal/cacheKeys";

/** The hash GraphQL Code Generator gave the operation (SHA-256 of its text, as registered). */
async function registeredHash(_query: string, document: unknown): Promise<string | undefined> {
  return (document as { __meta__?: { hash?: string } }).__meta__?.hash;
}

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
    connectionParams: () => ({ ...socketParams(session), language: i18n.language }),
    lazy: true,
    retryAttempts: Infinity,
  });
  return new Client({
    url: "/graphql",
    // The preflight header lets the server take multipart uploads (its CSRF check).
    // The server's messages come in the console's language.
    fetchOptions: () => ({
      headers: {
        ...authHeaders(session),
        "GraphQL-Require-Preflight": "1",
        "Accept-Language": i18n.language,
      },
    }),
    exchanges: [
      cacheExchange({ schema, keys: Object.fromEntries(unkeyed.map((t) => [t, () => null])) }),
      // Registered operations by hash (trusted documents); the text only after the server
      // answers PersistedQueryNotFound.
      persistedExchange({
        generateHash: registeredHash,
        enableForMutation: true,
        enableForSubscriptions: true,
      }),
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
