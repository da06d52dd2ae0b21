"""The room display page: plain HTML, CSS and a little JavaScript, all in this one answer
(no build step, nothing from the internet: it works on a campus network without one).

The page shows the state it was served with at once and asks ``state`` again every 15
seconds. Its buttons: check in to the booking that is starting (``check-in``, with the
display token), and "book now" (a member signs in with their own account: the page asks
``/api/v1/auth/token`` and books through ``/api/v1/bookings`` like any client).
"""

from __future__ import annotations

import html
import json
from typing import Any

REFRESH_SECONDS = 15

CSS = """
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, sans-serif; background: #10151c; color: #f3f5f7; }
header { padding: 24px 32px; display: flex; justify-content: space-between; align-items: baseline; }
h1 { margin: 0; font-size: 2.4em; }
.where { color: #9aa7b4; font-size: 1.1em; }
#status { margin: 0 32px; padding: 28px 32px; border-radius: 14px; font-size: 2em; }
#status.free { background: #1f7a3f; }
#status.busy { background: #a8322d; }
#status small { display: block; font-size: 0.5em; opacity: 0.85; margin-top: 6px; }
main { display: grid; grid-template-columns: 2fr 1fr; gap: 24px; padding: 24px 32px; }
ol { list-style: none; padding: 0; margin: 0; }
li { padding: 12px 16px; border-bottom: 1px solid #2a3340; display: flex; gap: 16px; }
li.now { background: #243042; border-radius: 8px; }
li .state { color: #9aa7b4; margin-left: auto; }
button { font-size: 1.2em; padding: 14px 22px; border: 0; border-radius: 10px; cursor: pointer;
         background: #3b82f6; color: white; margin: 6px 6px 6px 0; }
button:disabled { background: #4b5563; cursor: default; }
input { font-size: 1.1em; padding: 10px; border-radius: 8px; border: 1px solid #4b5563;
        width: 100%; margin: 4px 0; background: #1b222c; color: inherit; }
section { background: #18202a; border-radius: 12px; padding: 18px; margin-bottom: 18px; }
h2 { margin-top: 0; font-size: 1.2em; color: #c8d1da; }
#message { min-height: 1.4em; color: #fbbf24; }
"""

SCRIPT = """
const BASE = location.pathname.replace(/\\/$/, '');
let current = JSON.parse(document.getElementById('state').textContent);

function time(iso, tz) {
  return new Date(iso).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', timeZone: tz});
}
function say(text) { document.getElementById('message').textContent = text || ''; }

function render(s) {
  current = s;
  const tz = s.room.timezone;
  const status = document.getElementById('status');
  status.className = s.busy ? 'busy' : 'free';
  const until = s.until ? 'until ' + time(s.until, tz) : 'for the rest of the day';
  status.innerHTML = '';
  status.append(s.busy ? 'Busy' : 'Free');
  const small = document.createElement('small');
  small.textContent = until;
  status.append(small);
  const list = document.getElementById('bookings');
  list.innerHTML = '';
  if (!s.bookings.length) {
    const li = document.createElement('li');
    li.textContent = 'No bookings today';
    list.append(li);
  }
  for (const b of s.bookings) {
    const li = document.createElement('li');
    if (b.now) li.className = 'now';
    const when = document.createElement('span');
    when.textContent = time(b.start, tz) + ' - ' + time(b.end, tz);
    const state = document.createElement('span');
    state.className = 'state';
    state.textContent = b.checked_in ? 'checked in' : b.status;
    li.append(when, state);
    list.append(li);
  }
  const checkin = document.getElementById('checkin');
  const info = document.getElementById('checkin-info');
  if (s.checkin) {
    checkin.disabled = false;
    const by = ': check in by ' + time(s.checkin.closes_at, tz) + ' or it is released';
    info.textContent = 'Booking ' + time(s.checkin.start, tz) + ' - ' +
      time(s.checkin.end, tz) + (s.checkin.required ? by : '');
  } else {
    checkin.disabled = true;
    info.textContent = 'Nothing to check in to now.';
  }
  document.getElementById('book').style.display = s.busy ? 'none' : '';
  document.getElementById('clock').textContent = time(s.now, tz);
}

async function refresh() {
  try {
    const r = await fetch(BASE + '/state', {cache: 'no-store'});
    if (r.ok) { render(await r.json()); } else { say((await r.json()).detail); }
  } catch (e) { say('The server does not answer; retrying.'); }
}

async function checkIn() {
  const r = await fetch(BASE + '/check-in', {method: 'POST'});
  const body = await r.json();
  if (r.ok) { render(body); say('Checked in. Welcome!'); } else { say(body.detail); }
}

async function bookNow(minutes) {
  const email = document.getElementById('email').value;
  const password = document.getElementById('password').value;
  const login = await fetch('/api/v1/auth/token', {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({email: email, password: password})});
  const auth = await login.json();
  if (!login.ok) { say(auth.detail); return; }
  const start = new Date(Date.now() + 5000);
  start.setMilliseconds(0);
  const end = new Date(start.getTime() + minutes * 60000);
  const r = await fetch('/api/v1/bookings', {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + auth.access_token},
    body: JSON.stringify({room_id: current.room.id, title: 'Booked at the door',
                          start: start.toISOString(), end: end.toISOString()})});
  const body = await r.json();
  document.getElementById('password').value = '';
  say(r.ok ? 'Booked until ' + time(body.end, current.room.timezone) + '.' : body.detail);
  await refresh();
}

document.getElementById('checkin').addEventListener('click', checkIn);
for (const button of document.querySelectorAll('[data-minutes]')) {
  button.addEventListener('click', () => bookNow(Number(button.dataset.minutes)));
}
render(current);
setInterval(refresh, REFRESH_SECONDS * 1000);
""".replace("REFRESH_SECONDS", str(REFRESH_SECONDS))


def page(state: dict[str, Any]) -> str:
    room = state["room"]
    e = html.escape
    data = json.dumps(state).replace("<", "\\u003c")
    title = f"{room['code']} {room['name']}"
    shown = "Busy" if state["busy"] else "Free"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title><style>{CSS}</style></head>
<body>
<header><div><h1>{e(room["code"])} · {e(room["name"])}</h1>
<div class="where">{e(room["building"])} · {room["capacity"]} seats</div></div>
<div class="where" id="clock"></div></header>
<div id="status" class="{shown.lower()}">{shown}</div>
<main>
<section><h2>Today</h2><ol id="bookings"></ol></section>
<div>
<section><h2>Check in</h2><p id="checkin-info"></p>
<button id="checkin" type="button">Check in</button></section>
<section id="book"><h2>Book now</h2>
<input id="email" type="email" placeholder="your email" autocomplete="off">
<input id="password" type="password" placeholder="your password" autocomplete="off">
<button type="button" data-minutes="30">30 minutes</button>
<button type="button" data-minutes="60">60 minutes</button></section>
<p id="message" role="status"></p>
</div></main>
<script id="state" type="application/json">{data}</script>
<script>{SCRIPT}</script>
</body></html>
"""
