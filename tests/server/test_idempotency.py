"""`Idempotency-Key` on mutations: a repeat returns the first response and does nothing again,
a different request with the key is refused, concurrent duplicates run once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from models.audit import AuditEntry
from models.documents import Document
from models.idempotency import IdempotencyKey
from services import idempotency
from services.idempotency import KeyReused
from tests.conftest import Response
from tests.documents.support import Office

CREATE = (
    "mutation($i: CreateDocumentInput!) { createDocument(input: $i) { "
    "document { id title status } errors { code field } } }"
)


async def create(office: Office, key: str | None, title: str, who: str = "writer") -> Response:
    variables = {"i": {"documentTypeId": office.type_id, "title": title, "formData": {"body": "x"}}}
    headers = {"Idempotency-Key": key} if key else {}
    return await office.gql(CREATE, variables, token=office.token(who), headers=headers)


async def titled(office: Office, title: str) -> int:
    return await office.department.scope.query(Document).filter(title=title).count()


async def test_a_repeated_key_returns_the_first_response_and_does_nothing(
    dispatch_office: Office,
) -> None:
    key = str(uuid.uuid4())
    first = await create(dispatch_office, key, "幂等一")
    entries = await dispatch_office.department.scope.query(AuditEntry).count()
    again = await create(dispatch_office, key, "幂等一")
    assert first.data["createDocument"]["errors"] == []
    assert again.body == first.body
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert await titled(dispatch_office, "幂等一") == 1
    assert await dispatch_office.department.scope.query(AuditEntry).count() == entries
    other_user = await create(dispatch_office, key, "幂等一", who="director")
    assert other_user.data["createDocument"]["errors"] == [], "keys are per user"
    assert await titled(dispatch_office, "幂等一") == 2


async def test_the_same_key_with_another_request_is_refused(dispatch_office: Office) -> None:
    key = str(uuid.uuid4())
    await create(dispatch_office, key, "幂等二")
    refused = await create(dispatch_office, key, "幂等二，改了")
    assert refused.status == 422
    assert [e["extensions"]["code"] for e in refused.errors] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await titled(dispatch_office, "幂等二，改了") == 0


async def test_concurrent_duplicates_run_once(dispatch_office: Office) -> None:
    key = str(uuid.uuid4())
    answers = await asyncio.gather(*(create(dispatch_office, key, "幂等并发") for _ in range(8)))
    assert {a.status for a in answers} == {200}
    assert len({str(a.body) for a in answers}) == 1, "all got the first response"
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 7
    assert await titled(dispatch_office, "幂等并发") == 1


async def test_a_refusal_is_remembered_and_changes_nothing(dispatch_office: Office) -> None:
    made = await dispatch_office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": dispatch_office.type_id, "title": "没有正文", "formData": {}},
        "document { id }",
    )
    submit = "mutation($i: SubmitDocumentInput!) { submitDocument(input: $i) { errors { code } } }"
    variables: dict[str, Any] = {"i": {"id": made["document"]["id"]}}
    token = dispatch_office.token("writer")
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    entries = await dispatch_office.department.scope.query(AuditEntry).count()
    first = await dispatch_office.gql(submit, variables, token=token, headers=headers)
    again = await dispatch_office.gql(submit, variables, token=token, headers=headers)
    assert first.data["submitDocument"]["errors"] == [{"code": "REQUIRED"}]
    assert again.body == first.body
    assert again.headers["Idempotent-Replayed"] == "true"
    document = await dispatch_office.department.scope.query(Document).get(title="没有正文")
    assert document.status.value == "draft"
    assert await dispatch_office.department.scope.query(AuditEntry).count() == entries


async def test_an_expired_key_runs_again_and_queries_ignore_keys(dispatch_office: Office) -> None:
    key = str(uuid.uuid4())
    await create(dispatch_office, key, "幂等过期")
    await (
        dispatch_office.department.scope.query(IdempotencyKey)
        .filter(key=key)
        .update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    again = await create(dispatch_office, key, "幂等过期")
    assert "Idempotent-Replayed" not in again.headers
    assert await titled(dispatch_office, "幂等过期") == 2
    query = await dispatch_office.gql(
        "{ viewer { user { id } } }",
        token=dispatch_office.token("writer"),
        headers={"Idempotency-Key": key},
    )
    assert query.status == 200
    bad = await create(dispatch_office, "has space", "幂等坏键")
    assert bad.status == 400


KEEP_FOR = timedelta(hours=24)
LONG_AGO = datetime(2001, 5, 1, 8, tzinfo=UTC)
"""Keys of the service tests below expire long before any request's: `prune` of a time near
then forgets only theirs."""


async def claim(office: Office, key: str, request: str, now: datetime, who: str = "writer") -> Any:
    async with in_transaction():
        return await idempotency.claim(
            office.department.tenant.id,
            office.users[who].id,
            key,
            request,
            now=now,
            keep=KEEP_FOR,
        )


async def test_a_key_is_claimed_until_it_expires_then_claimed_again(
    dispatch_office: Office,
) -> None:
    key, scope = str(uuid.uuid4()), dispatch_office.department.scope
    row, first = await claim(dispatch_office, key, "h1", LONG_AGO)
    assert first is None
    stored = await scope.query(IdempotencyKey).get(id=row.id)
    assert (stored.user_id, stored.key, stored.request_hash, stored.response) == (
        dispatch_office.users["writer"].id,
        key,
        "h1",
        None,
    )
    assert stored.expires_at == LONG_AGO + KEEP_FOR
    await idempotency.remember(row, '{"data": 1}')
    assert (await scope.query(IdempotencyKey).get(id=row.id)).response == '{"data": 1}'

    last_moment = LONG_AGO + KEEP_FOR - timedelta(microseconds=1)
    again, replay = await claim(dispatch_office, key, "h1", last_moment)
    assert (again.id, replay) == (row.id, '{"data": 1}')
    with pytest.raises(KeyReused) as reused:
        await claim(dispatch_office, key, "h2", last_moment)
    assert [(p.code.value, p.message) for p in reused.value.problems] == [
        ("CONFLICT", "This Idempotency-Key was used with a different request")
    ]
    other, fresh = await claim(dispatch_office, key, "h2", last_moment, who="director")
    assert (fresh, other.id != row.id) == (None, True), "keys are per user"

    expiry = LONG_AGO + KEEP_FOR
    renewed, nothing = await claim(dispatch_office, key, "h2", expiry)
    assert (renewed.id, nothing) == (row.id, None), "expired at its time: the new request runs"
    stored = await scope.query(IdempotencyKey).get(id=row.id)
    assert (stored.request_hash, stored.response, stored.expires_at) == (
        "h2",
        None,
        expiry + KEEP_FOR,
    )


async def test_pruning_forgets_the_keys_expired_before_then(dispatch_office: Office) -> None:
    scope = dispatch_office.department.scope
    early, _ = await claim(dispatch_office, str(uuid.uuid4()), "h", LONG_AGO - timedelta(hours=1))
    late, _ = await claim(dispatch_office, str(uuid.uuid4()), "h", LONG_AGO)
    assert await idempotency.prune(LONG_AGO + KEEP_FOR) == 1
    assert [r.id for r in await scope.query(IdempotencyKey).filter(id__in=[early.id, late.id])] == [
        late.id
    ], "one expiring exactly then is kept"
    assert await idempotency.prune(LONG_AGO + KEEP_FOR + timedelta(microseconds=1)) == 1
    assert not await scope.query(IdempotencyKey).filter(id=late.id).exists()
