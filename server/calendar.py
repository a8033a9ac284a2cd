"""`GET /calendar/feeds/{token}.ics`: a user's calendar as iCalendar for subscribing clients
(Outlook, Apple, Google, Thunderbird), opened by the feed's secret token alone (clients cannot
send bearer tokens). An unknown or revoked token is 404, with no hint which."""

from __future__ import annotations

from aiohttp import web

from services.calendar import ical

ROUTE = "/calendar/feeds/{token}.ics"


async def feed(request: web.Request) -> web.Response:
    body = await ical.feed_body(request.match_info["token"])
    if body is None:
        return web.json_response({"error": "No such calendar feed"}, status=404)
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": 'inline; filename="calendar.ics"',
        },
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get(ROUTE, feed)
