"""SCIM 2.0 server (RFC 7643/7644) under `/scim/v2`: the portal provisions users and org units.

Users are directory users (`externalId` is the portal subject, `sub`, used for SSO); Groups are
org units, with their parent in the `urn:officecloud:params:scim:schemas:extension:2.0:OrgUnit`
extension and their members as memberships. Each tenant authenticates with its own bearer token
(created by tenant admins through GraphQL, stored hashed). Writes go through the directory
services with the tenant's system actor, so they are checked and audited like any other.
Deprovisioning (`active: false` or DELETE) deactivates the user and keeps their history.

One module per part: `protocol` (media type, errors, ETags, paging), `filters` (SCIM filters as
Tortoise conditions), `users`, `groups`, `schemas` (discovery), `app` (authentication and routes).
"""
