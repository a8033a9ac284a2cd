"""`officecloud bench search`: a tenant with a million documents in the search index, seeded
with a few SQL statements (`generate_series`), then the p50/p99 of typical searches run
through the server's own resolver (`resolvers/search.py`) as three kinds of viewer.

Titles and texts are drawn from a vocabulary of Chinese office words whose jieba
segmentation is computed once in Python, so `terms` is exactly what the server would index;
the GIN indexes are dropped for the load and built afterwards, as any bulk load does."""

from __future__ import annotations

# ruff: noqa: S608 (SQL is assembled from our own fragments and $n placeholders only)
import re
import statistics
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jieba
from tortoise import connections

from auth.viewer import Viewer, actor_for
from models.access import DataScope, Permission
from models.directory import OrgUnit, User
from models.documents import DocumentType
from models.flows import FlowVersion
from models.forms import FormVersion
from models.scope import TenantScope
from models.tenants import Tenant
from resolvers import search
from resolvers.context import Context
from services import directory, indexing, tenants
from services.documents import types

CODE = "bench-search"
VOCABULARY = 5000
"""Distinct words documents are written with: jieba's most frequent 2-4 character words after
the first 300 (the most common ones say little), so a word is in about 0.3% of documents."""
SEARCHES = ("项目", "科学研究", "襄阳 项目", "发字第123457号", "数字政府建设", "清理")
"""A common word, a longer one, two words, a document number, words found nowhere together,
a rarer word."""
INDEXES = ("search_entry_tsv", "search_entry_terms_trgm", "search_entry_subject")


@dataclass
class Seeded:
    tenant: Tenant
    documents: int


def vocabulary() -> tuple[list[str], list[str]]:
    """The words, and each one as the index segments it."""
    path = Path(jieba.__file__).parent / "dict.txt"
    chinese = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
    ranked = sorted(
        (
            (int(parts[1]), parts[0])
            for line in path.read_text("utf-8").splitlines()
            if len(parts := line.split()) > 1 and chinese.match(parts[0])
        ),
        reverse=True,
    )
    words = [w for _, w in ranked[300 : 300 + VOCABULARY]]
    return words, [indexing.segment(w) for w in words]


async def _tenant() -> tuple[Tenant, User, DocumentType, FlowVersion, FormVersion]:
    existing = await Tenant.get_or_none(code=CODE)
    if existing is None:
        system = await tenants.system_actor()
        existing, _ = await tenants.create_tenant(system, code=CODE, name="检索压测部门")
    scope = TenantScope(existing.id)
    admin = await scope.query(User).order_by("created_at").first()
    assert admin is not None
    doc_type = await scope.query(DocumentType).first()
    if doc_type is None:
        actor = await actor_for(scope, admin, existing)
        doc_type, _ = await types.install_template(actor, key="dispatch")
    flow_version = (
        await scope.query(FlowVersion).filter(flow_id=doc_type.flow_id).order_by("-number").first()
    )
    form_version = await scope.query(FormVersion).order_by("-created_at").first()
    assert flow_version is not None
    assert form_version is not None, "the template's form is published"
    return existing, admin, doc_type, flow_version, form_version


async def seed(count: int) -> Seeded:
    """`count` completed documents in one tenant, indexed; idempotent per tenant (a second
    run with a larger count adds the difference)."""
    tenant, admin, doc_type, version, form = await _tenant()
    db = connections.get("default")
    scope = TenantScope(tenant.id)
    have = await db.execute_query_dict(
        "SELECT COUNT(*) AS n FROM document WHERE tenant_id = $1", [tenant.id]
    )
    start = int(have[0]["n"])
    if start >= count:
        return Seeded(tenant, start)
    unit = await scope.query(OrgUnit).get(parent_id=None)
    words, terms = vocabulary()
    n = len(words)
    for index in INDEXES:
        await db.execute_script(f"DROP INDEX IF EXISTS {index}")
    title = " || ".join(["'关于'", _pick("$6", 1, "$7"), _pick("$6", 7919, "$7"), "'的通知'"])
    body = " || ".join([_pick("$6", 104729, "$7"), _pick("$6", 1299709, "$7"), "'，请抓好落实。'"])
    await db.execute_query(
        "INSERT INTO document (id, tenant_id, created_at, updated_at, document_type_id, title, "
        "number, form_data, urgency, secrecy, status, initiator_id, org_unit_id, "
        "flow_version_id, form_version_id, version, completed_at) "
        f"SELECT gen_random_uuid(), $1, now(), now(), $2, {title}, '2026发字第' || i || '号', "
        f"jsonb_build_object('body', {body}), 'normal', "
        "CASE WHEN i % 7 = 0 THEN 'secret' ELSE 'internal' END, 'completed', $3, $4, $5, $8, "
        "1, now() FROM generate_series($9::bigint, $10::bigint) AS i",
        [
            tenant.id,
            doc_type.id,
            admin.id,
            unit.id,
            version.id,
            words,
            n,
            form.id,
            start,
            count - 1,
        ],
    )
    segmented = " || ' ' || ".join(
        [
            "'关于'",
            _pick("$3", 1, "$4"),
            _pick("$3", 7919, "$4"),
            "'的 通知 2026 发字 第 ' || i || ' 号'",
            _pick("$3", 104729, "$4"),
            _pick("$3", 1299709, "$4"),
            "'请 抓好 落实'",
        ]
    )
    await db.execute_query(
        "INSERT INTO search_entry (id, tenant_id, created_at, updated_at, kind, subject_id, field, "
        "title, content, terms) "
        "SELECT gen_random_uuid(), d.tenant_id, now(), now(), 'document', d.id, '', d.title, "
        f"d.number || E'\\n' || (d.form_data->>'body'), {segmented} "
        "FROM (SELECT d.*, CAST(substring(d.number FROM '第([0-9]+)号') AS bigint) AS i "
        "FROM document d WHERE d.tenant_id = $1 AND d.document_type_id = $2) d WHERE i >= $5",
        [tenant.id, doc_type.id, terms, n, start],
    )
    await db.execute_script(
        "CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv);"
        "CREATE INDEX search_entry_terms_trgm ON search_entry USING gin (terms gin_trgm_ops);"
        "CREATE INDEX search_entry_subject ON search_entry (tenant_id, subject_id);"
        "ANALYZE document; ANALYZE search_entry;"
    )
    return Seeded(tenant, count)


def _pick(words: str, step: int, size: str) -> str:
    """The SQL for the word of document `i` drawn with `step` (steps are primes, so the
    words of one document look independent)."""
    return f"({words}::text[])[(1 + (i * {step}) % {size})::int]"


async def _viewers(tenant: Tenant) -> dict[str, Viewer]:
    """The initiator of every document (the tenant's administrator: she reads them all,
    secret ones included), a tenant-wide documents.read holder (not the secret ones, one in
    seven), and a member who reads none."""
    scope = TenantScope(tenant.id)
    admin = await scope.query(User).order_by("created_at").first()
    assert admin is not None
    root = await scope.query(OrgUnit).get(parent_id=None)
    actor = await actor_for(scope, admin, tenant)
    people = {"initiator": admin}
    for name, permissions in (("reader", [Permission.DOCUMENTS_READ.value]), ("member", [])):
        user = await scope.query(User).get_or_none(username=f"bench-{name}")
        if user is None:
            user = await directory.create_user(
                actor, username=f"bench-{name}", display_name=name, org_unit_ids=[root.id]
            )
            role = await directory.create_role(
                actor,
                code=f"bench_{name}",
                name=name,
                permissions=permissions,
                data_scope=DataScope.TENANT,
            )
            await directory.assign_role(actor, user_id=user.id, role_id=role.id)
        people[name] = user
    return {
        name: Viewer(
            actor=await actor_for(scope, user, tenant), user=user, tenant=tenant, claims={}
        )
        for name, user in people.items()
    }


async def measure(tenant: Tenant, rounds: int) -> list[dict[str, Any]]:
    """p50/p99 in milliseconds of each search, for each viewer (first page of 20)."""
    results = []
    for who, viewer in (await _viewers(tenant)).items():
        for text in SEARCHES:
            timings, found = [], 0
            for _ in range(rounds):
                ctx = Context(viewer=viewer, request_id=str(uuid.uuid4()))
                started = time.perf_counter()
                hits = await search.search(ctx, text, None, 20, None)
                timings.append((time.perf_counter() - started) * 1000)
                found = len(hits.hits)
            timings.sort()
            results.append(
                {
                    "viewer": who,
                    "query": text,
                    "hits": found,
                    "p50": statistics.median(timings),
                    "p99": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
                }
            )
    return results
