"""Accessibility, checked by machine on every page: axe-core (WCAG 2.1 A and AA plus axe's best
practices) on the landing page, every chapter and every embed route, in the light and the dark
theme on a laptop and in the light theme on a phone; and the contrast of every word drawn in the
pictures (which axe does not look inside), at load and after stepping. The xtask installs
axe-core from npm and passes its script in E2E_AXE."""
import os
import pathlib
import time

import pytest

import browser as B
from conftest import all_viz_ids, note

AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SVG_CONTRAST = (pathlib.Path(__file__).parent / "svg_contrast.js").read_text()


def axe_script():
    path = os.environ.get("E2E_AXE") or str(
        pathlib.Path(__file__).resolve().parents[2] / ".tools/node_modules/axe-core/axe.min.js")
    if not pathlib.Path(path).exists():
        pytest.fail(f"axe-core's axe.min.js not found at {path}: `cargo xtask test` installs it "
                    "(npm axe-core into .tools/), or set E2E_AXE")
    return pathlib.Path(path).read_text()


def axe(d, script):
    if not d.execute_script("return !!window.axe"):
        d.execute_script(script)
    d.set_script_timeout(60)
    found = d.execute_async_script(
        """const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
          .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3)
              .map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120)).join(' | '))))
          .catch(e => done(['axe failed: ' + e]));""", AXE_RULES)
    return found


def step_all(d, n):
    for _ in range(n):
        d.execute_script("document.querySelectorAll('.pb-next').forEach(b => b.click())")
        time.sleep(0.1)


def routes(site):
    return [""] + site["slugs"] + [f"embed/{i}" for i in all_viz_ids(site)]


def test_every_page_passes_axe_and_its_pictures_words_are_readable(site, d):
    script = axe_script()
    views = [(1280, "light"), (1280, "dark"), (375, "light")]
    problems, checked = [], 0
    try:
        for width, scheme in views:
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
            d.execute_cdp_cmd("Emulation.setEmulatedMedia",
                              {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            for route in routes(site):
                where = f"#/{route} ({scheme}, {width} px)"
                B.open_fresh(d, route)
                problems += [f"{where}: {v}" for v in axe(d, script)]
                low = d.execute_script(SVG_CONTRAST)
                step_all(d, 3)
                low += d.execute_script(SVG_CONTRAST)
                problems += [f"{where}: low contrast {t}" for t in dict.fromkeys(low)]
                checked += 1
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    note(f"accessibility: axe-core and the pictures' word contrast on {checked} page views")
    assert not problems, "\n".join(problems[:40])
