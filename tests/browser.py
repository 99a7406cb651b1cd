"""Opening a report in headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
installed by ``scripts/setup.sh test``) through Selenium, as a reader's browser would.

``inspect_report(path, screenshot)`` loads the file from the file system with the network
switched off, waits until every chart has drawn, and returns what a test checks: console
errors, the charts and whether each drew on its canvas, the figures the page shows
(``data-metric`` elements), the time from navigation to the last chart drawn, and a
full-page screenshot.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = (
    "headless Chromium is missing: run `make test` (scripts/setup.sh test installs Debian's "
    "chromium and chromium-driver)"
)

# For every .chart block: its canvases (inside Bokeh's shadow roots) and whether any of them
# holds a pixel that is neither transparent nor white, i.e. the chart has drawn.
_CHARTS_DRAWN = """
function canvases(node, out) {
  if (node.tagName === 'CANVAS') out.push(node);
  if (node.shadowRoot) canvases(node.shadowRoot, out);
  for (const child of node.children || []) canvases(child, out);
  return out;
}
function drawn(canvas) {
  if (!canvas.width || !canvas.height) return false;
  const ctx = canvas.getContext('2d');
  if (!ctx) return false;
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < data.length; i += 16) {
    if (data[i + 3] > 0 && (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250)) return true;
  }
  return false;
}
return Array.from(document.querySelectorAll('.chart')).map(chart => {
  const found = canvases(chart, []);
  return {canvases: found.length, drawn: found.some(drawn)};
});
"""


@dataclass
class PageCheck:
    console_errors: list[str]
    charts: list[dict]  # per chart: canvases, drawn
    metrics: dict[str, object]  # data-metric -> exact value
    metric_texts: dict[str, str]  # data-metric -> the text shown
    seconds_to_drawn: float  # navigation start to every chart drawn
    text: str  # the page's visible text


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",  # as root in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        # the report must need nothing from the network: give it none
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: Selenium Manager never runs, so nothing is downloaded.
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def inspect_report(path: Path, screenshot: Path | None = None, timeout: float = 30.0) -> PageCheck:
    """Open ``path`` in headless Chromium and report what a reader would see."""
    from selenium.webdriver.common.by import By

    driver = _driver()
    try:
        driver.get(path.resolve().as_uri())
        deadline = time.monotonic() + timeout
        while True:
            charts = driver.execute_script(_CHARTS_DRAWN)
            if all(c["drawn"] for c in charts) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        seconds = driver.execute_script("return performance.now()") / 1000.0
        errors = [
            entry["message"]
            for entry in driver.get_log("browser")
            if entry["level"] in ("SEVERE", "ERROR")
        ]
        metrics, texts = {}, {}
        for element in driver.find_elements(By.CSS_SELECTOR, "[data-metric]"):
            key = element.get_attribute("data-metric")
            metrics[key] = json.loads(element.get_attribute("data-value"))
            texts[key] = element.text
        text = driver.find_element(By.TAG_NAME, "body").text
        if screenshot is not None:
            height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(1280, min(max(900, height + 40), 16000))
            driver.save_screenshot(str(screenshot))
    finally:
        driver.quit()
    return PageCheck(errors, charts, metrics, texts, seconds, text)
