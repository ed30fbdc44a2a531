"""Small inline SVG charts that need no JavaScript: bars, stacked bars and a level line.

Every chart is an ``<svg role="img">`` with a title and a description in words; pages put a
data table beside it, so the figures never depend on colour or on seeing the picture. All
text is escaped here (labels come from data) and the result is returned as Markup, so a
template prints it without ``|safe``. Sizes are in a fixed viewBox and scale with the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

# Distinguishable on white and in grey-scale print, dark enough for white text (contrast ≥ 4.5:1).
PALETTE = ("#1d6b3a", "#2f6f9f", "#7a5a00", "#a3461a", "#8a1010", "#5b3a86", "#3d3d3d", "#0f6e6e")
FONT = 'font-family="inherit" font-size="14"'


def _num(value: float) -> str:
    return f"{value:g}"


def _svg(width: int, height: int, title: str, description: str, body: list[str], css_class: str) -> Markup:
    head = (f'<svg class="chart {escape(css_class)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
            f' width="100%" style="max-width:{width}px" role="img" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title><desc>{escape(description)}</desc>")
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every piece above is escaped


def bar_chart(title: str, bars: Sequence[tuple[str, float]], unit: str = "", width: int = 640,
              color: str = PALETTE[1]) -> Markup:
    """Horizontal bars, one per (label, value), the value written at the end of each bar."""
    label_width, row, gap = 140, 28, 8
    plot = width - label_width - 70
    top = max((v for _, v in bars), default=0) or 1
    body = []
    for i, (label, value) in enumerate(bars):
        y = i * (row + gap)
        length = plot * value / top
        body.append(f'<text x="{label_width - 8}" y="{y + row * 0.68:.1f}" text-anchor="end" {FONT}>'
                    f"{escape(label)}</text>"
                    f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{row}" fill="{color}"/>'
                    f'<text x="{label_width + length + 6:.1f}" y="{y + row * 0.68:.1f}" {FONT}>'
                    f"{escape(_num(value))}{escape(unit)}</text>")
    height = max(len(bars) * (row + gap), row)
    description = "；".join(f"{label} {_num(value)}{unit}" for label, value in bars)
    return _svg(width, height, title, description, body, "bar-chart")


def stacked_bar_chart(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                      unit: str = "", width: int = 640) -> Markup:
    """One horizontal bar per category, split into the series' shares; legend on top.

    ``series`` is [(name, [value per category])]; bars are scaled to the largest total so
    their lengths compare across categories.
    """
    label_width, row, gap, legend = 110, 28, 8, 30
    plot = width - label_width - 60
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    top = max(totals, default=0) or 1
    body = []
    x = 0.0
    for k, (name, _) in enumerate(series):  # the legend, in series order
        color = PALETTE[k % len(PALETTE)]
        body.append(f'<rect x="{x:.1f}" y="4" width="16" height="16" fill="{color}"/>'
                    f'<text x="{x + 22:.1f}" y="17" {FONT}>{escape(name)}</text>')
        x += 30 + 14 * len(name) + 10
    for i, category in enumerate(categories):
        y = legend + i * (row + gap)
        body.append(f'<text x="{label_width - 8}" y="{y + row * 0.68:.1f}" text-anchor="end" {FONT}>'
                    f"{escape(category)}</text>")
        left = float(label_width)
        for k, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            length = plot * value / top
            color = PALETTE[k % len(PALETTE)]
            body.append(f'<rect x="{left:.1f}" y="{y}" width="{length:.1f}" height="{row}" fill="{color}">'
                        f"<title>{escape(category)} {escape(name)}：{escape(_num(value))}{escape(unit)}</title></rect>")
            if length >= 22:  # the count inside the segment, so colour is not the only signal
                body.append(f'<text x="{left + length / 2:.1f}" y="{y + row * 0.68:.1f}" text-anchor="middle" '
                            f'fill="#fff" {FONT}>{escape(_num(value))}</text>')
            left += length
        body.append(f'<text x="{left + 6:.1f}" y="{y + row * 0.68:.1f}" {FONT}>'
                    f"{escape(_num(totals[i]))}{escape(unit)}</text>")
    height = legend + max(len(categories) * (row + gap), row)
    description = "；".join(
        f"{c}：" + "，".join(f"{name} {_num(values[i])}{unit}" for name, values in series)
        for i, c in enumerate(categories))
    return _svg(width, height, title, description, body, "stacked-bar-chart")


def level_line(title: str, points: Sequence[tuple[str, str | None]], levels: Sequence[str],
               width: int = 360, standalone: bool = False) -> Markup:
    """A line through ordered levels (e.g. grades, best on top) over a sequence (e.g. years).

    A point whose level is None (not rated that year) breaks the line. ``standalone`` makes a
    file of its own (served as image/svg+xml) rather than markup inside a page.
    """
    left, right, top, step_y = 48, 24, 12, 26
    height = top * 2 + step_y * max(len(levels) - 1, 1) + 24
    step_x = (width - left - right) / max(len(points) - 1, 1)
    rank = {name: i for i, name in enumerate(levels)}
    body = []
    for i, level in enumerate(levels):
        y = top + i * step_y
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y}" y2="{y}" stroke="#c8c8c8"/>'
                    f'<text x="{left - 8}" y="{y + 5}" text-anchor="end" {FONT}>{escape(level)}</text>')
    coords: list[tuple[float, float] | None] = []
    for i, (label, level) in enumerate(points):
        x = left + i * step_x if len(points) > 1 else (left + width - right) / 2
        body.append(f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" {FONT}>{escape(label)}</text>')
        coords.append(None if level not in rank else (x, top + rank[level] * step_y))
    run: list[tuple[float, float]] = []
    for point in [*coords, None]:
        if point is not None:
            run.append(point)
            continue
        if len(run) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            body.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[1]}" stroke-width="3"/>')
        run = []
    for (label, level), point in zip(points, coords, strict=True):
        if point is not None:
            body.append(f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="5" fill="{PALETTE[1]}">'
                        f"<title>{escape(label)}：{escape(level or '')}</title></circle>")
    description = "；".join(f"{label}：{level or '未评价'}" for label, level in points)
    svg = _svg(width, height, title, description, body, "level-line")
    if standalone:  # an image file inherits no font from the page
        text = str(svg).replace('font-family="inherit"', 'font-family="sans-serif"')
        return Markup('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n")  # noqa: S704 - escaped above
    return svg
