"""Rendering a report Page as one self-contained HTML file.

BokehJS and the charts' data are inlined (nothing is fetched: the page opens from the file
system with no network), the text is escaped by Jinja2, and the file is written atomically.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

from bokeh.embed import components
from bokeh.resources import Resources
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from simulator.outputs import write_atomic
from simulator.report.sections import Metric, Page

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="murmur {{ versions.get('murmur', '') }}">
<title>{{ page.title }} · Murmur report</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
         color: #1d1d1f; background: #fafafa; line-height: 1.45; }
  main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 60px; }
  h1 { font-size: 1.6em; margin: 0 0 4px; }
  h2 { font-size: 1.2em; margin: 34px 0 6px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
  .kind { color: #666; text-transform: uppercase; font-size: .8em; letter-spacing: .08em; }
  .question { font-size: 1.05em; color: #333; margin: 6px 0 16px; }
  .warning { background: #fde8ea; border: 1px solid #b00020; color: #b00020; padding: 10px 14px;
             border-radius: 6px; font-weight: 600; margin: 12px 0; }
  .findings { background: #fff; border-left: 4px solid #4C72B0; padding: 10px 18px; margin: 0; }
  .findings li { margin: 4px 0; }
  .metrics { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
  .metric { background: #fff; border: 1px solid #e2e2e2; border-radius: 8px; padding: 10px 14px;
            min-width: 130px; }
  .metric .value { font-size: 1.5em; font-weight: 600; display: block; }
  .metric .label { color: #666; font-size: .85em; }
  table { border-collapse: collapse; background: #fff; font-size: .9em; margin: 10px 0;
          width: 100%; }
  th, td { border-bottom: 1px solid #e6e6e6; padding: 5px 8px; text-align: left; }
  th { background: #f0f0f3; }
  .chart { background: #fff; border: 1px solid #e6e6e6; border-radius: 6px; margin: 10px 0;
           padding: 6px; }
  pre { background: #fff; border: 1px solid #e2e2e2; padding: 10px; overflow: auto;
        font-size: .82em; max-height: 480px; }
  footer { margin-top: 40px; color: #666; font-size: .85em; }
  code { background: #f0f0f3; padding: 1px 4px; border-radius: 3px; }
</style>
{{ bokeh_js | safe }}
</head>
<body>
<main>
<div class="kind">Murmur report · {{ page.kind }}</div>
<h1>{{ page.title }}</h1>
<p class="question" id="question">{{ page.question }}</p>
{% if page.warning %}<div class="warning" id="warning">{{ page.warning }}</div>{% endif %}
<ul class="findings" id="findings">
{% for line in page.findings %}  <li>{{ line }}</li>
{% endfor %}</ul>
{% if page.metrics %}<div class="metrics">
{% for m in page.metrics %}  <div class="metric"><span class="value">{{ metric(m) }}</span>
    <span class="label">{{ m.label }}</span></div>
{% endfor %}</div>{% endif %}
{% for section, divs in sections %}
<section>
<h2>{{ section.title }}</h2>
{% if section.text %}<p>{{ section.text }}</p>{% endif %}
{% for div in divs %}<div class="chart">{{ div | safe }}</div>
{% endfor %}
{% if section.table %}<table>
<thead><tr>{% for c in section.table.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in section.table.rows %}<tr>
  {%- for cell in row %}<td>{{ metric(cell) }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% endif %}
{% if section.code %}<details{% if not section.folded %} open{% endif %}>
<summary>show</summary><pre>{{ section.code }}</pre></details>{% endif %}
</section>
{% endfor %}
<footer>
{% if page.command %}<p>Reproduce: <code id="command">{{ page.command }}</code></p>{% endif %}
{% if versions %}<p>Versions:
  {%- for k, v in versions.items() %} {{ k }} {{ v }}{% if not loop.last %},{% endif %}
  {%- endfor %}</p>{% endif %}
<p>Written by Murmur from the files of this folder; the PNG figures beside it are for papers.</p>
</footer>
</main>
{{ bokeh_script | safe }}
</body>
</html>
"""


def _metric(cell: object) -> str:
    """A Metric as a span carrying its exact value (escaped); any other cell as text."""
    if not isinstance(cell, Metric):
        return html.escape(str(cell))
    value = cell.value
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    return (
        f'<span data-metric="{html.escape(cell.key)}" '
        f"data-value='{html.escape(json.dumps(value), quote=True)}'>{html.escape(cell.text)}</span>"
    )


_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_ENV.globals["metric"] = lambda cell: Markup(_metric(cell))  # _metric escaped every part


def render(page: Page) -> str:
    """The page as HTML text with BokehJS and every chart's data inlined."""
    charts = [chart for section in page.sections for chart in section.charts]
    script, divs = components(charts) if charts else ("", [])
    # each section's chart <div>s, in the order components() returned them
    divs, sections = list(divs), []
    for section in page.sections:
        sections.append((section, divs[: len(section.charts)]))
        divs = divs[len(section.charts) :]
    # only the core bundle: the charts use no widgets, tables or maths
    bokeh_js = Resources(mode="inline", components=["bokeh"]).render_js() if charts else ""
    return _ENV.from_string(_TEMPLATE).render(
        page=page,
        sections=sections,
        versions=page.versions,
        bokeh_js=bokeh_js,
        bokeh_script=script,
    )


def write(page: Page, path: Path) -> Path:
    write_atomic(path, render(page))
    return path
