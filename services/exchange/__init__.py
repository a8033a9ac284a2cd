"""Exchange between departments (公文交换): who may send where (`partners`), distributing a
completed outgoing document (`dispatch`), idempotent delivery into each receiving tenant
(`delivery`), the receiver's incoming box with signing and returning (`incoming`), and
reminders for unsigned items (`reminders`).

Each side keeps its own rows. Every write into the other tenant is explicit code here, through
`TenantScope(<that tenant>)`, and is audited in the log of the tenant it changes.
"""
