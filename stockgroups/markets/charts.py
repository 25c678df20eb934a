"""Charts of an event study: CAR over the window per ticker and group.

`study_svg` draws it in SVG with no dependency (the HTML report embeds it); `study_png`
draws the same with matplotlib (the `charts` extra). Both take Study.to_dict(), and
every label is escaped: tickers and titles may come from scraped text.
"""
from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from stockgroups.errors import StockGroupsError

WIDTH, HEIGHT = 760, 420
MARGIN = {"left": 60, "right": 170, "top": 30, "bottom": 40}
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def _lines(study: Mapping[str, Any]) -> list[tuple[str, list[float | None], bool, str]]:
    """(label, CAR path, is_group, colour) for every usable group and ticker; a ticker takes
    the colour of the first group holding it."""
    out: list[tuple[str, list[float | None], bool, str]] = []
    colour_of: dict[str, str] = {}
    groups = [g for g in study.get("groups", []) if g.get("caar_path")]
    for i, g in enumerate(groups):
        colour = PALETTE[i % len(PALETTE)]
        out.append((f"{g['name']} (n={g['n']})", list(g["caar_path"]), True, colour))
        for t in g.get("used", []):
            colour_of.setdefault(t, colour)
    spare = len(groups)
    for c in study.get("companies", []):
        if c.get("status") == "ok":
            colour = colour_of.get(c["ticker"])
            if colour is None:
                colour, spare = PALETTE[spare % len(PALETTE)], spare + 1
            out.append((c["ticker"], list(c["car_path"]), False, colour))
    return out


def _days(study: Mapping[str, Any]) -> list[int]:
    lo, hi = study["window"]
    return list(range(lo, hi + 1))


def study_svg(study: Mapping[str, Any], title: str = "") -> str:
    """An SVG line chart of CAR (percent) by event day."""
    days = _days(study)
    lines = _lines(study)
    values = [v for _, path, _, _ in lines for v in path if v is not None] or [0.0]
    lo, hi = min(0.0, *values), max(0.0, *values)
    span = (hi - lo) or 0.01
    lo, hi = lo - 0.05 * span, hi + 0.05 * span
    left, top = MARGIN["left"], MARGIN["top"]
    plot_w = WIDTH - left - MARGIN["right"]
    plot_h = HEIGHT - top - MARGIN["bottom"]

    def x(day: int) -> float:
        return left + (plot_w * (day - days[0]) / max(1, days[-1] - days[0]))

    def y(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
              f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">'),
             f'<text x="{left}" y="18" font-size="13">{html.escape(title)}</text>',
             (f'<line x1="{left}" x2="{left + plot_w}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
              'stroke="#999" stroke-dasharray="3,3"/>')]
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">'
                     f'{v:+.1%}</text>')
    for d in days:
        parts.append(f'<text x="{x(d):.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                     f'{d:+d}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{HEIGHT - 6}" text-anchor="middle">'
                 'trading day (0 = first trading day on or after the event)</text>')
    for i, (label, path, group, color) in enumerate(lines):
        points = [f"{x(d):.1f},{y(v):.1f}" for d, v in zip(days, path) if v is not None]
        width = 3 if group else 1.2
        dash = "" if group else ' stroke-dasharray="4,2"'
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="{width}"{dash} '
                     f'points="{" ".join(points)}"/>')
        ly = top + 14 * i + 6
        parts.append(f'<line x1="{WIDTH - MARGIN["right"] + 10}" x2="{WIDTH - MARGIN["right"] + 28}" '
                     f'y1="{ly}" y2="{ly}" stroke="{color}" stroke-width="{width}"/>')
        last = next((v for v in reversed(path) if v is not None), None)
        text = f"{label} {last:+.1%}" if last is not None else label
        parts.append(f'<text x="{WIDTH - MARGIN["right"] + 32}" y="{ly + 4}">'
                     f'{html.escape(text)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def study_html(study: Mapping[str, Any], title: str = "") -> str:
    """A self-contained HTML report: the chart, then the per-group and per-ticker tables."""
    title = title or f"Event study, day 0 = {study['day0']}"
    esc = html.escape

    def pct(v: float | None) -> str:
        return "" if v is None else f"{v:+.2%}"

    def num(v: float | None, fmt: str = "{:.2f}") -> str:
        return "" if v is None else fmt.format(v)

    rows_g = "".join(
        f"<tr><td>{esc(g['name'])}</td><td>{g['n']}</td><td>{pct(g['car'])}</td>"
        f"<td>{pct(g['car_cap_weighted'])}</td><td>{num(g['t_cross'])}</td>"
        f"<td>{num(g['t_bmp'])}</td><td>{num(g['t_bmp_adj'])}</td><td>{num(g['z_rank'])}</td><td>{esc(g['note'])}</td></tr>"
        for g in study.get("groups", []))
    rows_c = "".join(
        f"<tr><td>{esc(c['ticker'])}</td><td>{pct(c['car'])}</td><td>{num(c['t'])}</td>"
        f"<td>{num(c['beta'])}</td><td>{num(c['alpha'], '{:.5f}')}</td>"
        f"<td>{c['n_estimation']}</td><td>{esc(c['status'])}</td></tr>"
        for c in study.get("companies", []))
    judged = [p for p in study.get("predictions", []) if p.get("car") is not None]
    marks = {True: "right", False: "wrong", None: ""}
    rows_p = "".join(
        f"<tr><td>{esc(str(p['id']))}</td><td>{esc(str(p['kind']))}</td>"
        f"<td>{esc(str(p['predicted']))}</td><td>{pct(p['car'])}</td>"
        f"<td>{marks[p['hit']]}</td></tr>" for p in judged)
    predictions = ("<h2>Predicted direction beside realised CAR</h2><table><tr><th>signal</th>"
                   "<th>kind</th><th>predicted</th><th>CAR</th><th></th></tr>"
                   f"{rows_p}</table>") if judged else ""
    lo, hi = study["window"]
    return ("<!doctype html><html><head><meta charset=\"utf-8\">"
            f"<title>{esc(title)}</title><style>body{{font-family:sans-serif;margin:2em}}"
            "td,th{padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
            "</style></head><body>"
            f"<h1>{esc(title)}</h1><p>Event date {esc(study['event_date'])}, day 0 "
            f"{esc(study['day0'])}, window [{lo:+d},{hi:+d}], market model on "
            f"{study['estimation']} days ending {study['gap'] + 1} days before day 0; market: "
            f"{esc(', '.join(study['market']))}.</p>"
            f"{study_svg(study, f'CAR[{lo:+d},{hi:+d}]')}{predictions}"
            "<h2>Groups</h2><table><tr><th>group</th><th>n</th><th>CAR</th><th>CAR cap-w.</th>"
            "<th>t cross</th><th>t BMP</th><th>t BMP, KP-adjusted</th><th>z rank</th><th>note</th></tr>"
            f"{rows_g}</table><h2>Companies</h2><table><tr><th>ticker</th><th>CAR</th>"
            "<th>t</th><th>beta</th><th>alpha</th><th>est. days</th><th>status</th></tr>"
            f"{rows_c}</table></body></html>\n")


def study_png(studies: Sequence[tuple[str, Mapping[str, Any]]], path: str | Path,
              groups_only: bool = False) -> None:
    """PNG of one panel per study (title, Study.to_dict()); needs matplotlib."""
    try:
        import matplotlib  # optional extra: stockgroups[charts]

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise StockGroupsError("a PNG chart needs matplotlib: pip install "
                               "'stockgroups[charts]' (or use --format html)") from None
    fig, axes = plt.subplots(1, len(studies), figsize=(7.4 * len(studies), 4.6), squeeze=False)
    for ax, (title, study) in zip(axes[0], studies):
        days = _days(study)
        for label, path_values, group, color in _lines(study):
            if groups_only and not group:
                continue
            pts = [(d, v * 100) for d, v in zip(days, path_values) if v is not None]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], label=label,
                    color=color, linewidth=2.6 if group else 1.0,
                    linestyle="-" if group else "--", marker="o" if group else None,
                    markersize=3)
        ax.axhline(0, color="#999", linewidth=0.8)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("trading day relative to day 0")
        ax.set_ylabel("CAR, %")
        ax.set_xticks(days)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except OSError as err:
        raise StockGroupsError(f"{path}: cannot write the chart ({err.strerror or err})") from None
    finally:
        plt.close(fig)
