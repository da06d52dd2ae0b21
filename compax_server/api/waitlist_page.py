"""``/waitlist/offers/<entry>/<offer>/<token>``: the page the link in an offer's email opens.

The link is the credential for that one offer (``domain.waitlist.offer_token``): the page
shows the offer (GET, safe for mail scanners that open links) and its two buttons post the
answer (accept or decline) as the member. Plain HTML, no script, no outside resources."""

from __future__ import annotations

import html
from datetime import datetime

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import html as html_response

from compax_server.domain import hours
from compax_server.errors import CompaxError
from compax_server.services import waitlist

PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
HEADERS = {"Cache-Control": "no-store", "Content-Security-Policy": PAGE_CSP}
CSS = (
    "body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em}"
    "button{font-size:1.1em;padding:.5em 1.2em;margin-right:.5em}"
)
ANSWERS = ("accept", "decline")


def _local(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(hours.zone(zone))
    return f"{local:%a %d %b %Y %H:%M} ({zone})"


def _page(title: str, body: str) -> str:
    e = html.escape
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{CSS}</style></head>"
        f"<body><h1>{e(title)}</h1>{body}</body></html>"
    )


def _offer_page(offer: waitlist.Offer) -> str:
    e, entry = html.escape, offer.entry
    when = f"{_local(entry.start, offer.timezone)} to {_local(entry.end, offer.timezone)}"
    facts = (
        f"<p><b>{e(entry.title)}</b><br>{e(offer.room_code)} {e(offer.room_name)}<br>{e(when)}</p>"
    )
    state = entry.state.value
    if state == "offered":
        until = _local(entry.offer_expires_at, offer.timezone)
        return _page(
            "A room is held for you",
            facts + f"<p>Accept before {e(until)}, or it passes to the next in line.</p>"
            '<form method="post"><button name="answer" value="accept">Accept</button>'
            '<button name="answer" value="decline">Decline</button></form>',
        )
    said = {"accepted": "You accepted: the room is booked for you."}.get(
        state, f"This offer is {state}."
    )
    return _page("Waitlist offer", facts + f"<p>{e(said)}</p>")


def waitlist_page_blueprint() -> Blueprint:
    bp = Blueprint("waitlist_page")
    path = "/waitlist/offers/<entry_id:int>/<offer:int>/<token:str>"

    @bp.get(path, name="waitlist_offer_page")
    async def offer_page(request: Request, entry_id: int, offer: int, token: str) -> HTTPResponse:
        try:
            found = await waitlist.offer_by_link(entry_id, offer, token)
        except CompaxError as exc:
            return html_response(
                _page("Waitlist offer", f"<p>{html.escape(exc.detail)}</p>"),
                status=exc.status,
                headers=HEADERS,
            )
        return html_response(_offer_page(found), headers=HEADERS)

    @bp.post(path, name="waitlist_offer_answer")
    async def offer_answer(request: Request, entry_id: int, offer: int, token: str) -> HTTPResponse:
        form = request.form
        answer = str(form.get("answer") or "")[:20] if form is not None else ""
        try:
            found = await waitlist.answer_by_link(entry_id, offer, token, answer)
        except CompaxError as exc:
            body = f"<p>{html.escape(exc.detail)}</p>"
            return html_response(_page("Waitlist offer", body), status=exc.status, headers=HEADERS)
        return html_response(_offer_page(found), headers=HEADERS)

    return bp
