"""The search index: one row per searchable thing (a document, notice or published issue),
plus one per document field some node of its flow hides, so a match in a hidden field is
only shown to those who may see the field. `terms` is the text segmented into words (jieba);
on PostgreSQL migration 0015 adds a generated `tsv` column over it and the indexes."""

from __future__ import annotations

from tortoise import fields

from models.base import TenantEntity


class SearchEntry(TenantEntity):
    kind = fields.CharField(max_length=16)
    subject_id = fields.UUIDField()
    field = fields.CharField(max_length=200, default="")
    """Empty for the main row; else the name of the hidden field."""
    title = fields.CharField(max_length=300, default="")
    content = fields.TextField(default="")
    """The text as written, for snippets."""
    terms = fields.TextField(default="")
    """The words of title and content, separated by spaces (lower case)."""

    class Meta:
        table = "search_entry"
        unique_together = (("tenant_id", "kind", "subject_id", "field"),)
