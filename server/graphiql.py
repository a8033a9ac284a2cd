"""GraphiQL (dev mode) served from the project, so it works without internet.

strawberry's page loads React, GraphiQL and its explorer plugin from a CDN, each pinned by
version and Subresource Integrity hash. `officecloud graphiql-assets` (run by `make`) fetches
exactly those package versions with `npm pack` and keeps the files the page names, after
checking each against its integrity hash; the page is served with the same tags pointing here,
so the browser checks the hashes again."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from strawberry.http.ides import get_graphql_ide_html

ASSETS = Path(__file__).parent / "static" / "graphiql"
PREFIX = "/graphiql/"
CDN_RE = re.compile(
    r'(?P<attr>src|href)="https://unpkg\.com/(?P<package>(?:@[^/@"]+/)?[^/@"]+)@(?P<version>[^/"]+)'
    r'/(?P<path>[^"]+)"(?P<between>\s+integrity="(?P<integrity>sha\d+-[^"]+)")?'
)
MISSING = """<!doctype html><meta charset="utf-8"><title>GraphiQL</title>
<p>GraphiQL's files are not installed here. Run <code>make graphiql</code> (it needs npm) or
<code>.venv/bin/officecloud graphiql-assets</code>; the API at this URL works without them.</p>
"""


@dataclass(frozen=True)
class Asset:
    package: str
    version: str
    path: str
    integrity: str

    @property
    def local(self) -> Path:
        return ASSETS / f"{self.package}@{self.version}" / self.path

    @property
    def url(self) -> str:
        return f"{PREFIX}{self.package}@{self.version}/{self.path}"


def assets(html: str | None = None) -> list[Asset]:
    """What strawberry's page loads from the CDN; every tag must carry an integrity hash."""
    found = []
    for match in CDN_RE.finditer(html or get_graphql_ide_html("graphiql")):
        if not match["integrity"]:
            raise ValueError(f"{match['package']}/{match['path']} has no integrity hash")
        found.append(Asset(match["package"], match["version"], match["path"], match["integrity"]))
    return found


def page() -> str:
    """strawberry's page with every CDN URL turned into ours (integrity kept), or a page that
    says how to install the files when they are missing."""
    html = get_graphql_ide_html("graphiql")
    if not all(asset.local.is_file() for asset in assets(html)):
        return MISSING

    def local(match: re.Match[str]) -> str:
        asset = Asset(match["package"], match["version"], match["path"], match["integrity"])
        return f'{match["attr"]}="{asset.url}"{match["between"]}'

    return CDN_RE.sub(local, html)


def add_routes(app: web.Application) -> None:
    """Only the files the page names; they never change under a versioned URL."""
    served = {asset.url: asset for asset in assets()}

    async def file(request: web.Request) -> web.StreamResponse:
        asset = served.get(request.path)
        if asset is None or not asset.local.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(
            asset.local, headers={"Cache-Control": "public, max-age=31536000, immutable"}
        )

    app.router.add_get(PREFIX + "{path:.+}", file)


def matches(data: bytes, integrity: str) -> bool:
    algorithm, digest = integrity.split("-", 1)
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == digest


def install(npm: str = "npm") -> list[Path]:
    """Fetch every package version the page names (`npm pack`, from the registry npm is set
    up for) and keep the named files, each checked against its integrity hash."""
    wanted = assets()
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in sorted({f"{a.package}@{a.version}" for a in wanted}):
            done = subprocess.run(  # noqa: S603
                [npm, "pack", spec, "--pack-destination", tmp, "--silent"],
                capture_output=True,
                text=True,
                check=True,
            )
            tarball = Path(tmp) / done.stdout.strip().splitlines()[-1]
            with tarfile.open(tarball) as archive:
                for asset in (a for a in wanted if f"{a.package}@{a.version}" == spec):
                    member = archive.extractfile(f"package/{asset.path}")
                    data = member.read() if member else b""
                    if not matches(data, asset.integrity):
                        raise ValueError(f"{spec}/{asset.path} does not match its integrity hash")
                    asset.local.parent.mkdir(parents=True, exist_ok=True)
                    asset.local.write_bytes(data)
                    written.append(asset.local)
    return written
