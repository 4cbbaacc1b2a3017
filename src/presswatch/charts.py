"""Figures from query-layer DataFrames: plotly charts and word-cloud PNGs.

No SQL and no Streamlit here. Labels that come from data (entity names, source names,
terms, titles) are HTML-escaped before they reach plotly, because plotly renders a subset
of HTML in titles, tick labels and hover text.
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

MEASURE_LABELS: dict[str, str] = {
    "mentions": "Mentions",
    "articles": "Articles mentioning",
    "share": "Share of articles",
    "per10k_words": "Mentions per 10,000 words",
    "raw": "Co-occurrences",
    "jaccard": "Jaccard",
    "pmi": "PMI",
    "npmi": "NPMI",
}

_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 50, "b": 10}, "template": "plotly_white"}


def esc(text: object) -> str:
    """Escape untrusted text for plotly labels (``<``, ``>``, ``&``)."""
    return html.escape("" if text is None else str(text), quote=False)


def _empty(title: str, message: str = "No data for these filters") -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=esc(title), **_LAYOUT)
    fig.add_annotation(text=esc(message), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def line_over_time(df: pd.DataFrame, measure: str = "mentions", title: str = "") -> go.Figure:
    """Lines per entity from ``queries.mentions_over_time`` (columns period, label, value)."""
    if df.empty:
        return _empty(title)
    fig = go.Figure()
    ylabel = MEASURE_LABELS.get(measure, measure)
    is_share = measure == "share"
    for label, part in df.groupby("label", sort=False):
        name = esc(label)
        fig.add_trace(
            go.Scatter(
                x=part["period"],
                y=part["value"],
                mode="lines+markers",
                name=name,
                customdata=np.stack(
                    [part["mentions"], part["articles"], part["total_articles"]], axis=-1
                ),
                hovertemplate=(
                    f"<b>{name}</b><br>%{{x|%Y-%m-%d}}<br>{esc(ylabel)}: "
                    + ("%{y:.1%}" if is_share else "%{y:,.3~f}")
                    + "<br>mentions %{customdata[0]:,} · articles %{customdata[1]:,}"
                    " of %{customdata[2]:,}<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        title=esc(title),
        yaxis_title=esc(ylabel),
        hovermode="closest",
        legend_title_text="",
        **_LAYOUT,
    )
    if is_share:
        fig.update_yaxes(tickformat=".0%")
    return fig


def articles_per_period_bars(df: pd.DataFrame, title: str = "Articles per period") -> go.Figure:
    """Bars from ``queries.articles_per_period`` (columns period, articles)."""
    if df.empty:
        return _empty(title)
    fig = go.Figure(
        go.Bar(
            x=df["period"],
            y=df["articles"],
            hovertemplate="%{x|%Y-%m-%d}: %{y:,} articles<extra></extra>",
        )
    )
    fig.update_layout(title=esc(title), yaxis_title="Articles", bargap=0.1, **_LAYOUT)
    return fig


def top_entities_bars(df: pd.DataFrame, title: str = "", value: str = "articles") -> go.Figure:
    """Horizontal bars from ``queries.top_entities`` (columns name, articles, mentions)."""
    if df.empty:
        return _empty(title)
    part = df.iloc[::-1]  # largest on top
    fig = go.Figure(
        go.Bar(
            x=part[value],
            y=[esc(n) for n in part["name"]],
            orientation="h",
            customdata=np.stack([part["articles"], part["mentions"]], axis=-1),
            hovertemplate=(
                "%{y}: %{customdata[0]:,} articles, %{customdata[1]:,} mentions<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        title=esc(title),
        xaxis_title=esc(MEASURE_LABELS.get(value, value.capitalize())),
        height=max(250, 28 * len(df) + 80),
        **_LAYOUT,
    )
    return fig


def cooccurrence_heatmap(matrix: pd.DataFrame, measure: str = "raw", title: str = "") -> go.Figure:
    """Heatmap of a square matrix from ``queries.cooccurrence_matrix`` (NaN cells blank)."""
    if matrix.empty:
        return _empty(title)
    labels = [esc(n) for n in matrix.index]
    z = matrix.to_numpy(dtype=float)
    diverging = measure in ("pmi", "npmi")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            colorscale="RdBu" if diverging else "Blues",
            reversescale=diverging,
            zmid=0 if diverging else None,
            hovertemplate="%{y} & %{x}: %{z:,.3~f}<extra></extra>",
            colorbar={"title": {"text": esc(MEASURE_LABELS.get(measure, measure))}},
        )
    )
    fig.update_layout(title=esc(title), height=max(400, 26 * len(labels) + 150), **_LAYOUT)
    fig.update_yaxes(autorange="reversed")
    return fig


def network_layout(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str, float]],
    *,
    iterations: int = 100,
    seed: int = 7,
) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions in [-1, 1]² (numpy), starting from a circle.

    Deterministic for the same input (fixed seed), so a shared link shows the same picture.
    """
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {name: i for i, name in enumerate(nodes)}
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    pos = np.column_stack([np.cos(angles), np.sin(angles)])
    rng = np.random.default_rng(seed)
    pos += rng.normal(scale=0.01, size=pos.shape)
    w = np.zeros((n, n))
    for a, b, weight in edges:
        if a in index and b in index and weight > 0:
            w[index[a], index[b]] = w[index[b], index[a]] = weight
    if w.max() > 0:
        w = w / w.max()
    k = math.sqrt(4.0 / n)
    temp = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.linalg.norm(delta, axis=-1)
        np.fill_diagonal(dist, 1.0)
        dist = np.maximum(dist, 1e-3)
        repulse = (k * k / dist**2)[:, :, None] * delta
        attract = (w * dist / k)[:, :, None] * delta
        disp = (repulse - attract).sum(axis=1)
        length = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
        pos += disp / length[:, None] * np.minimum(length, temp)[:, None]
        temp *= 0.97
    pos -= pos.mean(axis=0)
    scale = np.abs(pos).max() or 1.0
    pos /= scale
    return {name: (float(pos[i, 0]), float(pos[i, 1])) for name, i in index.items()}


# Label geometry in layout units (the network's drawing spans about 2.6 units in a
# 600-pixel-high figure, so a 12-pixel label is about 0.05 high and a letter 0.03 wide).
_LABEL_H = 0.06
_LABEL_CHAR_W = 0.03
_LOOSE_ROW_Y = -1.3  # where countries without a drawn link are lined up, below the network


def _label_box(x: float, y: float, width: float, where: str, gap: float) -> tuple[float, ...]:
    """(x0, y0, x1, y1) of a label of ``width`` placed ``where`` around a node at (x, y)."""
    if where == "top center":
        return (x - width / 2, y + gap, x + width / 2, y + gap + _LABEL_H)
    if where == "bottom center":
        return (x - width / 2, y - gap - _LABEL_H, x + width / 2, y - gap)
    if where == "middle right":
        return (x + gap, y - _LABEL_H / 2, x + gap + width, y + _LABEL_H / 2)
    return (x - gap - width, y - _LABEL_H / 2, x - gap, y + _LABEL_H / 2)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def label_positions(
    points: Sequence[tuple[float, float]], labels: Sequence[str], gap: float = 0.04
) -> list[str]:
    """A plotly ``textposition`` per point, chosen so labels overlap each other as little
    as possible: points are taken in the given order (most important first) and each label
    goes to the free side nearest "outward" (away from the centre), else the least crowded.
    Greedy, so deterministic for the same input.
    """
    sides = ("top center", "bottom center", "middle right", "middle left")
    placed: list[tuple[float, ...]] = []
    out: list[str] = []
    for (x, y), text in zip(points, labels, strict=True):
        width = max(1, len(text)) * _LABEL_CHAR_W
        outward = [
            "top center" if y >= 0 else "bottom center",
            "middle right" if x >= 0 else "middle left",
        ]
        order = list(dict.fromkeys([*outward, *sides]))
        boxes = {w: _label_box(x, y, width, w, gap) for w in order}
        crowd = {w: sum(_overlap(boxes[w], p) for p in placed) for w in order}
        best = min(order, key=lambda w: (crowd[w] > 0, crowd[w], order.index(w)))
        placed.append(boxes[best])
        out.append(best)
    return out


def network_figure(
    nodes: pd.DataFrame, pairs: pd.DataFrame, measure: str = "raw", title: str = ""
) -> go.Figure:
    """Network of countries: nodes from ``queries.cooccurrence_nodes`` (entity_id, name,
    units), edges from ``queries.cooccurrence`` rows with a positive, non-NaN ``value``.

    Countries with no drawn link are lined up in a labelled row below the network instead
    of being pushed to its edges, and labels are placed around their nodes so they overlap
    as little as possible and are never clipped by the plotting area.
    """
    if nodes.empty:
        return _empty(title)
    edges_df = pairs[pairs["value"].notna() & (pairs["value"] > 0) & (pairs["n_ab"] > 0)]
    edges = [
        (str(a), str(b), float(v))
        for a, b, v in zip(edges_df["a"], edges_df["b"], edges_df["value"], strict=True)
    ]
    ids = [str(e) for e in nodes["entity_id"]]
    linked = {e for a, b, _ in edges for e in (a, b)}
    pos = network_layout([e for e in ids if e in linked], edges)
    loose = [e for e in ids if e not in linked]
    for i, e in enumerate(loose):
        x = 0.0 if len(loose) == 1 else -1.0 + 2.0 * i / (len(loose) - 1)
        pos[e] = (x, _LOOSE_ROW_Y if pos else 0.0)
    traces: list[go.Scatter] = []
    vmax = max((e[2] for e in edges), default=1.0) or 1.0
    # edges in a few width classes, one trace each (None breaks the line between edges):
    # every trace has a fixed cost in plotly, which a 15-country view would multiply by 105
    classes = 4
    for k in range(classes):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b, v in edges:
            if min(int(v / vmax * classes), classes - 1) == k:
                (x0, y0), (x1, y1) = pos[a], pos[b]
                xs += [x0, x1, None]
                ys += [y0, y1, None]
        if xs:
            traces.append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"width": 0.75 + 1.75 * k, "color": "rgba(80,110,160,0.45)"},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    names = [esc(n) for n in nodes["name"]]
    units = nodes["units"].to_numpy(dtype=float)
    size = 10 + 30 * np.sqrt(units / units.max()) if units.size and units.max() > 0 else 12
    xy = [pos[e] for e in ids]
    # The most-mentioned countries choose their label's side first.
    rank = sorted(range(len(ids)), key=lambda i: -units[i] if units.size else 0)
    chosen = label_positions([xy[i] for i in rank], [str(nodes["name"].iloc[i]) for i in rank])
    where = [""] * len(ids)
    for i, w in zip(rank, chosen, strict=True):
        where[i] = w
    traces.append(
        go.Scatter(
            x=[p[0] for p in xy],
            y=[p[1] for p in xy],
            mode="markers+text",
            text=names,
            textposition=where,
            cliponaxis=False,
            marker={"size": size, "color": "#1f77b4", "line": {"width": 1, "color": "white"}},
            customdata=nodes["units"],
            hovertemplate="%{text}: %{customdata:,} units<extra></extra>",
            showlegend=False,
        )
    )
    fig = go.Figure(data=traces)
    fig.update_layout(title=esc(title), height=600, **_LAYOUT)
    # Room around the nodes for their labels (plotly sizes the axes by the markers only).
    longest = max((len(str(n)) for n in nodes["name"]), default=1) * _LABEL_CHAR_W
    y_low = min(p[1] for p in xy) - 0.2
    fig.update_xaxes(visible=False, range=[-1.1 - longest, 1.1 + longest], constrain="domain")
    fig.update_yaxes(visible=False, range=[y_low, 1.2], scaleanchor="x", constrain="domain")
    return fig


# --------------------------------------------------------------------------- word cloud


def _wordcloud_font() -> Path:
    import wordcloud

    return Path(wordcloud.__file__).with_name("DroidSansMono.ttf")


@lru_cache(maxsize=1)
def _drawable_codepoints() -> frozenset[int]:
    """Code points the word cloud's bundled font has glyphs for."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(_wordcloud_font()), lazy=True)
    cmap = font.getBestCmap() or {}
    return frozenset(cmap)


def drawable(term: str) -> bool:
    """True when every character of ``term`` has a glyph in the word-cloud font."""
    cps = _drawable_codepoints()
    return all(ord(ch) in cps for ch in term)


def wordcloud_png(
    frequencies: Mapping[str, float], *, width: int = 1200, height: int = 600, max_words: int = 150
) -> tuple[bytes, list[str]]:
    """PNG bytes of a word cloud, plus the terms skipped because the font cannot draw them.

    Frequencies must be positive (use counts, or G² for keyness). Deterministic
    (fixed random_state) so the same data gives the same picture.
    """
    from wordcloud import WordCloud

    usable = {t: float(v) for t, v in frequencies.items() if v and v > 0 and math.isfinite(v)}
    skipped = [t for t in usable if not drawable(t)]
    for t in skipped:
        del usable[t]
    # lay out at half size and draw at 2x: wordcloud's own advice for big images, several
    # times faster than laying out the full canvas, with the same output size
    scale = 2 if width >= 400 and height >= 200 else 1
    cloud = WordCloud(
        width=width // scale,
        height=height // scale,
        scale=scale,
        background_color="white",
        max_words=max_words,
        random_state=7,
        collocations=False,
        prefer_horizontal=0.9,
        font_path=str(_wordcloud_font()),
    )
    image = cloud.generate_from_frequencies(usable if usable else {"(no terms)": 1.0}).to_image()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue(), skipped


def term_table(df: pd.DataFrame, mode: str = "frequency") -> pd.DataFrame:
    """Display table of top terms (rank, term, counts and scores rounded); text left raw.

    ``df`` is ``queries.term_frequencies`` (mode "frequency") or ``queries.term_keyness``
    ("distinctive") output. Streamlit's dataframe renders cells as text, so no escaping
    is applied here; escape if you render it as HTML.
    """
    if mode == "distinctive":
        cols = ["term", "target_n", "ref_n", "target_per10k", "ref_per10k", "g2", "log_ratio"]
    else:
        cols = ["term", "n", "articles", "per10k"]
    out = df.loc[:, [c for c in cols if c in df.columns]].copy()
    for c in ("target_per10k", "ref_per10k", "per10k", "log_ratio"):
        if c in out:
            out[c] = out[c].round(2)
    if "g2" in out:
        out["g2"] = out["g2"].round(1)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)


def with_clickable_cells(fig: go.Figure, marker_px: int = 22) -> go.Figure:
    """Make every off-diagonal heatmap cell clickable.

    Streamlit reports clicks on plotly *points*, and a heatmap has none, so an invisible
    square marker sits on each cell; its hover text replaces the heatmap's. Labels are
    taken from the heatmap itself (already escaped by presswatch.charts).
    """
    if not fig.data or fig.data[0].type != "heatmap":
        return fig
    heat = fig.data[0]
    xs: list[str] = []
    ys: list[str] = []
    values: list[float] = []
    for i, y in enumerate(heat.y):
        for j, x in enumerate(heat.x):
            if x == y:
                continue
            xs.append(x)
            ys.append(y)
            values.append(float(heat.z[i][j]))
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            marker={"size": marker_px, "opacity": 0, "symbol": "square"},
            customdata=[v if math.isfinite(v) else None for v in values],
            hovertemplate="%{y} & %{x}: %{customdata:,.3~f}<extra>click: the articles</extra>",
            showlegend=False,
        )
    )
    heat.hoverinfo = "skip"
    heat.hovertemplate = None
    # Markers would pad the autoranged axes; pin them to the cells (rows top-down).
    fig.update_xaxes(range=[-0.5, len(heat.x) - 0.5], autorange=False)
    fig.update_yaxes(range=[len(heat.y) - 0.5, -0.5], autorange=False)
    return fig


# --------------------------------------------------------------------------- compared slices

_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
_PALETTE = (
    "#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a",
    "#19d3f3", "#ff6692", "#b6e880", "#ff97ff", "#fecb52",
)  # fmt: skip


def lines_by_slice(
    df: pd.DataFrame, measure: str = "share", title: str = "", offset_unit: str | None = None
) -> go.Figure:
    """Lines from ``compare.mentions_by_slice`` (one per series): the dimension with more
    values (entities, or slices/outlets) gets the colours, the other the dash patterns, so
    the lines of one slice or of one entity are told apart at a glance.

    With ``offset_unit`` (e.g. "month") the x axis is ``df.offset`` (``compare.with_offsets``:
    periods since each slice's start) and the hover names each point's own date.
    """
    shown = df.drop(columns="label").rename(columns={"series": "label"})
    fig = line_over_time(shown, measure=measure, title=title)
    if df.empty:
        return fig
    if offset_unit:
        for trace, (_, part) in zip(fig.data, shown.groupby("label", sort=False), strict=True):
            trace.update(
                x=list(part["offset"]),
                text=[pd.Timestamp(p).strftime("%Y-%m-%d") for p in part["period"]],
                hovertemplate=str(trace.hovertemplate).replace("%{x|%Y-%m-%d}", "%{text}"),
            )
        fig.update_xaxes(title_text=esc(f"{offset_unit.capitalize()}s from each slice's start"))
    firsts = df.drop_duplicates("series")  # the traces' order (groupby keeps first appearance)
    entities = list(dict.fromkeys(df["entity_id"]))
    groups = list(dict.fromkeys(zip(df["slice"], df["source"], strict=True)))
    by_entity = len(entities) >= len(groups)
    for trace, entity, group in zip(
        fig.data,
        firsts["entity_id"],
        zip(firsts["slice"], firsts["source"], strict=True),
        strict=True,
    ):
        e, g = entities.index(entity), groups.index(group)
        colour = _PALETTE[(e if by_entity else g) % len(_PALETTE)]
        dash = _DASHES[(g if by_entity else e) % len(_DASHES)]
        trace.update(line={"color": colour, "dash": dash}, marker={"color": colour})
    return fig


def same_colour_scale(figs: Sequence[go.Figure], measure: str = "share") -> list[go.Figure]:
    """Side-by-side heatmaps with one colour range (symmetric around 0 for PMI/NPMI), so the
    same colour means the same value in every slice."""
    values = [
        float(v)
        for fig in figs
        for trace in fig.data
        if trace.type == "heatmap"
        for row in trace.z
        for v in row
        if v is not None and math.isfinite(float(v))
    ]
    if not values:
        return list(figs)
    lo, hi = min(values), max(values)
    if measure in ("pmi", "npmi"):
        lo, hi = -max(abs(lo), abs(hi)), max(abs(lo), abs(hi))
    elif lo >= 0:
        lo = 0.0
    for fig in figs:
        fig.update_traces(zmin=lo, zmax=hi, zauto=False, selector={"type": "heatmap"})
    return list(figs)
