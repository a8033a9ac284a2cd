"""The theme, called directly and over GraphQL: the default, colour and logo checks with their
exact words and edges, a first save even without changes, and what is audited and published."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from models.portal_components import PortalTheme
from services import portal
from services.errors import ServiceError
from services.portal.themes import DEFAULT_THEME
from subscriptions.topics import Topic
from tests.conftest import Department, GraphQL, gid
from tests.portal.support import PORTAL, events, member, refusal, snapshot, trail

HINT = "is not a CSS hex colour (#RGB, #RGBA, #RRGGBB or #RRGGBBAA)"
LOGO = "logoUrl must be an http(s) URL or a path on this site starting with '/'"


async def problems(actor: Any, **values: Any) -> list[tuple[str, str, Any]]:
    with pytest.raises(ServiceError) as error:
        await portal.set_theme(actor, **values)
    return refusal(error)


async def test_colours_and_logos_are_checked_to_the_character(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    assert await problems(
        admin, primary_color=" ", accent_color=123, background_color="red", text_color="#12345"
    ) == [
        ("REQUIRED", "primaryColor must not be empty", ("primaryColor",)),
        ("REQUIRED", "accentColor must not be empty", ("accentColor",)),
        ("INVALID", f"backgroundColor 'red' {HINT}", ("backgroundColor",)),
        ("INVALID", f"textColor '#12345' {HINT}", ("textColor",)),
    ]
    for colour in ("#12", "#1234567", "#GGG", "#123456789", "123456"):
        assert [p[0] for p in await problems(admin, primary_color=colour)] == ["INVALID"], colour
    for logo in (
        "javascript:alert(1)",
        "//evil.example/x.png",
        "https:///x.png",
        "ftp://cdn.example.gov.cn/logo.svg",
        "https://cdn.example.gov.cn/my logo.svg",
        "logo.svg",
        "http://[::1",
    ):
        assert await problems(admin, logo_url=logo) == [("INVALID", LOGO, ("logoUrl",))], logo
    assert await problems(admin, logo_url="/" + "a" * 2000) == [
        ("TOO_LONG", "logoUrl is longer than 2000 characters", ("logoUrl",))
    ]
    assert await problems(dataclasses.replace(admin, grants=()), primary_color="#000") == [
        ("FORBIDDEN", "You lack the permission tenant.admin", None)
    ]
    assert not await department.scope.query(PortalTheme).exists()
    assert await trail(department.tenant.id, "portal.theme_changed") == []

    made = await portal.set_theme(
        admin,
        primary_color=" #abcd ",
        accent_color="#A1B2C3D4",
        background_color="#fff",
        text_color="#123456",
        logo_url="/" + "a" * 1999,
    )
    stored = await department.scope.query(PortalTheme).get()
    assert (
        stored.primary_color,
        stored.accent_color,
        stored.background_color,
        stored.text_color,
    ) == ("#abcd", "#A1B2C3D4", "#fff", "#123456")
    assert (stored.logo_url, stored.version, made.version) == ("/" + "a" * 1999, 1, 1)
    cleared = await portal.set_theme(admin, logo_url="   ", expected_version=1)
    assert (cleared.logo_url, cleared.version) == (None, 2)
    absolute = await portal.set_theme(admin, logo_url=" http://cdn.example.gov.cn/l.png ")
    assert (absolute.logo_url, absolute.version) == ("http://cdn.example.gov.cn/l.png", 3)
    assert await problems(admin, text_color="#000", expected_version=2) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 3, you sent 2); reload it",
            ("expectedVersion",),
        )
    ]
    by = str(admin.user_id)
    assert await trail(department.tenant.id, "portal.theme_changed") == [
        (
            "PortalTheme",
            str(stored.id),
            by,
            {
                "primary_color": "#abcd",
                "accent_color": "#A1B2C3D4",
                "background_color": "#fff",
                "text_color": "#123456",
                "logo_url": "/" + "a" * 1999,
            },
        ),
        ("PortalTheme", str(stored.id), by, {"logo_url": None}),
        ("PortalTheme", str(stored.id), by, {"logo_url": "http://cdn.example.gov.cn/l.png"}),
    ]
    assert (
        await events(department.tenant.id, Topic.PORTAL_THEME_CHANGED)
        == [{"id": gid("PortalTheme", stored.id), "type": "PortalTheme"}] * 3
    )


async def test_the_default_is_saved_once_even_unchanged(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    default = await portal.theme_of(department.scope)
    assert (default.version, default.logo_url, default.tenant_id) == (0, None, department.tenant.id)
    assert {name: getattr(default, name) for name in DEFAULT_THEME} == {
        "primary_color": "#1F5FAD",
        "accent_color": "#C8102E",
        "background_color": "#F5F7FA",
        "text_color": "#1F2329",
    }
    assert not await department.scope.query(PortalTheme).exists()

    first = await portal.set_theme(admin, expected_version=0)
    assert first.version == 1
    stored = await department.scope.query(PortalTheme).get()
    assert (stored.primary_color, stored.version) == ("#1F5FAD", 1)
    assert await trail(department.tenant.id, "portal.theme_changed") == [
        ("PortalTheme", str(stored.id), str(admin.user_id), {})
    ]
    unchanged = await portal.set_theme(admin, primary_color="#1F5FAD", expected_version=1)
    assert unchanged.version == 1
    assert len(await trail(department.tenant.id, "portal.theme_changed")) == 1
    assert len(await events(department.tenant.id, Topic.PORTAL_THEME_CHANGED)) == 1
    assert (await portal.theme_of(department.scope)).id == stored.id


async def test_theme_colours_are_css_hex_and_versioned(gql: GraphQL, make_department) -> None:
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    theme = "theme { primaryColor accentColor backgroundColor textColor logoUrl version }"
    before = await snapshot(department)
    bad = await gql.mutate(
        "setPortalTheme",
        {"primaryColor": "red", "accentColor": "#12345", "textColor": "", "logoUrl": "java:x"},
        theme,
        token=admin,
    )
    assert sorted((e["code"], e["field"][-1]) for e in bad["errors"]) == [
        ("INVALID", "accentColor"),
        ("INVALID", "logoUrl"),
        ("INVALID", "primaryColor"),
        ("REQUIRED", "textColor"),
    ]
    assert await snapshot(department) == before

    first = await gql.mutate("setPortalTheme", {"primaryColor": "#B22222"}, theme, token=admin)
    assert (first["errors"], first["theme"]["version"]) == ([], 1)
    made = await gql.mutate(
        "setPortalTheme",
        {"logoUrl": "https://cdn.example.gov.cn/logo.svg", "expectedVersion": 1},
        theme,
        token=admin,
    )
    assert made["theme"] == {
        "primaryColor": "#B22222",
        "accentColor": "#C8102E",
        "backgroundColor": "#F5F7FA",
        "textColor": "#1F2329",
        "logoUrl": "https://cdn.example.gov.cn/logo.svg",
        "version": 2,
    }
    changed = await gql.mutate(
        "setPortalTheme",
        {"accentColor": "#0a0", "logoUrl": None, "expectedVersion": 2},
        theme,
        token=admin,
    )
    assert (changed["theme"]["accentColor"], changed["theme"]["logoUrl"]) == ("#0a0", None)
    assert changed["theme"]["version"] == 3
    stale = await gql.mutate(
        "setPortalTheme", {"textColor": "#000000", "expectedVersion": 2}, theme, token=admin
    )
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]
    clerk = await member(department, "clerk")
    portal = (await gql(PORTAL, token=gql.token(clerk, department.tenant))).data["portal"]
    assert portal["theme"] == {"primaryColor": "#B22222", "logoUrl": None, "version": 3}
    refused = await gql.mutate(
        "setPortalTheme",
        {"primaryColor": "#000"},
        theme,
        token=gql.token(clerk, department.tenant),
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
