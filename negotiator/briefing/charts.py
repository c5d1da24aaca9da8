"""Charts of a brief, drawn with matplotlib: balance, exposure, implementation and Pareto.

Each chart is a function of values from ``negotiator.domain.brief`` returning a matplotlib
``Figure``; :func:`chart` gives it as SVG text or PNG bytes.  matplotlib is imported here only,
and this module only by ``report`` and ``chart``, so no other command pays for it.

Figures are made with the object API (``Figure`` and a canvas), never ``pyplot``: no global
state, no window system.  SVG keeps text as text (searchable, and sharp at any size) and is
reproducible: no date in its metadata, and fixed element ids.  A party has the same colour and marker in
every chart of a brief.  Text from the database reaches matplotlib only through :func:`_plain`,
which stops a ``$`` from being read as mathematics; the SVG writer escapes the rest.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from negotiator.domain.brief import Brief, ComparisonBrief, PackageBrief
from negotiator.domain.errors import InvalidValue

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

KINDS = ("balance", "exposure", "implementation", "pareto")
FORMATS = ("svg", "png")

_STYLE = {
    "svg.fonttype": "none",  # text stays text
    "svg.hashsalt": "negotiator",  # element ids the same on every run
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
}
_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
            "#7f7f7f", "#bcbd22")
_MARKERS = ("o", "s", "D", "^", "P", "X", "h", "*", "p", "d")
_DASHES = ((5.0, 2.0), (1.5, 1.5), (6.0, 2.0, 1.5, 2.0), (3.0, 3.0))  # of lines over earlier ones
_WIDTH = 7.5  # inches; a chart fills the width of a page of the brief


def _plain(text: str) -> str:
    """Text as matplotlib should draw it, verbatim: a ``$`` would start mathematics."""
    return text.replace("$", r"\$")


def _short(text: str, width: int = 22, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width, max_lines=lines, placeholder="…", break_long_words=False)
    return "\n".join(wrapped) or text


class Colours:
    """One colour and one marker per party, in the order of the catalogue, the same in every
    chart (the marker tells parties apart in black and white too)."""

    def __init__(self, parties: Sequence[str]):
        self._of = {party: _PALETTE[i % len(_PALETTE)] for i, party in enumerate(parties)}
        self._marker = {party: _MARKERS[i % len(_MARKERS)] for i, party in enumerate(parties)}

    def __call__(self, party: str) -> str:
        return self._of.get(party, "#444444")

    def marker(self, party: str) -> str:
        return self._marker.get(party, "o")


# --- lines that coincide --------------------------------------------------------------------------

_SPREAD = 3.0  # points between the lines of parties whose series are identical


@dataclass(frozen=True)
class _Look:
    """How one party's line is drawn so that no other line hides it: a line that runs over an
    earlier one is thinner and dashed (its markers smaller), and parties with identical series
    are drawn ``offset`` points apart (the chart says so)."""

    under: int  # how many earlier lines it runs over
    linewidth: float
    markersize: float
    dashes: tuple[float, ...] | None  # None: solid
    offset: float  # points, up


def _looks(series: Mapping[str, Sequence[float]], shared: Callable[[Sequence[float], Sequence[float]], bool]
           ) -> tuple[dict[str, _Look], list[list[str]]]:
    """Each party's look, in the order of ``series`` (the drawing order), and the groups of
    parties whose series are identical (two or more).  ``shared`` says whether two series share
    a stretch of line or a point, where one would hide the other."""
    groups: dict[tuple[float, ...], list[str]] = {}
    for party, values in series.items():
        groups.setdefault(tuple(values), []).append(party)
    looks: dict[str, _Look] = {}
    for party, values in series.items():
        under = sum(shared(series[earlier], values) for earlier in looks)
        group = groups[tuple(values)]
        middle = (len(group) - 1) / 2
        looks[party] = _Look(
            under=under,
            linewidth=max(1.2, 2.2 - 0.4 * under),
            markersize=max(3.5, 6.0 - under),
            dashes=None if not under else _DASHES[(under - 1) % len(_DASHES)],
            offset=(group.index(party) - middle) * _SPREAD,
        )
    return looks, [group for group in groups.values() if len(group) > 1]


def _lifted(axes: Axes, look: _Look) -> Any:
    """The data transform of ``axes``, moved up by the look's offset (in points)."""
    from matplotlib.transforms import offset_copy

    if not look.offset:
        return axes.transData
    figure = axes.get_figure()
    assert figure is not None
    return offset_copy(axes.transData, fig=cast(Any, figure), y=look.offset, units="points")


def _style_of(look: _Look) -> dict[str, Any]:
    style: dict[str, Any] = {"linewidth": look.linewidth, "markersize": look.markersize}
    if look.dashes is not None:
        style["dashes"] = look.dashes
    return style


def _note_coinciding(axes: Axes, groups: list[list[str]]) -> None:
    """Say, under the legend, which parties' lines were drawn apart, and by how much."""
    if groups:
        same = "\n".join(" = ".join(_plain(p) for p in group) for group in groups)
        axes.annotate(f"same values:\n{same}\ndrawn {_SPREAD:g} pt apart", (1.01, 0.0), xycoords="axes fraction",
                      va="bottom", ha="left", fontsize=7, style="italic", color="#555555")


def style() -> Any:
    """The context in which every chart is made and saved (fonts, grid, reproducible SVG)."""
    import matplotlib

    return matplotlib.rc_context(cast(Any, _STYLE))


def _whole_numbers(axis: Any) -> None:
    """Ticks on whole numbers only: balances, gains and exposures are integers."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(_WIDTH, height), layout="constrained")


# --- balance ---------------------------------------------------------------------------------


def _need_steps(packages: Sequence[PackageBrief]) -> None:
    for package in packages:
        if not package.has_steps:
            raise InvalidValue(f"package '{package.name}' has no steps: there is nothing to chart")


def balance_figure(packages: Sequence[PackageBrief], colours: Colours) -> Figure:
    """One panel per package: each party's balance after each step (starting from 0), the area
    below 0 shaded, and each party's lowest point marked with its exposure."""
    _need_steps(packages)
    figure = _figure(3.2 * len(packages))
    labels = []
    for axes, package in zip(figure.subplots(len(packages), 1, squeeze=False)[:, 0], packages):
        labels += _balance_panel(axes, package, colours)
    _keep_apart(figure, labels)
    return figure


def _share_a_stretch(one: Sequence[float], other: Sequence[float]) -> bool:
    """Whether two balance lines run over each other from one step to the next (every line
    starts at 0: that point alone is not a stretch)."""
    return any(list(one[i:i + 2]) == list(other[i:i + 2]) for i in range(len(one) - 1))


def _keep_apart(figure: Figure, labels: list[Any]) -> None:
    """Move labels up, one line at a time, until none covers another (two parties can have the
    same exposure at the same step)."""
    if len(labels) < 2:
        return
    figure.draw_without_rendering()  # lays the figure out, so that the labels' extents are known
    placed: list[Any] = []
    for label in labels:
        x, y = label.xyann
        for _ in range(len(labels)):
            box = label.get_window_extent()
            if not any(box.overlaps(other) for other in placed):
                break
            y += 10.0  # points: a line of 8-point text
            label.xyann = (x, y)
        placed.append(label.get_window_extent())


def _balance_panel(axes: Axes, package: PackageBrief, colours: Colours) -> list[Any]:
    """Draw the balance of ``package``; its exposure labels, to be kept apart."""
    series = package.balance
    assert series is not None
    steps = list(range(len(series.steps) + 1))
    parties = series.involved()
    low = min([0] + [min(series.balances[p]) for p in parties])
    high = max([0] + [max(series.balances[p]) for p in parties])
    axes.axhspan(min(low, -1) - 1, 0, color="#fbe3e3", zorder=0)
    axes.axhline(0, color="#555555", linewidth=0.8, zorder=1)
    lines = {party: [0, *series.balances[party]] for party in parties}
    looks, groups = _looks(lines, _share_a_stretch)
    marks = []
    for party, balances in lines.items():
        colour, look = colours(party), looks[party]
        transform = _lifted(axes, look)
        axes.plot(steps, balances, marker=colours.marker(party), color=colour, label=_plain(party), zorder=3,
                  transform=transform, **_style_of(look))
        exposure = series.exposure[party]
        if exposure > 0:
            at = balances.index(-exposure)
            axes.plot([at], [-exposure], marker="v", markersize=max(6.0, 10.0 - 2 * look.under),
                      color=colour, zorder=4, transform=transform)
            marks.append(axes.annotate(
                _plain(f"{party} exposure {exposure}"), (at, -exposure), xycoords=transform,
                textcoords="offset points", xytext=(9, 0), va="center", fontsize=8, color=colour,
                fontweight="bold", zorder=5))
    _note_coinciding(axes, groups)
    room = max(8, 80 // len(steps))  # characters a step's label may take on a line
    labels = [_plain(_short(f"{i}. {label}", room, 3)) for i, label in enumerate(series.steps, 1)]
    axes.set_xticks(steps, ["start", *labels])
    axes.set_xlim(-0.2, len(steps) - 0.6)
    axes.set_ylim(min(low, -1) - 1, high + 1)
    _whole_numbers(axes.yaxis)
    axes.set_ylabel("balance")
    axes.set_title(_plain(f"{package.name}: balance after each step"), loc="left", fontsize=10, fontweight="bold")
    if parties:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    else:
        axes.text(0.5, 0.5, "no party's balance changes", transform=axes.transAxes, ha="center", color="#777777")
    return marks


# --- exposure --------------------------------------------------------------------------------


def exposure_figure(packages: Sequence[PackageBrief], colours: Colours, parties: Sequence[str]) -> Figure:
    """Grouped bars: for each package, each party's exposure."""
    _need_steps(packages)
    figure = _figure(3.2)
    axes = figure.subplots()
    count = max(len(parties), 1)
    width = 0.8 / count
    for i, party in enumerate(parties):
        heights = [p.balance.exposure.get(party, 0) for p in packages if p.balance is not None]
        positions = [x - 0.4 + width * (i + 0.5) for x in range(len(packages))]
        axes.bar(positions, heights, width=width, color=colours(party), label=_plain(party))
    axes.set_xticks(range(len(packages)), [_plain(_short(p.name, 24)) for p in packages])
    axes.set_ylabel("exposure (most out of pocket)")
    _whole_numbers(axes.yaxis)
    axes.set_title("Exposure of each party", loc="left", fontsize=10, fontweight="bold")
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


# --- implementation ----------------------------------------------------------------------------


def implementation_figure(packages: Sequence[PackageBrief], colours: Colours) -> Figure:
    """One panel per package: the share of its own moves each party had carried out, over time."""
    _need_steps(packages)
    for package in packages:
        if package.implementation is None or not package.implementation.dates:
            raise InvalidValue(
                f"package '{package.name}' has no implementation updates to chart: record them with "
                f"'negotiator track {package.name} MOVE LEVEL'"
            )
    figure = _figure(3.0 * len(packages))
    for axes, package in zip(figure.subplots(len(packages), 1, squeeze=False)[:, 0], packages):
        _implementation_panel(axes, package, colours)
    return figure


def _implementation_panel(axes: Axes, package: PackageBrief, colours: Colours) -> None:
    series = package.implementation
    assert series is not None
    lines = {party: [100 * s for s in shares] for party, shares in series.shares.items()}
    looks, groups = _looks(lines, _share_a_level)
    for party, percent in lines.items():
        # matplotlib plots dates as they are; its type hints know only numbers.
        axes.step(
            cast(Any, list(series.dates)),
            percent,
            where="post",
            marker=colours.marker(party),
            color=colours(party),
            label=_plain(party),
            transform=_lifted(axes, looks[party]),
            **_style_of(looks[party]),
        )
    _note_coinciding(axes, groups)
    axes.set_ylim(-5, 105)
    if len(set(series.dates)) == 1:  # one day of updates: a week around it, not matplotlib's four years
        (day,) = set(series.dates)
        axes.set_xlim(cast(Any, day - timedelta(days=3)), cast(Any, day + timedelta(days=3)))
    _calendar_days(axes)
    axes.set_ylabel("own moves carried out (%)")
    axes.set_title(_plain(f"{package.name}: implementation over time"), loc="left", fontsize=10, fontweight="bold")
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure = axes.get_figure()
    if figure is not None:
        figure.autofmt_xdate()


def _share_a_level(one: Sequence[float], other: Sequence[float]) -> bool:
    """Whether two parties were at the same level on some date: from there their steps (or
    their last points) lie on each other."""
    return any(a == b for a, b in zip(one, other))


def _calendar_days(axes: Axes) -> None:
    """Ticks on whole days (or months, years), written as dates: updates are dated by the day."""
    from matplotlib.dates import AutoDateLocator, DateFormatter, DayLocator

    low, high = axes.get_xlim()  # in days, as matplotlib counts dates
    span = int(high - low)
    # Over a few days the automatic locator would tick every few hours; a day is the finest unit.
    locator = DayLocator(interval=max(1, span // 6 + 1)) if span <= 14 else AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))


# --- Pareto ------------------------------------------------------------------------------------


def pareto_figure(comparison: ComparisonBrief) -> Figure:
    """Packages by the gain of the worst-off party (x) and the total gain (y); the packages no
    other one improves on for every party (Pareto-optimal in gains) are filled and labelled."""
    figure = _figure(4.0)
    axes = figure.subplots()
    # Packages with the same gains share a point and one label.
    at: dict[tuple[int, int], list] = {}
    for point in comparison.points:
        at.setdefault((point.min_gain, point.total_gain), []).append(point)
    for (x, y), points in at.items():
        optimal = any(p.pareto_optimal for p in points)
        axes.scatter(
            [x],
            [y],
            s=70 if optimal else 45,
            zorder=3,
            color="#1f77b4" if optimal else "white",
            edgecolors="#1f77b4",
            linewidths=1.5,
        )
        names = ", ".join(p.package + ("" if p.pareto_optimal else " (dominated)") for p in points)
        axes.annotate(
            _plain(names),
            (x, y),
            textcoords="offset points",
            xytext=(7, 4),
            fontsize=8,
            color="#111111" if optimal else "#777777",
        )
    axes.set_xlabel("gain of the worst-off party (min gain)")
    axes.set_ylabel("total gain of all parties")
    axes.set_title("Gains: filled = Pareto-optimal among these packages", loc="left", fontsize=10, fontweight="bold")
    axes.margins(0.25)
    _whole_numbers(axes.xaxis)
    _whole_numbers(axes.yaxis)
    return figure


# --- output ----------------------------------------------------------------------------------


def figure_of(kind: str, brief: Brief) -> Figure:
    """The figure of chart ``kind`` for the packages of ``brief``."""
    colours = Colours([code for code, _ in brief.parties])
    packages = brief.packages
    if kind == "balance":
        return balance_figure(packages, colours)
    if kind == "exposure":
        involved = [
            code
            for code, _ in brief.parties
            if any(p.balance is not None and p.balance.exposure.get(code) for p in packages)
        ]
        return exposure_figure(packages, colours, involved or [code for code, _ in brief.parties])
    if kind == "implementation":
        return implementation_figure(packages, colours)
    if kind == "pareto":
        if brief.comparison is None:
            raise InvalidValue("a Pareto chart compares packages: name at least two")
        return pareto_figure(brief.comparison)
    raise InvalidValue(f"unknown chart kind '{kind}': use one of {', '.join(KINDS)}")


def render(figure: Figure, fmt: str) -> Any:
    """The figure as SVG text or PNG bytes."""
    if fmt not in FORMATS:
        raise InvalidValue(f"a chart is written as {' or '.join(FORMATS)}, not '{fmt}'")
    buffer = io.BytesIO()
    with style():
        # Metadata without a date, so that the same brief gives the same file.
        metadata = {"Date": None} if fmt == "svg" else {"Software": "negotiator"}
        figure.savefig(buffer, format=fmt, dpi=150 if fmt == "png" else 72, metadata=metadata)
    data = buffer.getvalue()
    return data.decode("utf-8") if fmt == "svg" else data


def chart(kind: str, brief: Brief, fmt: str) -> Any:
    """Chart ``kind`` of ``brief`` as SVG text or PNG bytes."""
    with style():
        figure = figure_of(kind, brief)
    return render(figure, fmt)
