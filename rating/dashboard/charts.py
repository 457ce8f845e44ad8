"""Geometry of the dashboard's server-rendered SVG charts (pure: numbers in, coordinates out).

Templates draw what these functions compute; the charts need no JavaScript. A line chart
has one or two series on a fixed 1–5 axis with gridlines, one label every few months, and
gaps where a month has no value (the line is split, never drawn through a missing month).
Series differ by dash pattern and marker shape as well as colour (never colour alone).
"""

from collections.abc import Sequence
from dataclasses import dataclass

# Colours on white: navy 11.6:1, brown 5.3:1 (AA for text, well above 3:1 for lines).
STYLES = (
    {"colour": "#1d3a6e", "dash": None, "marker": "circle"},
    {"colour": "#a04a00", "dash": "6 4", "marker": "square"},
)
GRID_COLOUR = "#c9d1dc"
TEXT_COLOUR = "#1c2430"


@dataclass(frozen=True)
class Frame:
    """Outer size and the plot area inside the margins."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def x_end(self) -> int:
        return self.width - self.right

    @property
    def y_end(self) -> int:
        return self.height - self.bottom

    @property
    def inner_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> int:
        return self.height - self.top - self.bottom


LINE_FRAME = Frame(width=680, height=260, left=40, right=32, top=16, bottom=44)
BAR_FRAME = Frame(width=680, height=200, left=40, right=32, top=16, bottom=44)


@dataclass(frozen=True)
class GridLine:
    value: float
    y: float


@dataclass(frozen=True)
class Tick:
    """One x position; `label` is the caller's object (a month) and `show` says if it is drawn."""

    x: float
    label: object
    show: bool


@dataclass(frozen=True)
class Point:
    x: float
    y: float | None
    value: float | None
    label: object


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    points: tuple[Point, ...]
    segments: tuple[str, ...]  # SVG polyline "x,y x,y" strings, one per unbroken run
    colour: str
    dash: str | None
    marker: str

    @property
    def drawn(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.y is not None)


@dataclass(frozen=True)
class LineChart:
    frame: Frame
    grid: tuple[GridLine, ...]
    ticks: tuple[Tick, ...]
    series: tuple[Series, ...]

    @property
    def empty(self) -> bool:
        return not any(s.drawn for s in self.series)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: object


@dataclass(frozen=True)
class BarChart:
    frame: Frame
    grid: tuple[GridLine, ...]
    ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...]


def _r(value: float) -> float:
    return round(value, 1)


def x_positions(count: int, frame: Frame) -> list[float]:
    """Evenly spaced centres; a single value sits in the middle."""
    if count <= 1:
        return [_r(frame.left + frame.inner_width / 2)] * count
    step = frame.inner_width / (count - 1)
    return [_r(frame.left + i * step) for i in range(count)]


def scale_y(value: float, low: float, high: float, frame: Frame) -> float:
    """The y of `value`, clamped to the axis (SVG y grows downwards)."""
    clamped = min(max(value, low), high)
    return _r(frame.top + frame.inner_height * (high - clamped) / (high - low))


def segments(points: Sequence[Point]) -> tuple[str, ...]:
    """Polyline strings of the unbroken runs; a lone point is a run of one (drawn as a marker)."""
    runs, current = [], []
    for point in points:
        if point.y is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(f"{point.x},{point.y}")
    if current:
        runs.append(current)
    return tuple(" ".join(run) for run in runs)


def ticks(labels: Sequence, xs: Sequence[float], every: int) -> tuple[Tick, ...]:
    """Every label gets a tick; one in `every` is drawn, counted back from the latest."""
    last = len(labels) - 1
    return tuple(
        Tick(x=x, label=label, show=(last - i) % every == 0)
        for i, (label, x) in enumerate(zip(labels, xs, strict=True))
    )


def line_chart(
    labels: Sequence,
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    *,
    low: float = 1.0,
    high: float = 5.0,
    frame: Frame = LINE_FRAME,
    label_every: int = 3,
) -> LineChart:
    """A line chart of one or two series `(key, name, values)` over the same `labels`."""
    if not 1 <= len(series) <= len(STYLES):
        raise ValueError("one or two series")
    xs = x_positions(len(labels), frame)
    drawn = []
    for (key, name, values), style in zip(series, STYLES, strict=False):
        if len(values) != len(labels):
            raise ValueError("one value per label")
        points = tuple(
            Point(x, None if v is None else scale_y(v, low, high, frame), v, label)
            for x, v, label in zip(xs, values, labels, strict=True)
        )
        drawn.append(Series(key, name, points, segments(points), **style))
    grid = tuple(GridLine(v, scale_y(v, low, high, frame)) for v in range(int(low), int(high) + 1))
    return LineChart(frame, grid, ticks(labels, xs, label_every), tuple(drawn))


def nice_top(value: int) -> int:
    """A round axis maximum ≥ value, at least 1: 1, 2, 5, 10, 20, 50, 100…"""
    top = 1
    while top < value:
        top = top * 5 // 2 if str(top)[0] == "2" else top * 2
    return top


def bar_chart(
    labels: Sequence,
    values: Sequence[int],
    *,
    frame: Frame = BAR_FRAME,
    label_every: int = 3,
) -> BarChart:
    """Vertical bars (counts ≥ 0) from 0 to a round maximum, with whole-number gridlines."""
    if len(values) != len(labels):
        raise ValueError("one value per label")
    top = nice_top(max(values, default=0))
    slot = frame.inner_width / max(len(values), 1)
    width = _r(slot * 0.7)
    bars, centres = [], []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        centre = frame.left + slot * (i + 0.5)
        centres.append(_r(centre))
        y = scale_y(value, 0, top, frame)
        bars.append(Bar(_r(centre - width / 2), y, width, _r(frame.y_end - y), value, label))
    steps = 5 if top >= 5 else top  # 1, 2 or a multiple of 5: every gridline is a whole number
    grid = tuple(
        GridLine(top * i // steps, scale_y(top * i // steps, 0, top, frame))
        for i in range(steps + 1)
    )
    return BarChart(frame, grid, ticks(labels, centres, label_every), tuple(bars))
