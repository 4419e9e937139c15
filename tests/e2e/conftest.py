"""End-to-end tests against the release build, served under a sub-path with the production
headers by `cargo xtask test` (E2E_BASE_URL). One browser session is shared; every page visit is a
full load. The site is crawled once (at collection, so each chapter becomes its own test case):
routes come from the landing page's chapter links, never from a hard-coded list.

A feature test whose control cannot be found on any page calls pytest.xfail() with a reason that
names the missing feature; once the control exists the test runs for real."""
import pathlib
import time

import pytest

import browser as B

_state = {"driver": None, "site": None, "notes": []}


def driver():
    if _state["driver"] is None:
        _state["driver"] = B.make_driver()
    return _state["driver"]


def note(line):
    """A line for the closing summary (figures such as FCP and bundle size)."""
    _state["notes"].append(line)


class Page:
    def __init__(self, route):
        self.route = route
        self.errors = []
        self.h1 = ""
        self.text_len = 0
        self.boot = False  # index.html's loading note still in the page
        self.controls = []
        self.viz_ids = []
        self.current = []  # hrefs marked aria-current
        self.loaded = False
        self.shot = None
        self.phone_shot = None
        self.phone_overflow = 0
        self.phone_errors = []
        self.small_text = []  # [(px, text)] of the figures' smallest drawn labels (1280 px window)
        self.phone_small_text = []  # the same at 375 px
        self.tablet_small_text = []  # and at 768 px

    def has(self, pattern, tags=("button", "a", "summary")):
        import re
        rx = re.compile(pattern, re.I)
        return any(c["tag"] in tags and rx.search(c["name"]) for c in self.controls)


# The figures' labels as drawn: each SVG <text>'s font size times the SVG's scale (its drawn
# width over its viewBox width), smallest first.
FIGURE_TEXT_JS = r"""
const out = [];
for (const svg of document.querySelectorAll('.figure-svg svg')) {
  const vb = svg.viewBox.baseVal, w = svg.getBoundingClientRect().width;
  if (!vb || !vb.width || !w) continue;
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim() || t.getBoundingClientRect().width === 0) continue;
    out.push([parseFloat(getComputedStyle(t).fontSize) * w / vb.width, t.textContent.slice(0, 40)]);
  }
}
return out.sort((a, b) => a[0] - b[0]).slice(0, 3);
"""


PAGE_JS = r"""
const h1 = document.querySelector('h1');
const ids = new Set();
document.querySelectorAll('[data-viz]').forEach(e => ids.add(e.getAttribute('data-viz')));
document.querySelectorAll('a[href*="#/embed/"]').forEach(a => ids.add(a.getAttribute('href').split('#/embed/')[1].split('?')[0]));
return {
  h1: h1 ? h1.innerText.trim() : '',
  text_len: document.body.innerText.trim().length,
  boot: !!document.getElementById('boot'),
  viz_ids: [...ids].filter(Boolean),
  current: [...document.querySelectorAll('[aria-current=page], [aria-current=location], [aria-current=true]')]
      .map(e => e.getAttribute('href') || ''),
};
"""


def discover_routes(d):
    """Chapter slugs in the order of the landing page's links (nav first)."""
    B.open_fresh(d, "")
    hrefs = d.execute_script(r"""
      const navs = [...document.querySelectorAll('nav a[href*="#/"]')];
      const all = navs.length ? navs : [...document.querySelectorAll('a[href*="#/"]')];
      return all.map(a => a.getAttribute('href'));""") or []
    slugs = []
    for h in hrefs:
        s = B.slug_of(h)
        if s and not s.startswith("embed") and s not in slugs:
            slugs.append(s)
    return slugs


def crawl():
    """Visit the landing page and every chapter once at desktop and once at phone width."""
    if _state["site"] is not None:
        return _state["site"]
    d = driver()
    slugs = discover_routes(d)
    pages = {}
    for route in [""] + slugs:
        p = Page(route)
        name = route or "landing"
        p.loaded = B.open_fresh(d, route)
        p.errors = B.console_errors(d)
        info = d.execute_script(PAGE_JS)
        p.h1, p.text_len, p.viz_ids, p.current = info["h1"], info["text_len"], info["viz_ids"], info["current"]
        p.boot = info["boot"]
        p.controls = B.controls(d)
        p.small_text = d.execute_script(FIGURE_TEXT_JS)
        p.shot = B.screenshot(d, B.SHOTS / f"{name}.png")
        pages[route] = p
    # Phone width (375 CSS px).
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 375, "height": 812, "deviceScaleFactor": 1, "mobile": True})
    try:
        for route, p in pages.items():
            name = route or "landing"
            B.open_fresh(d, route)
            p.phone_errors = B.console_errors(d)
            p.phone_overflow = d.execute_script(
                "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - innerWidth")
            p.phone_small_text = d.execute_script(FIGURE_TEXT_JS)
            p.phone_shot = B.screenshot(d, B.SHOTS / "phone" / f"{name}.png")
        # A tablet held upright (768 CSS px): between the phone and the laptop layouts.
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": 768, "height": 1024, "deviceScaleFactor": 1, "mobile": True})
        for route, p in pages.items():
            B.open_fresh(d, route)
            p.tablet_small_text = d.execute_script(FIGURE_TEXT_JS)
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    _state["site"] = {"slugs": slugs, "pages": pages}
    return _state["site"]


def all_viz_ids(site):
    """The visualisation ids the crawled pages show or link to, in order of appearance."""
    ids = []
    for p in site["pages"].values():
        for i in p.viz_ids:
            if i not in ids:
                ids.append(i)
    return ids


@pytest.fixture(scope="session")
def site():
    return crawl()


@pytest.fixture(scope="session")
def d():
    return driver()


def pytest_generate_tests(metafunc):
    if "chapter" in metafunc.fixturenames:
        slugs = crawl()["slugs"]
        metafunc.parametrize("chapter", slugs or ["<no chapters found>"])


def pytest_sessionfinish(session, exitstatus):
    if _state["driver"] is not None:
        try:
            _state["driver"].quit()
        except Exception:
            pass
    B.cleanup_profiles()


def pytest_terminal_summary(terminalreporter):
    st = terminalreporter.stats
    n = lambda k: len(st.get(k, []))
    passed = n("passed") + n("xpassed")
    failed = n("failed") + n("error")
    skipped = n("skipped") + n("xfailed")
    for line in _state["notes"]:
        terminalreporter.write_line(line)
    shots = sorted(B.SHOTS.rglob("*.png")) if B.SHOTS.exists() else []
    terminalreporter.write_line(f"screenshots: {len(shots)} PNG files under {B.SHOTS}")
    terminalreporter.write_line(f"e2e: {passed} passed, {failed} failed, {skipped} skipped")
