"""SVG pieces of the protocol diagram (``web.diagram``): labels, the "nu" badge, and
orthogonal polylines with rounded corners."""

from __future__ import annotations

import textwrap

from markupsafe import escape

Point = tuple[float, float]

LINE = 15  # text line height
CHARS = 21  # characters on a line of a box
MAX_LINES = 3
CORNER = 6


def label(text: str, cx: float, cy: float) -> str:
    lines = textwrap.wrap(text, CHARS, max_lines=MAX_LINES, placeholder=" …") or [text]
    first = cy - (len(lines) - 1) * LINE / 2 + 4
    spans = "".join(
        f'<tspan x="{cx:.0f}" y="{first + i * LINE:.0f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="middle" font-size="13" fill="#1a1a1a">{spans}</text>'


def badge(x: float, y: float) -> str:
    return (
        f'<rect x="{x - 16:.0f}" y="{y - 9:.0f}" width="32" height="18" rx="9" fill="#b35c00"/>'
        f'<text x="{x:.0f}" y="{y + 4:.0f}" text-anchor="middle" font-size="12"'
        ' font-weight="700" fill="#ffffff">nu</text>'
    )


def path(points: list[Point]) -> str:
    """An orthogonal polyline with rounded corners as SVG path data."""
    points = _simplify(points)
    parts = [f"M{points[0][0]:.0f},{points[0][1]:.0f}"]
    for before, corner, after in zip(points, points[1:], points[2:], strict=False):
        r = min(CORNER, _distance(before, corner) / 2, _distance(corner, after) / 2)
        enter = _towards(corner, before, r)
        leave = _towards(corner, after, r)
        parts.append(
            f"L{enter[0]:.1f},{enter[1]:.1f} Q{corner[0]:.0f},{corner[1]:.0f}"
            f" {leave[0]:.1f},{leave[1]:.1f}"
        )
    parts.append(f"L{points[-1][0]:.0f},{points[-1][1]:.0f}")
    return " ".join(parts)


def _simplify(points: list[Point]) -> list[Point]:
    """Drop repeated points and points in the middle of a straight segment."""
    result: list[Point] = []
    for point in points:
        if result and _distance(result[-1], point) < 0.5:
            continue
        if len(result) >= 2 and _collinear(result[-2], result[-1], point):
            result[-1] = point
            continue
        result.append(point)
    return result


def _collinear(a: Point, b: Point, c: Point) -> bool:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) < 0.5


def _distance(a: Point, b: Point) -> float:
    return float(abs(a[0] - b[0]) + abs(a[1] - b[1]))


def _towards(corner: Point, other: Point, r: float) -> Point:
    length = _distance(corner, other) or 1.0
    return (
        corner[0] + (other[0] - corner[0]) * r / length,
        corner[1] + (other[1] - corner[1]) * r / length,
    )
