"""SQLite under concurrent writers: simultaneous logins all succeed (no "database is locked")."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import TEST_PASSWORD

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _login(base: str) -> int:
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", "/login")
    page = conn.getresponse()
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    token = CSRF.search(page.read().decode()).group(1)
    body = urllib.parse.urlencode(
        {"email": "officer@test.vn", "password": TEST_PASSWORD, "csrf_token": token}
    )
    conn.request(
        "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def test_simultaneous_logins_all_succeed(live_server):
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda _: _login(live_server), range(48)))
    assert statuses == [302] * 48
