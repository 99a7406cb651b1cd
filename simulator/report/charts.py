"""The report's interactive charts, built with Bokeh.

Why Bokeh: its wheel carries BokehJS, so a page with every script inlined opens offline with
nothing fetched (plotly's inlined bundle alone is about 4.7 MB, near the 5 MB a report may
weigh; Vega-Altair needs a separate converter package to inline its scripts), and it gives
hover read-outs and legends that hide a series on a click with no extra code. The PNGs of
simulator.plots stay the figures for papers; both draw from simulator.derived.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from bokeh.models import (
    BasicTicker,
    ColorBar,
    ColumnDataSource,
    HoverTool,
    LinearColorMapper,
    Span,
    Whisker,
)
from bokeh.palettes import Category10_10, Viridis256
from bokeh.plotting import figure

from simulator.metrics import sis_curve

STATE_STYLE = {
    "susceptible": ("never believed", "#4C72B0"),
    "infected": ("believes", "#C44E52"),
    "recovered": ("stopped believing", "#55A868"),
}
HEIGHT = 330
TOOLS = "pan,box_zoom,wheel_zoom,reset,save"
GREY = "#BBBBBB"


def _figure(title: str, x_label: str, y_label: str, **kwargs) -> figure:
    fig = figure(
        title=title,
        height=kwargs.pop("height", HEIGHT),
        sizing_mode="stretch_width",
        tools=TOOLS,
        toolbar_location="above",
        x_axis_label=x_label,
        y_axis_label=y_label,
        **kwargs,
    )
    fig.title.text_font_size = "12pt"
    return fig


def _legend(fig: figure, location: str = "top_left") -> None:
    fig.legend.click_policy = "hide"  # a click on an entry hides or shows that series
    fig.legend.location = location
    fig.legend.label_text_font_size = "9pt"
    fig.legend.background_fill_alpha = 0.8


def _integer_days(fig: figure) -> None:
    fig.xaxis.ticker = BasicTicker(desired_num_ticks=10, min_interval=1)


def attitude_curves(
    daily: pd.DataFrame, population: int, fit: dict, acted: dict[str, list[int]]
) -> figure:
    """S/I/R per day, the SIS fit to believers, and a marker on each day an intervention
    acted."""
    fig = _figure("Attitudes per day", "day", f"agents (population {population})")
    points = []
    for column, (label, color) in STATE_STYLE.items():
        source = ColumnDataSource(
            {"day": daily["day"], "agents": daily[column], "state": [label] * len(daily)}
        )
        fig.line("day", "agents", source=source, color=color, line_width=2, legend_label=label)
        points.append(
            fig.scatter("day", "agents", source=source, color=color, size=5, legend_label=label)
        )
    if fit.get("beta") is not None:
        t = np.linspace(float(daily["day"].iloc[0]), float(daily["day"].iloc[-1]), 120)
        curve = sis_curve(
            t - t[0], fit["beta"], fit["gamma"], daily["infected"].iloc[0], population
        )
        fig.line(
            t,
            curve,
            color="#8C1B1F",
            line_dash="dashed",
            line_width=1.5,
            legend_label=f"SIS fit (β {fit['beta']:.2f}, γ {fit['gamma']:.2f})",
        )
    for i, (name, days) in enumerate(acted.items()):
        y = population * (1.0 - 0.04 * i)
        points.append(
            fig.scatter(
                days,
                [y] * len(days),
                marker="inverted_triangle",
                size=9,
                color=Category10_10[(i + 3) % 10],
                legend_label=f"{name} acted",
            )
        )
    fig.add_tools(
        HoverTool(renderers=points[:3], tooltips=[("day", "@day"), ("@state", "@agents")])
    )
    fig.y_range.start = 0
    _integer_days(fig)
    _legend(fig, "center_right")
    return fig


def group_bars(groups: pd.DataFrame, day: int) -> figure:
    """Share believing per persona group with n and its Wilson 95% interval; groups too small
    to say anything in grey."""
    labels = [f"{row.group}" for row in groups.itertuples()]
    source = ColumnDataSource(
        {
            "group": labels,
            "share": groups["share"],
            "low": groups["low"],
            "high": groups["high"],
            "n": groups["n"],
            "color": [GREY if small else "#8172B2" for small in groups["too_small"]],
        }
    )
    fig = _figure(
        f"Who believes on day {day} (bars: share; whiskers: 95% interval; grey: too few)",
        "",
        "share believing",
        x_range=labels,
        height=380,
    )
    bars = fig.vbar(x="group", top="share", width=0.8, color="color", source=source)
    fig.add_layout(Whisker(source=source, base="group", lower="low", upper="high"))
    fig.add_tools(
        HoverTool(
            renderers=[bars],
            tooltips=[
                ("group", "@group"),
                ("share", "@share{0.00}"),
                ("n", "@n"),
                ("95% interval", "@low{0.00} to @high{0.00}"),
            ],
        )
    )
    fig.y_range.start, fig.y_range.end = 0, 1.05
    fig.xaxis.major_label_orientation = 1.1
    return fig


def engagement(
    per_day: pd.DataFrame,
    timeline: pd.DataFrame,
    forecast: dict | None,
    horizon_day: int | None,
) -> tuple[figure, figure]:
    """Events per day (stacked; the hourly detail is a hidden series in the second chart),
    and the running total with the early-warning forecast and its interval when shown."""
    daily_fig = _figure("Engagement per day", "day", "events per day")
    kinds = ["likes", "shares", "comments"]
    source = ColumnDataSource({"day": per_day["day"], **{k: per_day[k] for k in kinds}})
    stack = daily_fig.vbar_stack(
        kinds,
        x="day",
        width=0.8,
        color=["#4C72B0", "#C44E52", "#55A868"],
        source=source,
        legend_label=kinds,
    )
    daily_fig.add_tools(
        HoverTool(
            renderers=stack,
            tooltips=[
                ("day", "@day"),
                ("likes", "@likes"),
                ("shares", "@shares"),
                ("comments", "@comments"),
            ],
        )
    )
    _integer_days(daily_fig)
    _legend(daily_fig)
    daily_fig.add_layout(daily_fig.legend[0], "right")  # beside the bars, not over them
    total = _figure("Engagement so far", "day", "cumulative events")
    hours = timeline["hour"].to_numpy() / 24.0
    line = total.line(
        hours, timeline["engagement"], color="black", line_width=2, legend_label="total"
    )
    per_hour = np.diff(np.concatenate([[0], timeline["engagement"].to_numpy()]))
    detail = total.vbar(
        x=hours, top=per_hour, width=1 / 24, color="#999999", legend_label="per hour (detail)"
    )
    detail.visible = False  # a comb of small counts: there to look at, not shown at first
    total.add_tools(HoverTool(renderers=[line], tooltips=[("day", "$x{0.0}"), ("total", "$y{0}")]))
    if forecast is not None and horizon_day is not None:
        point = total.scatter(
            [horizon_day],
            [forecast["predicted"]],
            marker="diamond",
            size=14,
            color="#DD8452",
            legend_label="early-warning forecast (90% interval)",
        )
        band = ColumnDataSource(
            {"x": [horizon_day], "low": [forecast["low"]], "high": [forecast["high"]]}
        )
        total.add_layout(Whisker(source=band, base="x", lower="low", upper="high"))
        top = max(forecast["high"], float(timeline["engagement"].max()))
        total.y_range.start, total.y_range.end = 0, 1.06 * top
        total.add_tools(
            HoverTool(
                renderers=[point],
                tooltips=[
                    ("forecast", f"{forecast['predicted']:.0f}"),
                    ("90% interval", f"{forecast['low']:.0f} to {forecast['high']:.0f}"),
                ],
            )
        )
    _integer_days(total)
    _legend(total)
    return daily_fig, total


def band_lines(
    bands: dict[str, pd.DataFrame], title: str, y_label: str, zero_line: bool = False
) -> figure:
    """One line per series with its shaded 95% band (columns day, mean, low, high); a click on
    the legend hides a series."""
    fig = _figure(title, "day", y_label, height=380)
    for i, (name, frame) in enumerate(bands.items()):
        color = Category10_10[i % 10]
        source = ColumnDataSource(
            {
                "day": frame["day"],
                "mean": frame["mean"],
                "low": frame["low"],
                "high": frame["high"],
                "series": [name] * len(frame),
            }
        )
        fig.varea("day", "low", "high", source=source, color=color, alpha=0.18, legend_label=name)
        line = fig.line("day", "mean", source=source, color=color, line_width=2, legend_label=name)
        fig.add_tools(
            HoverTool(
                renderers=[line],
                tooltips=[
                    ("", "@series"),
                    ("day", "@day"),
                    ("mean", "@mean{0.000}"),
                    ("95% interval", "@low{0.000} to @high{0.000}"),
                ],
            )
        )
    if zero_line:
        fig.add_layout(Span(location=0, dimension="width", line_color="black", line_width=1))
    _integer_days(fig)
    _legend(fig, "top_left")
    return fig


def cost_effect(table: pd.DataFrame, reference: str) -> figure:
    """Effect against cost per arm with both 95% intervals; the reference marked, arms whose
    effect interval excludes zero filled, Pareto-efficient arms as red diamonds."""
    fig = _figure(
        f"Effect against cost (reduction in believer-share-days vs '{reference}')",
        "governance cost per run",
        "reduction in believer-share-days",
        height=420,
    )
    is_ref = table["arm"] == reference
    role = np.where(
        is_ref,
        "reference",
        np.where(
            table["pareto_efficient"].astype(bool),
            "Pareto-efficient",
            np.where(table["distinguishable"].astype(bool), "effect ≠ 0", "not told apart from 0"),
        ),
    )
    style = {
        "reference": ("square", "black", "black"),
        "Pareto-efficient": ("diamond", "#C44E52", "#C44E52"),
        "effect ≠ 0": ("circle", "#4C72B0", "#4C72B0"),
        "not told apart from 0": ("circle", "#4C72B0", "white"),
    }
    data = table.assign(role=role)
    whisker_source = ColumnDataSource(data)
    fig.add_layout(
        Whisker(
            source=whisker_source,
            base="governance_cost",
            lower="auc_reduction_lo",
            upper="auc_reduction_hi",
            line_color="#999999",
        )
    )
    fig.add_layout(
        Whisker(
            source=whisker_source,
            base="auc_reduction",
            lower="governance_cost_lo",
            upper="governance_cost_hi",
            dimension="width",
            line_color="#999999",
        )
    )
    renderers = []
    for name, (marker, line, fill) in style.items():
        part = data[data["role"] == name]
        if part.empty:
            continue
        renderers.append(
            fig.scatter(
                "governance_cost",
                "auc_reduction",
                source=ColumnDataSource(part),
                marker=marker,
                size=12,
                line_color=line,
                fill_color=fill,
                line_width=2,
                legend_label=name,
            )
        )
    efficient = data[data["pareto_efficient"].astype(bool)].sort_values("governance_cost")
    if len(efficient) > 1:
        fig.line(
            efficient["governance_cost"],
            efficient["auc_reduction"],
            color="#C44E52",
            line_dash="dashed",
        )
    fig.text(
        "governance_cost",
        "auc_reduction",
        text="arm",
        source=ColumnDataSource(data),
        x_offset=8,
        y_offset=-4,
        text_font_size="9pt",
    )
    fig.add_tools(
        HoverTool(
            renderers=renderers,
            tooltips=[
                ("arm", "@arm"),
                (
                    "reduction",
                    "@auc_reduction{0.000} (@auc_reduction_lo{0.000} to @auc_reduction_hi{0.000})",
                ),
                (
                    "cost",
                    "@governance_cost{0.0} (@governance_cost_lo{0.0} to @governance_cost_hi{0.0})",
                ),
                ("", "@role"),
            ],
        )
    )
    fig.add_layout(Span(location=0, dimension="width", line_color="black", line_width=1))
    # whiskers do not widen Bokeh's automatic ranges: set them to hold the intervals (and,
    # on the right, the arms' names)
    low, high = table["auc_reduction_lo"].min(), table["auc_reduction_hi"].max()
    pad = 0.08 * max(high - min(low, 0.0), 1e-9)
    fig.y_range.start, fig.y_range.end = min(low, 0.0) - pad, max(high, 0.0) + pad
    right = max(float(table["governance_cost_hi"].max()), 1.0)
    fig.x_range.start, fig.x_range.end = -0.05 * right, 1.25 * right
    _legend(fig, "bottom_right")
    return fig


def sweep_line(table: pd.DataFrame, key: str, column: str, label: str) -> figure:
    """One parameter's values against ``column`` with its 95% interval where there is one;
    the value axis starts at 0."""
    x = [str(v) for v in table[key]]
    data = {"x": x, "value": table[column]}
    has_interval = f"{column}_lo" in table.columns
    if has_interval:
        data |= {"low": table[f"{column}_lo"], "high": table[f"{column}_hi"]}
    source = ColumnDataSource(data)
    fig = _figure(label, key, label, x_range=x)
    line = fig.line("x", "value", source=source, line_width=2)
    fig.scatter("x", "value", source=source, size=8)
    tips = [(key, "@x"), (label, "@value{0.000}")]
    if has_interval:
        fig.add_layout(Whisker(source=source, base="x", lower="low", upper="high"))
        tips.append(("95% interval", "@low{0.000} to @high{0.000}"))
    fig.add_tools(HoverTool(renderers=[line], tooltips=tips))
    # whiskers do not widen Bokeh's automatic range: set it to hold them
    low = np.asarray(data.get("low", table[column]), dtype=float)
    high = np.asarray(data.get("high", table[column]), dtype=float)
    fig.y_range.start = min(0.0, float(np.nanmin(low)))
    fig.y_range.end = max(0.0, float(np.nanmax(high))) * 1.08
    return fig


def sweep_map(table: pd.DataFrame, keys: list[str], column: str, label: str) -> figure:
    """A heatmap of ``column`` over a two-parameter grid, hover for the value (and, for the
    effect, its 95% interval)."""
    rows, cols = keys
    x = [str(v) for v in table[cols]]
    y = [str(v) for v in table[rows]]
    values = table[column].to_numpy(dtype=float)
    data = {"x": x, "y": y, "value": values}
    tips = [(cols, "@x"), (rows, "@y"), (label, "@value{0.000}")]
    if f"{column}_lo" in table.columns:
        data |= {"low": table[f"{column}_lo"], "high": table[f"{column}_hi"]}
        tips.append(("95% interval", "@low{0.000} to @high{0.000}"))
    finite = values[np.isfinite(values)]
    mapper = LinearColorMapper(
        palette=Viridis256,
        low=float(finite.min()) if len(finite) else 0.0,
        high=float(finite.max()) if len(finite) else 1.0,
    )
    fig = _figure(
        label,
        cols,
        rows,
        x_range=list(dict.fromkeys(x)),
        y_range=list(dict.fromkeys(y)),
        height=360,
    )
    cells = fig.rect(
        "x",
        "y",
        1,
        1,
        source=ColumnDataSource(data),
        fill_color={"field": "value", "transform": mapper},
        line_color="white",
    )
    labels = [f"{v:.3g}" for v in values]
    if "low" in data:  # an effect whose interval includes zero is marked
        labels = [
            t + (" n.s." if lo <= 0 else "") for t, lo in zip(labels, data["low"], strict=True)
        ]
    fig.text(
        x,
        y,
        text=labels,
        text_align="center",
        text_baseline="middle",
        text_font_size="9pt",
        text_color="white",
    )
    fig.add_layout(ColorBar(color_mapper=mapper, width=10), "right")
    fig.add_tools(HoverTool(renderers=[cells], tooltips=tips))
    return fig
