"""The chart of items per month per channel (PNG, matplotlib with the Agg backend).

Chinese labels need a CJK font. :func:`find_cjk_font` looks for one among the fonts
matplotlib knows (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei, Microsoft YaHei, Droid
Sans Fallback, ...); without one, the chart is labelled with channel ids and English text, so
that no missing-glyph boxes appear. The figure is drawn with the object API (no pyplot, no
global rcParams changes), which renders with Agg.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from harvester.count import CountResult

__all__ = ["CJK_FONTS", "draw_chart", "find_cjk_font"]

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)


CJK_FILES = ("wqy", "notosanscjk", "notoserifcjk", "sourcehan", "droidsansfallback", "simhei", "msyh", "uming")


def find_cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or None.

    matplotlib caches its font list once; a CJK font installed later is found by scanning the
    system's font files for known CJK families and registering them.
    """
    found = _known_cjk_font()
    if found is None:
        for path in font_manager.findSystemFonts():
            if any(marker in Path(path).name.lower().replace("-", "") for marker in CJK_FILES):
                font_manager.fontManager.addfont(path)
        found = _known_cjk_font()
    return found


def _known_cjk_font() -> str | None:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def draw_chart(result: CountResult, path: Path, *, font: str | None = None) -> Path:
    """Draw stacked bars of items per month, one colour per channel, into the PNG ``path``.

    ``font`` is a CJK font name (default: :func:`find_cjk_font`); without one, channel ids
    and English titles are used.
    """
    font = font or find_cjk_font()
    family = font or "DejaVu Sans"
    months = result.months()
    channels = [c for c in result.channels if c.count]
    figure = Figure(figsize=(max(8.0, 0.6 * len(months) + 4), 4.8), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    bottoms = [0] * len(months)
    for channel in channels:
        heights = [n for _, n in channel.months]
        name = channel.label if font else channel.id
        axes.bar(range(len(months)), heights, bottom=bottoms, label=f"{name} ({channel.count})")
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for x, total in enumerate(bottoms):
        if total:
            axes.annotate(str(total), (x, total), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=8)
    axes.set_ylim(0, max([*bottoms, 1]) * 1.12)
    axes.set_xticks(range(len(months)), months, rotation=45, ha="right")
    weight = "medium"  # CJK fonts often ship one weight (WenQuanYi: 500); asking for it avoids fallback noise
    axes.set_ylabel("条数" if font else "items", fontfamily=family, fontweight=weight)
    axes.set_title(_title(result, chinese=font is not None), fontfamily=family, fontweight=weight)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    if channels:
        axes.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            prop={"family": family, "size": 8, "weight": weight},
        )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path


def _title(result: CountResult, *, chinese: bool) -> str:
    if chinese:
        return f"各渠道每月发布信息数量（{result.start} 至 {result.end}）"
    return f"Items per month per channel, {result.start} to {result.end}"
