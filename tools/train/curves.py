"""An SVG of metric against relative FLOPs with several curves (LTP's
threshold-scale sweep beside top-k's keep-rate sweep) and the dense point,
from ltp-eval --json sweep reports. Plain SVG text: no plotting package."""
from pathlib import Path

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"]


def points_of(report, metric):
    """[(relative FLOPs, metric in %)] of an ltp-eval sweep report, the dense point left out."""
    return sorted((1 / p["flops"]["reduction"], 100 * p["metrics"][metric]) for p in report if p["point"] != "dense")


def write_svg(path: Path, title, metric, dense_value, curves):
    """curves: [(label, [(relative FLOPs, value %)])]; dense_value in %."""
    width, height, left, right, top, bottom = 680, 420, 70, 200, 50, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [dense_value] + [v for _, pts in curves for _, v in pts]
    pad = max(1.0, (max(values) - min(values)) * 0.1)
    lo, hi = min(values) - pad, max(values) + pad

    def x(rel):
        return left + rel * plot_w

    def y(v):
        return top + (hi - v) / (hi - lo) * plot_h

    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
         f'font-size="12">', '<rect width="100%" height="100%" fill="white"/>',
         f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="15">{title}</text>',
         f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="black"/>',
         f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="black"/>']
    for i in range(6):
        rel, v = i / 5, lo + (hi - lo) * i / 5
        s.append(f'<line x1="{x(rel):.1f}" y1="{top}" x2="{x(rel):.1f}" y2="{top + plot_h}" stroke="#eee"/>'
                 f'<text x="{x(rel):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{rel:.1f}</text>')
        s.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + plot_w}" y2="{y(v):.1f}" stroke="#eee"/>'
                 f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.1f}</text>')
    s.append(f'<text x="{left + plot_w / 2}" y="{height - 18}" text-anchor="middle">FLOPs relative to dense</text>')
    s.append(f'<text transform="translate(18,{top + plot_h / 2}) rotate(-90)" text-anchor="middle">{metric} (%)</text>')
    legend_x = left + plot_w + 20
    for i, (label, pts) in enumerate(curves):
        colour = COLOURS[i % len(COLOURS)]
        s.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                 + " ".join(f"{x(r):.1f},{y(v):.1f}" for r, v in pts) + '"/>')
        s += [f'<circle cx="{x(r):.1f}" cy="{y(v):.1f}" r="4" fill="{colour}"/>' for r, v in pts]
        s.append(f'<circle cx="{legend_x + 5}" cy="{top + 29 + 20 * i}" r="4" fill="{colour}"/>'
                 f'<text x="{legend_x + 16}" y="{top + 33 + 20 * i}">{label}</text>')
    s.append(f'<rect x="{x(1) - 5:.1f}" y="{y(dense_value) - 5:.1f}" width="10" height="10" fill="#d62728"/>')
    s.append(f'<rect x="{legend_x}" y="{top + 4}" width="10" height="10" fill="#d62728"/>'
             f'<text x="{legend_x + 16}" y="{top + 13}">dense</text>')
    s.append("</svg>")
    Path(path).write_text("\n".join(s) + "\n")
