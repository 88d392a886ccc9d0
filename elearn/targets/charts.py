"""Server-rendered SVG charts (no script, no CDN, no style attributes: presentation attributes only)."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

WIDTH = 600
RED, GREEN, GREY, INK, TRACK = "#b3261e", "#0d652d", "#9e9e9e", "#1c1b1f", "#f1ecea"


def _fmt(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _svg(height: int, label: str, body: list[str]) -> Markup:
    # Every piece of text in `body` went through escape(); the rest are numbers this module formatted.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def bars(items: list[tuple[str, float | None]], required: int, label: str) -> Markup:
    """One horizontal bar per unit (its percentage), the name above it and a line at the required level."""
    row_h, top = 38, 6
    height = top + row_h * max(1, len(items)) + 8
    body = []
    x_req = required / 100 * (WIDTH - 60)
    for i, (name, percent) in enumerate(items):
        y = top + i * row_h
        short = name if len(name) <= 70 else name[:67] + "…"
        body.append(f'<text x="0" y="{y + 12}" font-size="13" fill="{INK}">{escape(short)}</text>')
        body.append(f'<rect x="0" y="{y + 17}" width="{WIDTH - 60}" height="14" rx="3" fill="{TRACK}"/>')
        if percent is None:
            body.append(f'<text x="{WIDTH - 55}" y="{y + 29}" font-size="12" fill="{GREY}">—</text>')
            continue
        w = max(0.0, min(100.0, percent)) / 100 * (WIDTH - 60)
        colour = GREEN if percent >= required else RED
        body.append(f'<rect x="0" y="{y + 17}" width="{w:.1f}" height="14" rx="3" fill="{colour}"/>')
        body.append(
            f'<text x="{WIDTH - 55}" y="{y + 29}" font-size="12" fill="{INK}">{_fmt(percent)}%</text>'
        )
    body.append(
        f'<line x1="{x_req:.1f}" y1="{top}" x2="{x_req:.1f}" y2="{height - 4}" stroke="{INK}" '
        f'stroke-width="1" stroke-dasharray="4 3"/>'
    )
    return _svg(height, label, body)


def progress(points: list[tuple[date, float]], required: int, label: str) -> Markup:
    """Percentage over time from daily snapshots (the last point is today's live figure)."""
    height, left, right, top, bottom = 220, 40, 12, 12, 30
    plot_w, plot_h = WIDTH - left - right, height - top - bottom

    def y_of(p: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, p)) / 100)

    body = []
    for tick in (0, 50, 100):
        y = y_of(tick)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{TRACK}"/>')
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{GREY}">{tick}%</text>'
        )
    y_req = y_of(required)
    body.append(
        f'<line x1="{left}" y1="{y_req:.1f}" x2="{WIDTH - right}" y2="{y_req:.1f}" stroke="{INK}" '
        f'stroke-dasharray="4 3"/>'
    )
    if points:
        first, last = points[0][0], points[-1][0]
        span = max(1, (last - first).days)

        def x_of(d: date) -> float:
            return left + plot_w * ((d - first).days / span if len(points) > 1 else 0.5)

        coords = " ".join(f"{x_of(d):.1f},{y_of(p):.1f}" for d, p in points)
        body.append(f'<polyline points="{coords}" fill="none" stroke="{RED}" stroke-width="2.5"/>')
        for d, p in points:
            body.append(f'<circle cx="{x_of(d):.1f}" cy="{y_of(p):.1f}" r="3.5" fill="{RED}"/>')
        body.append(f'<text x="{left}" y="{height - 8}" font-size="11" fill="{GREY}">{first:%d/%m/%Y}</text>')
        body.append(
            f'<text x="{WIDTH - right}" y="{height - 8}" font-size="11" text-anchor="end" fill="{GREY}">'
            f"{last:%d/%m/%Y}: {_fmt(points[-1][1])}%</text>"
        )
    return _svg(height, label, body)
