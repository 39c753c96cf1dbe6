"""Laying the report out: `templates/report.md.j2` and the self-contained `templates/report.html.j2`.

The HTML carries its CSS inline and its figures as data URIs, and loads nothing else:
it opens offline, from a mail attachment or a file share. Text from the data is escaped
for each format (HTML autoescaping; Markdown by backslashes, so a masked `<PERSON>`
shows as text instead of vanishing as an unknown tag).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from auditor.calibration.bootstrap import Estimate
from auditor.report.calibration_section import columns
from auditor.report.view import ReportView

TEMPLATES = Path(__file__).parent / "templates"
PLOTS_DIR = "report_plots"

# CommonMark punctuation that could start markup inside a line of text or a table cell
# ("[" only where it could open a link: "[text](" ).
_MD_SPECIAL = re.compile(r"([\\`*<>|]|\](?=\())")
_MD_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")


def md(text: object) -> str:
    """Text as literal Markdown on one line: markup characters escaped, newlines folded."""
    value = " ".join(str(text).split())
    value = _MD_SPECIAL.sub(r"\\\1", value)
    return _MD_UNDERSCORE.sub(r"\\_", value)


def pct(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:.{digits}%}"


def num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def stat(s: Estimate | None, digits: int = 2) -> str:
    """A statistic with its 95% CI, or why it has none."""
    if s is None:
        return "—"
    if s.value is None:
        return f"— ({s.reason})" if s.reason else "—"
    text = f"{s.value:.{digits}f}"
    if s.ci95 is not None:
        text += f" [{s.ci95[0]:.{digits}f}, {s.ci95[1]:.{digits}f}]"
    return text


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md, pct=pct, num=num, stat=stat, data_uri=data_uri)
    env.globals.update(columns=columns, plots_dir=PLOTS_DIR)
    return env


def render_markdown(view: ReportView) -> str:
    """report.md: figures are referenced as PNG files in `report_plots/` beside it."""
    text = _environment(autoescape=False).get_template("report.md.j2").render(view=view)
    return re.sub(r"\n{3,}", "\n\n", text)


def render_html(view: ReportView) -> str:
    """report.html: one file, nothing fetched."""
    return _environment(autoescape=True).get_template("report.html.j2").render(view=view)
