"""The browser side, served as static files: the demo shop page with the chat widget (/demo),
the agent console (/console) and its admin page (/console/admin), and their scripts, styles
and vendored libraries (/web/...)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

WEB_ROOT = Path(__file__).resolve().parents[2] / "web"
# Files are small and change with each release; revalidating keeps a stale widget out of browsers.
NO_STALE = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
# The console shows customers' words; this policy is a second wall behind rendering them as text:
# no inline script, no script or connection to any other origin. The console talks only to this
# service (REST and its WebSocket, /ws); CSP 3's 'self' covers ws:/wss: to the same host and port,
# so no other host is named (`ws: wss:` allowed any host, a way out for stolen data).
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

router = APIRouter(tags=["pages"])


def _page(relative: str, extra_headers: dict[str, str] | None = None) -> FileResponse:
    return FileResponse(WEB_ROOT / relative, media_type="text/html", headers={**NO_STALE, **(extra_headers or {})})


@router.get("/", include_in_schema=False)
async def root() -> RedirectResponse:
    return RedirectResponse("/demo")


@router.get("/demo", include_in_schema=False)
async def demo_shop() -> FileResponse:
    return _page("demo/index.html")


@router.get("/console", include_in_schema=False)
async def console() -> FileResponse:
    return _page("console/index.html", {"Content-Security-Policy": CONSOLE_CSP})


@router.get("/console/admin", include_in_schema=False)
async def console_admin() -> FileResponse:
    """Agents, teams, canned replies and the audit (admin.js; the API refuses non-admins)."""
    return _page("console/admin.html", {"Content-Security-Policy": CONSOLE_CSP})
@router.get("/console/reports", include_in_schema=False)
async def console_reports() -> FileResponse:
    """The reports dashboard (issue 22): the console's sign-in, the same policy."""
    return _page("console/reports.html", {"Content-Security-Policy": CONSOLE_CSP})


@router.get("/web/{path:path}", include_in_schema=False)
async def web_file(path: str) -> FileResponse:
    target = (WEB_ROOT / path).resolve()
    # resolve() folds any ../ first, so this also refuses paths that climb out of web/.
    if not target.is_relative_to(WEB_ROOT) or not target.is_file() or target.suffix == ".md":
        raise HTTPException(404, f"no such file: /web/{path}")
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    headers = dict(NO_STALE)
    if target.parent.name == "widget" or target.parent.name == "vendor":
        # The widget's files are loaded by shop pages on other origins.
        headers["Access-Control-Allow-Origin"] = "*"
    return FileResponse(target, media_type=media_type, headers=headers)
