"""Charts drawn on the server as inline SVG: no script, no font, no style attribute (the CSP
forbids inline styles), readable by screen readers (role="img", a title and a description),
and always next to the table that holds the same numbers."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

ROW = 18  # height of one bar
GAP = 10  # between groups
LABEL_WIDTH = 190
BAR_WIDTH = 380
VALUE_WIDTH = 70
WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
LEGEND = 28
MAX_GROUPS = 60


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str  # chart-series-1, chart-series-2 (colours in app.css)
    fill: str  # the same colour as a presentation attribute, for SVG viewers without CSS


SERIES_COLOURS = ("#17456b", "#c75f00", "#0b6b3a")


def bar_chart(chart_id: str, title: str, description: str, series_names: list[str],
              groups: list[tuple[str, list[int]]], note_truncated: str = "",
              rtl: bool = False) -> Markup | None:
    """Horizontal grouped bars: one group per row label, one bar per series; None when every
    value is 0 (the table beside it says there is nothing, a chart of zeros would not).

    Right to left (Arabic), the labels are on the right and the bars grow leftwards: the
    drawing is mirrored, the text in it is not.
    """
    series = [Series(name, f"chart-series-{index + 1}", SERIES_COLOURS[index % 3])
              for index, name in enumerate(series_names)]
    shown = groups[:MAX_GROUPS]
    if not any(value for _, values in shown for value in values):
        return None
    maximum = max(value for _, values in shown for value in values)

    def x(left: float, width: float = 0) -> float:
        """A box's left edge, mirrored right to left."""
        return WIDTH - left - width if rtl else left

    start, end = ("end", "start") if rtl else ("start", "end")
    group_height = ROW * len(series) + GAP
    height = LEGEND + group_height * max(len(shown), 1) + 4
    ident = escape(chart_id)
    truncated = (" " + escape(note_truncated)
                 if len(groups) > MAX_GROUPS and note_truncated else "")
    parts = [
        (f'<svg class="chart" id="{ident}" role="img" '
         f'aria-labelledby="{ident}-title {ident}-desc" '
         f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" direction="ltr" '
         'xmlns="http://www.w3.org/2000/svg">'),
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}{truncated}</desc>',
    ]
    left = 0
    for item in series:  # the legend
        parts.append(f'<rect x="{x(left, 14)}" y="4" width="14" height="14" '
                     f'class="{item.css_class}" fill="{item.fill}"/>')
        parts.append(f'<text x="{x(left + 20)}" y="16" text-anchor="{start}" '
                     f'class="chart-text" unicode-bidi="plaintext">{escape(item.name)}</text>')
        left += 24 + 8 * len(item.name)
    for row, (label, values) in enumerate(shown):
        top = LEGEND + row * group_height
        parts.append(f'<text x="{x(LABEL_WIDTH - 8)}" y="{top + ROW * len(series) / 2 + 5:.0f}" '
                     f'text-anchor="{end}" class="chart-text" unicode-bidi="plaintext">'
                     f'{escape(_clip(label))}</text>')
        for index, (item, value) in enumerate(zip(series, values, strict=True)):
            width = BAR_WIDTH * value / maximum
            y = top + index * ROW
            parts.append(f'<rect x="{x(LABEL_WIDTH, width):.1f}" y="{y + 2}" width="{width:.1f}" '
                         f'height="{ROW - 4}" class="{item.css_class}" fill="{item.fill}"/>')
            parts.append(f'<text x="{x(LABEL_WIDTH + width + 4):.1f}" y="{y + ROW - 5}" '
                         f'text-anchor="{start}" class="chart-value">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _clip(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
