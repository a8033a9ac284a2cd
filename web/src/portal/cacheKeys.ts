/** Portal types without a global id, embedded in their parent by graphcache. A placement's
 * `id` is only unique within its layout, and the components' own answers (notices, tasks …)
 * come in connections and summaries without ids. */
export const portalUnkeyed = [
  "Portal", "PortalLayout", "PortalPlacement", "PortalTheme", "PortalComponentConnection",
  "PortalComponentEdge", "PortalResourceConnection", "PortalResourceEdge", "PortalLayoutVersionConnection",
  "PortalLayoutVersionEdge", "ServiceApplicationConnection", "ServiceApplicationEdge", "PublicAffairsEntry",
  "NoticeConnection", "NoticeEdge", "PublicationConnection", "PublicationEdge", "NoteConnection", "NoteEdge",
];
