"""Geometry of the star-distribution bar chart, rendered as server-side SVG (pure)."""

from dataclasses import dataclass

BAR_MAX = 240  # px for the most frequent star level
ROW = 28
LABEL_WIDTH = 70


@dataclass(frozen=True)
class Bar:
    stars: int
    count: int
    percent: int
    x: int
    y: int
    width: int
    height: int
    text_x: int


def star_bars(counts: dict[int, int]) -> tuple[list[Bar], int, int]:
    """Bars from 5★ down to 1★, scaled to the largest; returns (bars, svg width, svg height)."""
    total = sum(counts.values())
    top = max(counts.values(), default=0) or 1
    bars = []
    for row, stars in enumerate((5, 4, 3, 2, 1)):
        count = counts.get(stars, 0)
        width = round(BAR_MAX * count / top)
        bars.append(
            Bar(
                stars=stars,
                count=count,
                percent=round(100 * count / total) if total else 0,
                x=LABEL_WIDTH,
                y=row * ROW + 4,
                width=width,
                height=ROW - 10,
                text_x=LABEL_WIDTH + width + 6,
            )
        )
    return bars, LABEL_WIDTH + BAR_MAX + 70, ROW * 5 + 4
