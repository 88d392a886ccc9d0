"""The one place that turns user-written Markdown or HTML into HTML a page may show.

Markdown is rendered with raw HTML disabled, then everything passes bleach with an allow-list of tags,
attributes and URL schemes. Templates mark as safe only the output of this module. Video embeds are
built here from an allow-list of hosts; anything else stays a plain link.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

import bleach
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "img",
    "span",
    "div",
    "figure",
    "figcaption",
    "mark",
    "small",
    "abbr",
}
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title", "width", "height"],
    "th": ["colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
    "abbr": ["title"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = {"http", "https", "mailto", "tel"}
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_md.validateLink = lambda url: not re.match(r"^\s*(javascript|vbscript|data|file):", url, re.IGNORECASE)


_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def _safe_url(value: str) -> bool:
    """Only http(s), mailto and tel, or relative URLs. Browsers ignore tabs and newlines inside a scheme
    ("java\tscript:"), so those are removed before looking; bleach alone let "javascript:1" through."""
    compact = "".join(ch for ch in value if ord(ch) > 0x20)
    match = _SCHEME.match(compact)
    return match is None or match.group(1).lower() in ALLOWED_PROTOCOLS


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    return _safe_url(value) if name in ("href", "src") else True


def sanitize_html(html: str) -> str:
    """HTML from a user or an imported file, reduced to the allow-list (scripts, handlers, styles removed)."""
    cleaned = bleach.clean(
        unicodedata.normalize("NFC", html or ""),
        tags=ALLOWED_TAGS,
        attributes=_allow_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return cleaned.replace("<a href=", '<a rel="nofollow noopener" href=')


def render_markdown(text: str) -> str:
    """Markdown (raw HTML disabled) to sanitised HTML."""
    return sanitize_html(_md.render(unicodedata.normalize("NFC", text or "")))


@lru_cache(maxsize=8192)
def render_text(text: str, text_format: str = "markdown") -> str:
    """Question and feedback text in Moodle's formats: html, markdown, plain or moodle (auto-format).

    Memoised: quiz pages render the same immutable question versions for every learner, and bleach is the
    most expensive step of an attempt page (40 ms for 20 questions before)."""
    if text_format == "html":
        return sanitize_html(text)
    if text_format == "markdown":
        return render_markdown(text)
    escaped = bleach.clean(text or "", tags=set(), strip=True)
    return "<p>" + "<br>".join(escaped.splitlines()) + "</p>" if escaped else ""


# host -> function(url parts) -> embed URL or None
def _youtube(parts) -> str | None:
    if parts.hostname in ("youtu.be",):
        video = parts.path.strip("/")
    elif parts.path.startswith("/embed/"):
        video = parts.path.split("/")[2]
    else:
        video = (parse_qs(parts.query).get("v") or [""])[0]
    return f"https://www.youtube-nocookie.com/embed/{video}" if re.fullmatch(r"[\w-]{6,20}", video) else None


def _vimeo(parts) -> str | None:
    video = parts.path.strip("/").split("/")[-1]
    return f"https://player.vimeo.com/video/{video}" if video.isdigit() else None


VIDEO_HOSTS = {
    "www.youtube.com": _youtube,
    "youtube.com": _youtube,
    "m.youtube.com": _youtube,
    "youtu.be": _youtube,
    "www.youtube-nocookie.com": _youtube,
    "vimeo.com": _vimeo,
    "player.vimeo.com": _vimeo,
}


def video_embed_url(url: str | None) -> str | None:
    """An iframe URL for a video on an allowed host (HTTPS only), else None (show it as a link)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or parts.hostname not in VIDEO_HOSTS:
        return None
    return VIDEO_HOSTS[parts.hostname](parts)


def is_safe_link(url: str | None) -> bool:
    return bool(url) and urlsplit(url.strip()).scheme in ("http", "https")
