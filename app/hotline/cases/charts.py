"""Server-rendered SVG charts for the statistics page.

Sized for a phone (viewBox 340 wide, scaled to the column); styled with classes from
``hotline-console.css`` and presentation attributes, never ``style=`` (the CSP forbids inline styles).
Each chart has a <title> and a <desc> listing every value, so screen readers get the numbers.
Suppressed counts (1–4) are drawn as a short outlined stub labelled "<5": the bar length never
reveals the real value.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from app.hotline.cases.stats import SMALL, Series, shown

WIDTH = 340
LABEL_ROW = 20
BAR_HEIGHT = 16
ROW = 48
STUB = 8


def _scale(series: Series) -> int:
    return max([count for _, count in series.items] + [SMALL])


def _desc(series: Series) -> str:
    return "，".join(f"{label} {shown(count)}" for label, count in series.items) or "没有数据"


def bar_chart(series: Series) -> Markup:
    """Horizontal bars, one row per category: the label above its bar, the value after it."""
    chart_id = f"chart-{series.key}"
    top = _scale(series)
    usable = WIDTH - 50
    height = max(ROW, ROW * len(series.items)) + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(series.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_desc(series))}</desc>',
    ]
    for index, (label, count) in enumerate(series.items):
        y = index * ROW
        parts.append(f'<text class="chart-label" x="0" y="{y + 16}">{escape(label)}</text>')
        if 0 < count < SMALL:
            width = STUB
            parts.append(
                f'<rect class="bar bar-small" x="1" y="{y + LABEL_ROW + 1}" width="{width}" '
                f'height="{BAR_HEIGHT - 2}"/>'
            )
        else:
            width = round(usable * count / top)
            if width:
                parts.append(
                    f'<rect class="bar" x="0" y="{y + LABEL_ROW}" width="{width}" height="{BAR_HEIGHT}"/>'
                )
        parts.append(
            f'<text class="chart-value" x="{width + 6}" y="{y + LABEL_ROW + 13}">{escape(shown(count))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text above went through escape())


def column_chart(series: Series) -> Markup:
    """Vertical columns (for months): value above, label below each column."""
    chart_id = f"chart-{series.key}"
    top = _scale(series)
    count_items = max(1, len(series.items))
    plot_top, plot_bottom = 22, 150
    slot = WIDTH / count_items
    bar_width = min(36, slot * 0.6)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} 180" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(series.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_desc(series))}</desc>',
        f'<line class="axis" x1="0" y1="{plot_bottom}" x2="{WIDTH}" y2="{plot_bottom}"/>',
    ]
    for index, (label, count) in enumerate(series.items):
        center = slot * index + slot / 2
        x = center - bar_width / 2
        if 0 < count < SMALL:
            height = STUB
            parts.append(
                f'<rect class="bar bar-small" x="{x + 1:.1f}" y="{plot_bottom - height + 1}" '
                f'width="{bar_width - 2:.1f}" height="{height - 2}"/>'
            )
        else:
            height = round((plot_bottom - plot_top) * count / top)
            if height:
                parts.append(
                    f'<rect class="bar" x="{x:.1f}" y="{plot_bottom - height}" width="{bar_width:.1f}" '
                    f'height="{height}"/>'
                )
        parts.append(
            f'<text class="chart-value" x="{center:.1f}" y="{plot_bottom - height - 6}" '
            f'text-anchor="middle">{escape(shown(count))}</text>'
        )
        parts.append(
            f'<text class="chart-label" x="{center:.1f}" y="{plot_bottom + 22}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text above went through escape())


def chart_for(series: Series) -> Markup:
    """The chart type that reads best for ``series`` on a phone."""
    return column_chart(series) if series.key == "month" else bar_chart(series)
