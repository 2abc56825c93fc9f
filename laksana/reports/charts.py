"""Charts as server-side SVG: the geometry is computed here (numbers only) and drawn by the
templates `reports/_bars.html` and `reports/_series.html`, which escape every label. No
JavaScript; each chart's template prints its numbers as a table too (screen readers, print)."""

from dataclasses import dataclass, field

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, BAR_AREA = 22, 6, 210, 360
SERIES_WIDTH, SERIES_HEIGHT, SERIES_PAD = 640, 220, 34


@dataclass
class Bar:
    label: str
    value: float
    text: str  # the value as shown
    href: str = ""
    y: float = 0
    width: float = 0


@dataclass
class BarChart:
    id: str
    title: str
    bars: list[Bar]
    unit: str = ""
    width: int = LABEL_WIDTH + BAR_AREA + 70
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP

    def __post_init__(self):
        top = max((b.value for b in self.bars), default=0) or 1
        for i, bar in enumerate(self.bars):
            bar.y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
            bar.width = round(BAR_AREA * bar.value / top, 1)

    bar_height: int = BAR_HEIGHT


@dataclass
class Line:
    name: str
    css: str
    values: list[float]
    points: str = ""


@dataclass
class SeriesChart:
    """A time series with one or more lines over the same buckets."""

    id: str
    title: str
    labels: list[str]
    lines: list[Line]
    width: int = SERIES_WIDTH
    height: int = SERIES_HEIGHT
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    xlabels: list[tuple[float, str]] = field(default_factory=list)  # (x, label)
    pad: int = SERIES_PAD

    def __post_init__(self):
        top = max((v for line in self.lines for v in line.values), default=0) or 1
        n = max(1, len(self.labels) - 1)
        inner_w = self.width - 2 * self.pad
        inner_h = self.height - 2 * self.pad

        def x(i: int) -> float:
            return round(self.pad + inner_w * i / n, 1)

        def y(v: float) -> float:
            return round(self.height - self.pad - inner_h * v / top, 1)

        for line in self.lines:
            line.points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(line.values))
        self.ticks = [(y(top * k / 4), f"{top * k / 4:.0f}") for k in range(5)]
        step = max(1, len(self.labels) // 8)
        self.xlabels = [(x(i), label) for i, label in enumerate(self.labels) if i % step == 0]

    @property
    def rows(self) -> list[tuple[str, list[float]]]:
        return [
            (label, [line.values[i] for line in self.lines]) for i, label in enumerate(self.labels)
        ]


def bars(id: str, title: str, items: list[tuple[str, float, str, str]], unit: str = "") -> BarChart:
    """items: (label, value, value as text, link)."""
    return BarChart(
        id, title, [Bar(label, value, text, href) for label, value, text, href in items], unit
    )
