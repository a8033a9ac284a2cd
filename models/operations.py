"""Trusted documents (registered operations): the GraphQL documents a front end's build
produced, known by the SHA-256 of their text. Platform-wide: a document is the same for every
tenant, and what it may read is decided per request by the ordinary rules."""

from __future__ import annotations

from tortoise import fields

from models.base import Entity


class TrustedDocument(Entity):
    hash = fields.CharField(max_length=64, unique=True)
    """SHA-256 of `body` (its UTF-8 bytes), lower-case hex: Apollo's `persistedQuery.sha256Hash`
    and, prefixed `sha256:`, a `documentId`."""
    document_id = fields.CharField(max_length=200, null=True, unique=True)
    """The id the client's build gave it when that is not its hash (Relay's persisted ids)."""
    name = fields.CharField(max_length=200, null=True)
    body = fields.TextField()

    class Meta:
        table = "trusted_document"
