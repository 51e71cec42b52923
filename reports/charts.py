"""Charts as server-rendered SVG: no JavaScript, the same picture on the page and in the PDF.

Pure functions (no Django): each returns an ``<svg>`` element as a string, sized in points for A4
(the text column of a memo page is 16 cm ≈ 453 pt wide), with text in Sarabun. Scores are 0-100.
Numbers are written with Arabic digits; a document in Thai digits converts its text as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

FONT = "Sarabun"
BAR = "#4a6fa5"
BAR_LOW = "#c0504d"
GRID = "#bbbbbb"
TEXT = "#000000"
LINE_COLOURS = ("#4a6fa5", "#c0504d", "#9bbb59", "#8064a2", "#f79646")


def _fmt(value: Decimal | float | None) -> str:
    return "–" if value is None else f"{Decimal(str(value)):.2f}"


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float, dash: str = "") -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
        f'stroke-width="{width}"{extra}/>'
    )


def _text(x: float, y: float, text: object, size: float, anchor: str = "start", fill: str = TEXT) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" fill="{fill}">'
        f"{escape(str(text))}</text>"
    )


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width:g}pt" height="{height:g}pt" '
        f'viewBox="0 0 {width:g} {height:g}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}">' + f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def bar_chart(
    bars: Sequence[tuple[str, Decimal | None]],
    *,
    title: str,
    threshold: Decimal | None = None,
    width: float = 453,
    label_width: float = 170,
    row: float = 17,
) -> str:
    """Horizontal bars, one per (label, score 0-100); bars under ``threshold`` in red, the threshold
    as a dashed line. A bar without a score is left empty with "–"."""
    top, bottom = 4.0, 16.0
    plot_x, plot_w = label_width + 6, width - label_width - 6 - 34
    height = top + row * len(bars) + bottom
    body = []
    for tick in range(0, 101, 20):
        x = plot_x + plot_w * tick / 100
        body.append(_line(x, top, x, height - bottom, GRID, 0.4))
        body.append(_text(x, height - 4, tick, 7, "middle"))
    if threshold is not None:  # under the bars: a bar's end stays readable where it crosses the line
        x = plot_x + plot_w * float(threshold) / 100
        body.append(_line(x, top, x, height - bottom, BAR_LOW, 0.8, "3 2"))
    for i, (label, value) in enumerate(bars):
        y = top + row * i
        body.append(_text(label_width, y + row * 0.68, label, 8, "end"))
        tx = plot_x + 3
        if value is not None:
            w = plot_w * float(min(max(value, 0), 100)) / 100
            fill = BAR_LOW if threshold is not None and value < threshold else BAR
            body.append(
                f'<rect x="{plot_x:.1f}" y="{y + 3:.1f}" width="{w:.1f}" '
                f'height="{row - 6:.1f}" fill="{fill}"/>'
            )
            tx = plot_x + w + 3
        body.append(_text(tx, y + row * 0.68, _fmt(value), 8))
    return _svg(width, height, body, title)


def year_chart(
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    *,
    title: str,
    width: float = 453,
    height: float = 190,
) -> str:
    """Lines across years, one per (name, scores by year); the first line's points labelled, a legend
    under the plot. The scale runs from the tens below the lowest score to 100; scores outside it are
    clipped; a missing score breaks the line."""
    left, right, top = 30.0, 12.0, 10.0
    legend_rows = (len(series) + 2) // 3
    bottom = 22.0 + 12 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(years), 1)

    def x_of(i: int) -> float:
        return left + plot_w * (i + 0.5) / n

    known = [float(v) for _name, values in series for v in values if v is not None]
    # The scale starts at the tens below the lowest score (scores sit between 60 and 100): lines that
    # differ by a few points stay apart.
    low = max(0, min(80, int(min(known, default=0) - 5) // 10 * 10))

    def y_of(v: Decimal) -> float:
        return top + plot_h * (1 - (float(min(max(v, low), 100)) - low) / (100 - low))

    def polyline(points: list[str], colour: str) -> str:
        return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="1.2"/>'

    body = []
    for tick in range(low, 101, 10 if 100 - low <= 50 else 20):
        y = y_of(Decimal(tick))
        body.append(_line(left, y, width - right, y, GRID, 0.4))
        body.append(_text(left - 4, y + 2.5, tick, 7, "end"))
    for i, year in enumerate(years):
        body.append(_text(x_of(i), top + plot_h + 11, year, 8, "middle"))
    for s, (name, values) in enumerate(series):
        colour = LINE_COLOURS[s % len(LINE_COLOURS)]
        run: list[str] = []
        for i, v in enumerate(values):
            if v is None:
                if len(run) > 1:
                    body.append(polyline(run, colour))
                run = []
                continue
            run.append(f"{x_of(i):.1f},{y_of(v):.1f}")
            body.append(f'<circle cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="2" fill="{colour}"/>')
            if s == 0:  # the first series (the total) carries its values; the table has the others
                body.append(_text(x_of(i), y_of(v) - 4, _fmt(v), 7, "middle", colour))
        if len(run) > 1:
            body.append(polyline(run, colour))
        lx = left + (s % 3) * plot_w / 3
        ly = top + plot_h + 24 + 12 * (s // 3)
        body.append(f'<rect x="{lx:.1f}" y="{ly - 6:.1f}" width="8" height="6" fill="{colour}"/>')
        body.append(_text(lx + 11, ly, name, 8))
    return _svg(width, height, body, title)


def weighted_bar_chart(
    bars: Sequence[tuple[str, Decimal | None, Decimal]],
    *,
    title: str,
    width: float = 453,
    label_width: float = 170,
    row: float = 22,
) -> str:
    """Horizontal bars of weighted scores against their maximum: one row per (label, weighted score,
    maximum = the tool's weight), the maximum as a pale bar behind, "28.50 / 30" at the end. The
    scale runs to the largest maximum (40 for OIT), so the tools compare as they count in the total."""
    top, bottom = 4.0, 16.0
    plot_x, plot_w = label_width + 6, width - label_width - 6 - 62
    height = top + row * len(bars) + bottom
    scale = float(max((m for _l, _v, m in bars), default=Decimal(100)) or 100)
    step = 10 if scale <= 50 else 20
    body = []
    for tick in range(0, int(scale) + 1, step):
        x = plot_x + plot_w * tick / scale
        body.append(_line(x, top, x, height - bottom, GRID, 0.4))
        body.append(_text(x, height - 4, tick, 7, "middle"))
    for i, (label, value, maximum) in enumerate(bars):
        y = top + row * i
        body.append(_text(label_width, y + row * 0.62, label, 8, "end"))
        full = plot_w * float(maximum) / scale
        body.append(
            f'<rect x="{plot_x:.1f}" y="{y + 4:.1f}" width="{full:.1f}" height="{row - 8:.1f}" '
            f'fill="none" stroke="{BAR}" stroke-width="0.6"/>'
        )
        if value is not None:
            w = plot_w * float(min(max(value, 0), maximum)) / scale
            body.append(
                f'<rect x="{plot_x:.1f}" y="{y + 4:.1f}" width="{w:.1f}" '
                f'height="{row - 8:.1f}" fill="{BAR}"/>'
            )
        body.append(
            _text(plot_x + full + 4, y + row * 0.62, f"{_fmt(value)} / {Decimal(maximum).normalize():f}", 8)
        )
    return _svg(width, height, body, title)
