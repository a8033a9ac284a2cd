"""The refusals every use case builds on (`services/errors.py`) and the checks of user input
(`services/inputs.py`): each code, field and message, and the edges of every limit. Here, in
tests/documents, because the mutation runs test the modules no domain owns with tests/documents
and tests/flows (`SHARED` in tests/mutation.py)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import asyncpg
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from tortoise.exceptions import DBConnectionError

from models.access import Actor, DataScope, Grant, Permission
from services.errors import (
    Code,
    Problem,
    ServiceError,
    Unavailable,
    check_version,
    is_outage,
    not_found,
    require,
    signed_in,
)
from services.inputs import KEEP, Checks, apply_changes, parse_id

ME = uuid.UUID("0190a000-0000-7000-8000-00000000000a")
OTHER = uuid.UUID("0190a000-0000-7000-8000-00000000000b")


def problems_of(error: pytest.ExceptionInfo[ServiceError]) -> list[tuple[str, str, object]]:
    return [(p.code.value, p.message, p.field) for p in error.value.problems]


def chained(depth: int, last: BaseException, *, via_cause: bool = True) -> BaseException:
    """`depth` plain errors, each raised from the next, the last being `last`."""
    error = last
    for i in range(depth):
        outer = ValueError(f"level {i}")
        if via_cause:
            outer.__cause__ = error
        else:
            outer.__context__ = error
        error = outer
    return error


@pytest.mark.parametrize(
    "error",
    [
        Unavailable("blob store"),
        ConnectionRefusedError(),
        TimeoutError(),
        DBConnectionError("down"),
        asyncpg.CannotConnectNowError("starting"),
        asyncpg.TooManyConnectionsError("full"),
        RedisConnectionError("gone"),
        asyncpg.InterfaceError("cannot call Connection.fetch(): connection is closed"),
    ],
)
def test_outages_are_told_from_bugs(error: BaseException) -> None:
    assert is_outage(error)
    assert is_outage(chained(3, error))
    assert is_outage(chained(3, error, via_cause=False))


def test_an_outage_is_looked_for_eight_levels_deep() -> None:
    assert is_outage(chained(7, ConnectionResetError()))
    assert not is_outage(chained(8, ConnectionResetError()))
    assert not is_outage(None)
    assert not is_outage(ValueError("a bug"))
    assert not is_outage(asyncpg.InterfaceError("another operation is in progress"))
    assert not is_outage(chained(2, KeyError("x")))


def test_a_service_error_says_all_its_problems() -> None:
    error = ServiceError(
        Problem(Code.REQUIRED, "name must not be empty"), Problem(Code.INVALID, "bad key")
    )
    assert str(error) == "name must not be empty; bad key"
    assert [p.field for p in error.problems] == [None, None]
    single = ServiceError.of(Code.CONFLICT, "changed", "input", "expectedVersion")
    assert single.problems == (Problem(Code.CONFLICT, "changed", ("input", "expectedVersion")),)
    assert single.problems[0].retry_after is None
    assert ServiceError.of(Code.INVALID, "x").problems == (Problem(Code.INVALID, "x", None),)


def test_not_found_names_what_and_where() -> None:
    assert not_found("Form", "formId").problems == (
        Problem(Code.NOT_FOUND, "Form not found", ("formId",)),
    )
    assert not_found("Flow").problems[0].field is None


def actor(*grants: Grant) -> Actor:
    return Actor(tenant_id=uuid.uuid4(), user_id=ME, tenant_path="t", grants=grants)


def test_only_a_signed_in_actor_with_the_permission_passes() -> None:
    with pytest.raises(ServiceError) as anonymous:
        signed_in(None)
    assert problems_of(anonymous) == [("UNAUTHENTICATED", "Sign in first", None)]
    with pytest.raises(ServiceError) as nobody:
        require(None, Permission.FORMS_MANAGE)
    assert problems_of(nobody)[0][0] == "UNAUTHENTICATED"

    own = actor(Grant(frozenset({Permission.DIRECTORY_MANAGE.value}), DataScope.SELF))
    assert signed_in(own) is own
    assert require(own, Permission.DIRECTORY_MANAGE) is own, "held somewhere: no target"
    assert require(own, Permission.DIRECTORY_MANAGE, user_id=ME) is own
    for permission, target in (
        (Permission.DIRECTORY_MANAGE, {"user_id": OTHER}),
        (Permission.FORMS_MANAGE, {}),
        (Permission.FORMS_MANAGE, {"user_id": ME}),
    ):
        with pytest.raises(ServiceError) as refused:
            require(own, permission, **target)
        assert problems_of(refused) == [
            ("FORBIDDEN", f"You lack the permission {permission.value}", None)
        ]


def test_a_version_must_be_the_current_one_when_sent() -> None:
    check_version(3, None)
    check_version(3, 3)
    for sent in (2, 4, 0):
        with pytest.raises(ServiceError) as stale:
            check_version(3, sent)
        assert problems_of(stale) == [
            (
                "CONFLICT",
                f"The record changed meanwhile (version 3, you sent {sent}); reload it",
                ("expectedVersion",),
            )
        ]


def two_problems() -> None:
    with Checks() as checks:
        checks.fail(Code.INVALID, "first", "a", "b")
        checks.fail(Code.REQUIRED, "second")
        assert len(checks.problems) == 2, "nothing raised before the end"


def a_problem_and_an_error() -> None:
    with Checks() as checks:
        checks.fail(Code.INVALID, "lost")
        raise KeyError("the error that happened wins")


def test_checks_raise_every_problem_at_the_end() -> None:
    with pytest.raises(ServiceError) as collected:
        two_problems()
    assert problems_of(collected) == [
        ("INVALID", "first", ("a", "b")),
        ("REQUIRED", "second", None),
    ]
    with Checks() as fine:
        assert fine.text(" x ", "name") == "x"
    with pytest.raises(KeyError):
        a_problem_and_an_error()


def failures(check: str, *args: object, **kwargs: object) -> tuple[object, list]:
    checks = Checks()
    value = getattr(checks, check)(*args, **kwargs)
    return value, [(p.code.value, p.message, p.field) for p in checks.problems]


def test_text_is_required_trimmed_and_bounded() -> None:
    assert failures("text", "  公文  ", "input", "title") == ("公文", [])
    assert failures("text", "x" * 200, "name") == ("x" * 200, [])
    assert failures("text", " " + "x" * 10 + " ", "name", max_length=10) == ("x" * 10, [])
    assert failures("text", "x" * 201, "name") == (
        "x" * 201,
        [("TOO_LONG", "name is longer than 200 characters", ("name",))],
    )
    assert failures("text", "x" * 11, max_length=10)[1] == [
        ("TOO_LONG", "value is longer than 10 characters", None)
    ]
    for empty in (None, "", "   "):
        assert failures("text", empty, "input", "title") == (
            "",
            [("REQUIRED", "title must not be empty", ("input", "title"))],
        )
    assert failures("text", None)[1] == [("REQUIRED", "value must not be empty", None)]


def test_optional_text_is_none_when_blank_and_else_checked() -> None:
    assert failures("optional_text", None, "note") == (None, [])
    assert failures("optional_text", "  ", "note") == (None, [])
    assert failures("optional_text", " 请阅 ", "note") == ("请阅", [])
    assert failures("optional_text", "x" * 201, "note")[1] == [
        ("TOO_LONG", "note is longer than 200 characters", ("note",))
    ]
    assert failures("optional_text", "x" * 1000, "note", max_length=1000) == ("x" * 1000, [])
    assert failures("optional_text", "x" * 6, "note", max_length=5)[1][0][0] == "TOO_LONG"


CODE_RULE = "must start with a letter and hold only letters, digits, '_' or '-' (at most 64)"


def test_codes_start_with_a_letter_and_have_at_most_64_characters() -> None:
    for good in ("a", "Z", "dispatch_fw-2", "a" + "0" * 63, " fw "):
        assert failures("code", good, "key") == (good.strip(), []), good
    for bad in ("1fw", "_fw", "-fw", "fw 2", "发文", "fw.2", "a" * 65, "fw\n2"):
        assert failures("code", bad, "input", "key") == (
            bad.strip(),
            [("INVALID", f"key {CODE_RULE}", ("input", "key"))],
        ), bad
    assert failures("code", "1") == ("1", [("INVALID", f"code {CODE_RULE}", None)])
    assert failures("code", None, "key")[1] == [("REQUIRED", "key must not be empty", ("key",))]
    assert failures("code", " ")[1] == [("REQUIRED", "code must not be empty", None)]


USERNAME_RULE = "may hold letters, digits, '.', '_', '@' or '-' (at most 64)"


def test_usernames_allow_mail_like_names_of_at_most_64_characters() -> None:
    for good in ("zhang.san", "0li@gov-cn", "a_b", "A" * 64, " wang "):
        assert failures("username", good, "username") == (good.strip(), []), good
    for bad in (".zs", "_zs", "张三", "z s", "A" * 65, "zs!"):
        assert failures("username", bad, "input", "username") == (
            bad.strip(),
            [("INVALID", f"username {USERNAME_RULE}", ("input", "username"))],
        ), bad
    assert failures("username", "!", "login")[1] == [
        ("INVALID", f"login {USERNAME_RULE}", ("login",))
    ]
    assert failures("username", None)[1] == [("REQUIRED", "username must not be empty", None)]
    assert failures("username", "", "u")[1] == [("REQUIRED", "u must not be empty", ("u",))]


def test_emails_are_optional_unless_required_and_at_most_254_characters() -> None:
    assert failures("email", None, "email") == (None, [])
    assert failures("email", "  ", "email") == (None, [])
    assert failures("email", "", "email", required=True) == (
        None,
        [("REQUIRED", "email must not be empty", ("email",))],
    )
    assert failures("email", " a@b.cn ", "email", required=True) == ("a@b.cn", [])
    longest = "a" * 245 + "@gov.cn.x"
    assert len(longest) == 254
    assert failures("email", longest, "email") == (longest, [])
    too_long = "a" + longest
    assert failures("email", too_long, "email")[1] == [
        ("INVALID", f"'{too_long}' is not an email address", ("email",))
    ]
    for bad in ("a@b", "@b.cn", "a@.cn x", "a b@c.cn", "a@b@c.cn"):
        assert failures("email", bad, "input", "email")[1] == [
            ("INVALID", f"'{bad}' is not an email address", ("input", "email"))
        ], bad


def test_ids_parse_or_are_none() -> None:
    key = uuid.uuid4()
    assert parse_id(key) is key
    assert parse_id(str(key)) == key
    assert parse_id(str(key).upper()) == key
    for bad in (None, "", "Rm9ybTox", 5, "not-a-uuid"):
        assert parse_id(bad) is None, bad


def test_keep_is_one_falsy_marker() -> None:
    assert type(KEEP)() is KEEP
    assert repr(KEEP) == "KEEP"
    assert not KEEP


def test_only_sent_and_different_values_change() -> None:
    row = SimpleNamespace(name="旧", description="说明", owner=ME, data={"a": 1}, note=None)
    changes = apply_changes(row, name="新", description=KEEP, owner=OTHER, data={"a": 1}, note=None)
    assert changes == {"name": "新", "owner": str(OTHER)}
    assert (row.name, row.description, row.owner) == ("新", "说明", OTHER)
    assert apply_changes(row, name="新", owner=OTHER) == {}
    assert apply_changes(row, note="", data=None) == {"note": "", "data": None}
    assert (row.note, row.data) == ("", None)
