"""SCIM 2.0 server (RFC 7643/7644) under `/scim/v2`: the portal provisions users and org units.

Users are directory users (`externalId` is the portal subject, `sub`, used for SSO); Groups are
org units, with their parent in the `urn:officecloud:params:scim:schemas:extension:2.0:OrgUnit`
extension and their members as memberships. Each tenant authenticates with its own bearer token
(created by tenant admins through GraphQL, stored hashed). Writes go through the directory
services with the tenant's system actor, so they are checked and audited like any other.
`/Schemas` advertises exactly what is stored; anything else is refused with a SCIM error.
Deprovisioning (`active: false` or DELETE) deactivates the user and keeps their history; after
DELETE the resource is gone (404) until the same userName is created again.

One module per part: `protocol` (media type, errors, ETags, queries, partial representations),
`filters` (SCIM filters as Tortoise conditions), `users`, `groups`, `schemas` (what is stored,
and discovery), `app` (the sub-application: authentication, routes, errors).
"""
