"""A protocol as a diagram: inline SVG drawn on the server (no JavaScript, no external tool).

States are rounded boxes in columns by ``step`` (states without a step in a last column),
in file order within a column. Transitions are arrows routed orthogonally through the gaps
between the columns, so an arrow never crosses a box:

* to the next column: out of the right side, along a vertical track in the gap, into the
  left side;
* further to the right: down to a lane below the boxes, along it, up into the left side;
* to the left: out of the left side, up to a lane above the boxes, along it, down into the
  right side (dashed, so going back reads as going back);
* within a column: straight down or up to a neighbour, else through the gap on the right.

Arrows into the same side of the same state share their last track (they merge like a bus),
and each arrow's trigger label is its ``<title>`` (a tooltip). Final states have a double
border; the case's current state gets a thick border, a "nu" badge, ``aria-current`` and a
sentence in the description. Transitions from every active state (``from: "*"``) would
draw an arrow from every box; they are listed as text below the drawing instead.
Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from toetreding.definition.model import ALL_ACTIVE_STATES, ProtocolSpec, TransitionSpec
from toetreding.web import diagram_svg as svg
from toetreding.web.diagram_svg import LINE, Point

WIDTH, HEIGHT = 164, 64  # a state's box
GAP = 84  # between columns at least: room for the vertical tracks of the arrows
ROW_GAP = 30
MARGIN = 20
LEFT = MARGIN + 30  # room for the start dot
HEADING = 24
TRACK = 10  # between parallel vertical tracks in a gap
LANE = 12  # between parallel horizontal lanes above or below the boxes
ARROW = "toetreding-pijl"

PortKey = tuple[str, ...]


@dataclass(frozen=True)
class Edge:
    """All transitions from one state to another: one arrow."""

    source: str
    dest: str
    transitions: tuple[TransitionSpec, ...]


def protocol_diagram(spec: ProtocolSpec, current: str | None = None) -> Markup:
    """The SVG of ``spec``; ``current`` (a state name) is highlighted."""
    return _Drawing(spec, current).svg()


def current_sentence(spec: ProtocolSpec, state: str) -> str:
    """What a screen reader (and everyone else) reads about the highlighted state."""
    found = spec.states[state]
    step = f"stap {found.step}: " if found.step else ""
    return f"Het dossier staat nu in: {step}{found.label}."


def grid(spec: ProtocolSpec) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """Column headings and each state's (column, row)."""
    steps: list[int | None] = [*sorted({s.step for s in spec.states.values() if s.step})]
    if any(s.step is None for s in spec.states.values()):
        steps.append(None)
    cells: dict[str, tuple[int, int]] = {}
    for column, step in enumerate(steps):
        names = [name for name, state in spec.states.items() if state.step == step]
        cells.update({name: (column, row) for row, name in enumerate(names)})
    return [f"Stap {n}" if n else "Zonder stap" for n in steps], cells


def edges(spec: ProtocolSpec) -> list[Edge]:
    """One edge per (from, to) pair, in file order; ``from: "*"`` transitions left out."""
    grouped: dict[tuple[str, str], list[TransitionSpec]] = {}
    for transition in spec.transitions:
        if ALL_ACTIVE_STATES not in transition.source:
            for source in transition.source:
                grouped.setdefault((source, transition.dest), []).append(transition)
    return [Edge(s, d, tuple(ts)) for (s, d), ts in grouped.items()]


@dataclass(frozen=True)
class _Track:
    """A vertical stretch in the gap right of column ``gap``; equal keys share a track."""

    gap: int
    key: PortKey


@dataclass(frozen=True)
class _Lane:
    """A horizontal stretch above ("top") or below ("bottom") the boxes, one per target."""

    where: str
    dest: str


@dataclass
class _Route:
    """An arrow before coordinates are known: its ports, tracks and lanes by key."""

    edge: Edge
    start: tuple[str, str, PortKey]  # state, side, port key
    waypoints: list[_Track | _Lane]
    end: tuple[str, str, PortKey]
    back: bool = False


@dataclass
class _Drawing:
    spec: ProtocolSpec
    current: str | None
    headings: list[str] = field(init=False)
    cells: dict[str, tuple[int, int]] = field(init=False)
    ports: dict[tuple[str, str], list[PortKey]] = field(default_factory=dict)
    tracks: dict[int, list[PortKey]] = field(default_factory=dict)
    lanes: dict[str, list[str]] = field(default_factory=lambda: {"top": [], "bottom": []})
    routes: list[_Route] = field(init=False)
    loops: list[Edge] = field(init=False)
    everywhere: list[TransitionSpec] = field(init=False)

    def __post_init__(self) -> None:
        self.headings, self.cells = grid(self.spec)
        self.routes = [self._plan(edge) for edge in edges(self.spec) if edge.source != edge.dest]
        self.loops = [edge for edge in edges(self.spec) if edge.source == edge.dest]
        self.everywhere = [t for t in self.spec.transitions if ALL_ACTIVE_STATES in t.source]

    # --- geometry -----------------------------------------------------------------------

    @property
    def rows(self) -> int:
        return max(row for _, row in self.cells.values()) + 1

    @property
    def top(self) -> float:
        """Where the first row of boxes starts (below the headings and the top lanes)."""
        return MARGIN + HEADING + 18 + len(self.lanes["top"]) * LANE

    @property
    def bottom(self) -> float:
        return self.top + self.rows * (HEIGHT + ROW_GAP) - ROW_GAP

    @property
    def gap(self) -> float:
        """Between two columns: wide enough for the busiest gap's tracks."""
        most = max((len(keys) for keys in self.tracks.values()), default=1)
        return max(GAP, 28 + (most - 1) * TRACK)

    @property
    def width(self) -> float:
        return LEFT + len(self.headings) * (WIDTH + self.gap) + MARGIN

    @property
    def height(self) -> float:
        lanes = 16 + len(self.lanes["bottom"]) * LANE if self.lanes["bottom"] else 0
        notes = (len(self.everywhere) + 1) * LINE if self.everywhere else 0
        return self.bottom + lanes + notes + MARGIN

    def x(self, column: int) -> float:
        return LEFT + column * (WIDTH + self.gap)

    def box(self, name: str) -> tuple[float, float]:
        column, row = self.cells[name]
        return self.x(column), self.top + row * (HEIGHT + ROW_GAP)

    def track_x(self, gap: int, key: PortKey) -> float:
        """Tracks into the left column's right side first, tracks into the right column's
        left side last, so that the short horizontal ends of the arrows cross no track."""
        keys = sorted(self.tracks[gap], key=_track_rank)
        return self.x(gap) + WIDTH + 14 + keys.index(key) * TRACK

    def lane_y(self, where: str, key: str) -> float:
        index = self.lanes[where].index(key)
        if where == "top":
            return self.top - 16 - index * LANE
        return self.bottom + 16 + index * LANE

    def port(self, name: str, side: str, key: PortKey) -> Point:
        x, y = self.box(name)
        keys = self.ports[(name, side)]
        if side in ("top", "bottom"):
            offset = -10 if key[0] == "down" else 10
            return x + WIDTH / 2 + offset, y if side == "top" else y + HEIGHT
        share = (keys.index(key) + 1) / (len(keys) + 1)
        return (x if side == "left" else x + WIDTH), y + HEIGHT * share

    # --- planning: which sides, tracks and lanes an arrow uses ---------------------------

    def _use(self, name: str, side: str, key: PortKey) -> tuple[str, str, PortKey]:
        keys = self.ports.setdefault((name, side), [])
        if key not in keys:
            keys.append(key)
        return name, side, key

    def _track(self, gap: int, key: PortKey) -> _Track:
        keys = self.tracks.setdefault(gap, [])
        if key not in keys:
            keys.append(key)
        return _Track(gap, key)

    def _lane(self, where: str, dest: str) -> _Lane:
        if dest not in self.lanes[where]:
            self.lanes[where].append(dest)
        return _Lane(where, dest)

    def _plan(self, edge: Edge) -> _Route:
        (c_from, r_from), (c_to, r_to) = self.cells[edge.source], self.cells[edge.dest]
        if c_from == c_to and abs(r_from - r_to) == 1:
            return self._plan_neighbour(edge, down=r_to > r_from)
        back = c_to < c_from
        side = "right" if back or c_to == c_from else "left"  # where the arrow enters
        bus: PortKey = ("in", edge.dest, side)
        start = self._use(edge.source, "left" if back else "right", ("out", edge.dest))
        end = self._use(edge.dest, side, bus)
        last = self._track(c_to if back else max(c_to - 1, c_from), bus)
        if abs(c_to - c_from) <= 1:
            return _Route(edge, start, [last], end, back=back)
        first = self._track(c_from - 1 if back else c_from, ("out", edge.source, edge.dest))
        lane = self._lane("top" if back else "bottom", edge.dest)
        return _Route(edge, start, [first, lane, last], end, back=back)

    def _plan_neighbour(self, edge: Edge, *, down: bool) -> _Route:
        """Straight down (or up) to the next box in the same column."""
        key: PortKey = ("down" if down else "up",)
        start = self._use(edge.source, "bottom" if down else "top", key)
        return _Route(edge, start, [], self._use(edge.dest, "top" if down else "bottom", key))

    def points(self, route: _Route) -> list[Point]:
        """Alternating horizontal and vertical segments from port to port."""
        first = self.port(*route.start)
        last = self.port(*route.end)
        result = [first]
        for waypoint in route.waypoints:
            x, y = result[-1]
            if isinstance(waypoint, _Track):
                result.append((self.track_x(waypoint.gap, waypoint.key), y))
            else:
                result.append((x, self.lane_y(waypoint.where, waypoint.dest)))
        if route.waypoints:
            result.append((result[-1][0], last[1]))
        elif first[0] != last[0]:  # top/bottom ports of neighbours: keep the line straight
            last = (first[0], last[1])
        result.append(last)
        return result

    # --- drawing ------------------------------------------------------------------------

    def svg(self) -> Markup:
        title = f"Stroomschema: {self.spec.title} (versie {self.spec.version})"
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="protocol-diagram" role="img"'
            f' width="{self.width:.0f}" height="{self.height:.0f}"'
            f' viewBox="0 0 {self.width:.0f} {self.height:.0f}"'
            ' aria-labelledby="diagram-titel diagram-uitleg">',
            f'<title id="diagram-titel">{escape(title)}</title>',
            f'<desc id="diagram-uitleg">{escape(self._description())}</desc>',
            _DEFS,
            *self._headings(),
            *(self._arrow(route) for route in self.routes),
            *(self._loop(edge) for edge in self.loops),
            self._start(),
            *(self._state(name) for name in self.cells),
            *self._notes(),
            "</svg>",
        ]
        return Markup("\n".join(parts))

    def _description(self) -> str:
        text = (
            f"{len(self.spec.states)} toestanden in kolommen per stap; de pijlen zijn de"
            " handelingen, een stippellijn gaat terug naar een eerdere stap."
        )
        if self.current is not None:
            text += " " + current_sentence(self.spec, self.current)
        return text

    def _headings(self) -> Iterable[str]:
        steps = sorted({s.step for s in self.spec.states.values() if s.step})
        labels = [self.spec.step_label(n) for n in steps] + ["Toestanden zonder stapnummer"]
        for column, (heading, label) in enumerate(zip(self.headings, labels, strict=False)):
            x = self.x(column) + WIDTH / 2
            yield (
                f'<text class="heading" x="{x:.0f}" y="{MARGIN + 14}" text-anchor="middle"'
                f' font-weight="600" fill="#555"><title>{escape(label)}</title>'
                f"{escape(heading)}</text>"
            )

    def _state(self, name: str) -> str:
        state = self.spec.states[name]
        x, y = self.box(name)
        is_current = name == self.current
        classes = " ".join(
            ["state"] + (["final"] if state.final else []) + (["current"] if is_current else [])
        )
        tip = state.label + (" (eindtoestand)" if state.final else "")
        if is_current:
            tip += " — het dossier staat nu hier"
        stroke = ("#b35c00", 4) if is_current else ("#1d4e89", 1.5)
        fill = "#eef0f3" if state.final else ("#fff4e5" if is_current else "#ffffff")
        parts = [
            f'<g class="{classes}" data-state="{escape(name)}"'
            + (' aria-current="step"' if is_current else "")
            + f"><title>{escape(tip)}</title>",
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{WIDTH}" height="{HEIGHT}" rx="10"'
            f' fill="{fill}" stroke="{stroke[0]}" stroke-width="{stroke[1]}"/>',
        ]
        if state.final:
            parts.append(
                f'<rect x="{x + 4:.0f}" y="{y + 4:.0f}" width="{WIDTH - 8}" height="{HEIGHT - 8}"'
                ' rx="7" fill="none" stroke="#1d4e89" stroke-width="1"/>'
            )
        parts.append(svg.label(state.label, x + WIDTH / 2, y + HEIGHT / 2))
        if is_current:
            parts.append(svg.badge(x + WIDTH - 22, y))
        parts.append("</g>")
        return "".join(parts)

    def _arrow(self, route: _Route) -> str:
        d = svg.path(self.points(route))
        dash = ' stroke-dasharray="6 4"' if route.back else ""
        return (
            f'<g class="move{" back" if route.back else ""}"'
            f' data-from="{escape(route.edge.source)}" data-to="{escape(route.edge.dest)}">'
            f"<title>{escape(self._tip(route.edge))}</title>"
            f'<path class="hit" d="{d}" fill="none" stroke="transparent" stroke-width="10"/>'
            f'<path class="line" d="{d}" fill="none" stroke="#444" stroke-width="1.5"{dash}'
            f' marker-end="url(#{ARROW})"/></g>'
        )

    def _loop(self, edge: Edge) -> str:
        x, y = self.box(edge.source)
        left, right = x + WIDTH - 44, x + WIDTH - 16
        top = y - 22
        d = f"M{left:.0f},{y:.0f} C{left:.0f},{top:.0f} {right:.0f},{top:.0f} {right:.0f},{y:.0f}"
        return (
            f'<g class="move" data-from="{escape(edge.source)}" data-to="{escape(edge.dest)}">'
            f"<title>{escape(self._tip(edge))}</title>"
            f'<path class="line" d="{d}" fill="none" stroke="#444" stroke-width="1.5"'
            f' marker-end="url(#{ARROW})"/></g>'
        )

    def _tip(self, edge: Edge) -> str:
        return "\n".join(
            f"{t.label} ({', '.join(self.spec.roles.get(r, r) for r in t.roles)})"
            for t in edge.transitions
        )

    def _start(self) -> str:
        x, y = self.box(self.spec.initial)
        middle = y + HEIGHT / 2
        return (
            f'<g class="start"><title>Begin: {escape(self.spec.states[self.spec.initial].label)}'
            f'</title><circle cx="{x - 24:.0f}" cy="{middle:.0f}" r="6" fill="#1a1a1a"/>'
            f'<path d="M{x - 18:.0f},{middle:.0f} H{x:.0f}" stroke="#1a1a1a" stroke-width="1.5"'
            f' marker-end="url(#{ARROW})"/></g>'
        )

    def _notes(self) -> Iterable[str]:
        if not self.everywhere:
            return
        y = self.height - MARGIN - len(self.everywhere) * LINE
        yield f'<text x="{MARGIN}" y="{y:.0f}" font-weight="600">Vanuit elke lopende stap:</text>'
        for index, transition in enumerate(self.everywhere, start=1):
            dest = self.spec.states[transition.dest].label
            yield (
                f'<text x="{MARGIN}" y="{y + index * LINE:.0f}">'
                f"{escape(transition.label)} → {escape(dest)}</text>"
            )


_DEFS = (
    f'<defs><marker id="{ARROW}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
    ' markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/>'
    "</marker></defs>"
)


def _track_rank(key: PortKey) -> int:
    if key[0] == "in":
        return 0 if key[-1] == "right" else 2
    return 1
