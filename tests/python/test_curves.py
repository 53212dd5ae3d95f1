"""tools/train/curves.py: sweep reports → one SVG with a curve per sweep."""
import xml.etree.ElementTree as ET

from tools.train import curves


def report(points):
    return [{"point": "dense", "flops": {"reduction": 1.0}, "metrics": {"accuracy": 0.9}}] + [
        {"point": f"p{i}", "flops": {"reduction": r}, "metrics": {"accuracy": m}} for i, (r, m) in enumerate(points)]


def test_points_leave_out_dense_and_sort_by_flops():
    assert curves.points_of(report([(2.0, 0.8), (1.25, 0.85)]), "accuracy") == [(0.5, 80.0), (0.8, 85.0)]


def test_svg_has_one_polyline_per_curve_and_the_dense_point(tmp_path):
    path = tmp_path / "c.svg"
    ltp = curves.points_of(report([(2.0, 0.88), (1.5, 0.89)]), "accuracy")
    topk = curves.points_of(report([(2.0, 0.80), (1.5, 0.86), (1.2, 0.88)]), "accuracy")
    curves.write_svg(path, "m on RTE", "accuracy", 90.0, [("LTP", ltp), ("top-k", topk)])
    root = ET.parse(path).getroot()  # well-formed
    ns = "{http://www.w3.org/2000/svg}"
    lines = root.findall(f"{ns}polyline")
    assert len(lines) == 2
    assert len(lines[1].get("points").split()) == 3
    assert "top-k" in [t.text for t in root.findall(f"{ns}text")]
