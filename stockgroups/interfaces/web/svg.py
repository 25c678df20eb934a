"""Charts drawn on the server as SVG: no script, no library, readable with JavaScript off.

Each function returns markup built only from numbers and escaped labels (markupsafe), so
a headline holding markup shows as text inside the drawing too.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

CHART_W, CHART_H = 720, 220
PAD_L, PAD_R, PAD_T, PAD_B = 40, 40, 16, 28
GRAPH_COL_W = 190
GRAPH_ROW_H = 34
LABEL_CHARS = 25
DIRECTION_CLASS = {"up": "up", "down": "down", "mixed": "mixed", "neutral": "neutral"}


def _clip(text: str, n: int = LABEL_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _day_label(day: int) -> str:
    return (date(1970, 1, 1) + timedelta(days=day)).isoformat()


def volume_tone_chart(series: list[dict[str, Any]], start_day: int, days: int) -> Markup:
    """Bars: stories per day; line: net tone per day (-1..1, zero in the middle)."""
    by_day = {p["day"]: p for p in series}
    top = max([p["stories"] for p in series] or [1])
    plot_w, plot_h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B
    step = plot_w / max(days, 1)
    parts = [(f'<svg class="chart" viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
              f'xmlns="http://www.w3.org/2000/svg" aria-label="news volume and net tone '
              f'over {days} days">'),
             (f'<line class="axis" x1="{PAD_L}" y1="{PAD_T + plot_h}" x2="{PAD_L + plot_w}" '
              f'y2="{PAD_T + plot_h}"/>'),
             (f'<line class="zero" x1="{PAD_L}" y1="{PAD_T + plot_h / 2:.1f}" '
              f'x2="{PAD_L + plot_w}" y2="{PAD_T + plot_h / 2:.1f}"/>'),
             f'<text class="tick" x="{PAD_L - 4}" y="{PAD_T + 10}" text-anchor="end">{top}</text>',
             f'<text class="tick" x="{PAD_L - 4}" y="{PAD_T + plot_h}" text-anchor="end">0</text>',
             f'<text class="tick tone" x="{PAD_L + plot_w + 4}" y="{PAD_T + 10}">+1</text>',
             f'<text class="tick tone" x="{PAD_L + plot_w + 4}" y="{PAD_T + plot_h}">-1</text>']
    points = []
    for i in range(days):
        p = by_day.get(start_day + i)
        if not p:
            continue
        x = PAD_L + i * step
        h = plot_h * p["stories"] / top
        parts.append(f'<rect class="bar" x="{x + 1:.1f}" y="{PAD_T + plot_h - h:.1f}" '
                     f'width="{max(step - 2, 1):.1f}" height="{h:.1f}">'
                     f'<title>{p["stories"]} stories, net tone {p["net_tone"]:+.2f}</title></rect>')
        y = PAD_T + plot_h / 2 - (plot_h / 2) * max(-1.0, min(1.0, p["net_tone"]))
        points.append(f"{x + step / 2:.1f},{y:.1f}")
    if points:
        parts.append(f'<polyline class="tone" points="{" ".join(points)}"/>')
        parts += [f'<circle class="tone" cx="{pt.split(",")[0]}" cy="{pt.split(",")[1]}" r="2.5"/>'
                  for pt in points]
    first, last = (_day_label(start_day), _day_label(start_day + days - 1))
    parts.append(f'<text class="tick" x="{PAD_L}" y="{CHART_H - 6}">{first}</text>')
    parts.append(f'<text class="tick" x="{PAD_L + plot_w}" y="{CHART_H - 6}" '
                 f'text-anchor="end">{last}</text>')
    parts.append(f'<text class="tick" x="{PAD_L + plot_w / 2:.0f}" y="{CHART_H - 6}" '
                 f'text-anchor="middle">stories per day (bars), net tone (line)</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def exposure_graph(graph: dict[str, Any]) -> Markup:
    """Four columns (story, entities, groups, companies) and the edges between them."""
    columns: dict[int, list[dict[str, Any]]] = {0: [], 1: [], 2: [], 3: []}
    for node in graph["nodes"]:
        columns[node["column"]].append(node)
    rows = max(len(c) for c in columns.values()) or 1
    height = rows * GRAPH_ROW_H + 40
    width = 4 * GRAPH_COL_W
    where: dict[str, tuple[float, float]] = {}
    for col, nodes in columns.items():
        offset = (rows - len(nodes)) * GRAPH_ROW_H / 2
        for i, node in enumerate(nodes):
            where[node["id"]] = (col * GRAPH_COL_W + 10, 30 + offset + i * GRAPH_ROW_H)
    parts = [(f'<svg class="graph" viewBox="0 0 {width} {height}" role="img" '
              'xmlns="http://www.w3.org/2000/svg" aria-label="exposure graph: story, '
              'entities, groups, companies">')]
    for col, title in enumerate(("story", "entities", "groups", "companies")):
        parts.append(f'<text class="coltitle" x="{col * GRAPH_COL_W + 10}" y="14">{title}</text>')
    for edge in graph["edges"]:
        if edge["from"] in where and edge["to"] in where:
            x1, y1 = where[edge["from"]]
            x2, y2 = where[edge["to"]]
            if x2 <= x1:
                continue  # only left to right: story, entities, groups, companies
            parts.append(f'<line class="edge" x1="{x1 + GRAPH_COL_W - 40:.1f}" y1="{y1:.1f}" '
                         f'x2="{x2:.1f}" y2="{y2:.1f}"/>')
    for node in graph["nodes"]:
        x, y = where[node["id"]]
        cls = DIRECTION_CLASS.get(node.get("direction", ""), "plain")
        has_score = "score" in node
        label = _clip(str(node["label"]), LABEL_CHARS - (8 if has_score else 0))
        score = (f'<text class="score" x="{x + GRAPH_COL_W - 46:.1f}" y="{y + 4:.1f}" '
                 f'text-anchor="end">{node["score"]:.2f}</text>') if has_score else ""
        parts.append(f'<g class="node {cls}"><rect x="{x:.1f}" y="{y - 12:.1f}" '
                     f'width="{GRAPH_COL_W - 40}" height="24" rx="4"/>'
                     f'<text x="{x + 6:.1f}" y="{y + 4:.1f}">{escape(label)}</text>{score}'
                     f'<title>{escape(str(node["label"]))}</title></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["exposure_graph", "volume_tone_chart"]
