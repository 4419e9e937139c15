"""Headless Chromium helpers shared by the end-to-end tests and fcp.py (selenium + chromedriver)."""
import os
import pathlib
import re
import shutil
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

BASE = os.environ.get("E2E_BASE_URL", "http://127.0.0.1:8090/await-and-see/")
OUT = pathlib.Path(os.environ.get("E2E_OUT", "target")).resolve()
SHOTS = OUT / "screenshots"
DOWNLOADS = OUT / "e2e-downloads"

# Installed before any page script: collects uncaught errors, CSP violations, clipboard writes and
# messages posted to this window, so tests can read them back.
INIT_JS = r"""
window.__e2e = {errors: [], copied: [], messages: []};
addEventListener('error', e => __e2e.errors.push('uncaught: ' + (e.message || e)));
addEventListener('unhandledrejection', e => __e2e.errors.push('unhandled rejection: ' + e.reason));
document.addEventListener('securitypolicyviolation',
  e => __e2e.errors.push('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
addEventListener('message', e => __e2e.messages.push(e.data));
try {
  if (navigator.clipboard) {
    navigator.clipboard.writeText = t => { __e2e.copied.push(String(t)); return Promise.resolve(); };
  }
} catch (e) {}
"""

_profiles = []


MOBILE_UA = ("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/120.0.0.0 Mobile Safari/537.36")


def make_driver(width=1280, height=900, hide_scrollbars=True, mobile=False):
    """Headless Chromium. With `hide_scrollbars=False` its scroll bars take room (15 px, classic,
    as on Windows), which the default `--hide-scrollbars` hides. With `mobile`, a phone: touch
    events, a mobile user agent and a 3x screen of `width` x `height` CSS px."""
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must never download anything
    os.environ.setdefault("SE_AVOID_STATS", "true")
    o = webdriver.ChromeOptions()
    o.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    profile = tempfile.mkdtemp(prefix="e2e-chromium-")
    _profiles.append(profile)
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-quic", "--no-first-run",
              f"--window-size={width},{height}", f"--user-data-dir={profile}"]:
        o.add_argument(a)
    if hide_scrollbars:
        o.add_argument("--hide-scrollbars")
    if mobile:
        o.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": 3, "touch": True,
                              "mobile": True},
            "userAgent": MOBILE_UA})
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    o.add_experimental_option("prefs", {
        "download.default_directory": str(DOWNLOADS),
        "download.prompt_for_download": False,
    })
    d = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=o)
    d.set_page_load_timeout(30)
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INIT_JS})
    try:
        d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(DOWNLOADS)})
    except Exception:
        d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(DOWNLOADS)})
    return d


def cleanup_profiles():
    for p in _profiles:
        shutil.rmtree(p, ignore_errors=True)


def url_for(route):
    """`route` is a hash route without '#/', e.g. 'blocking-io' or 'embed/x?t=3' ('' = landing)."""
    return BASE + ("#/" + route if route else "")


def console_errors(d):
    """Severe console entries since the last call, plus errors the page recorded itself."""
    errs = [e["message"] for e in d.get_log("browser") if e.get("level") == "SEVERE"]
    try:
        errs += d.execute_script("return window.__e2e ? window.__e2e.errors.splice(0) : []") or []
    except Exception:
        pass
    return errs


def wait_until(fn, timeout=10.0, interval=0.05):
    end = time.time() + timeout
    last = None
    while time.time() < end:
        try:
            last = fn()
            if last:
                return last
        except Exception:
            last = None
        time.sleep(interval)
    return last


def wait_ready(d, timeout=15.0):
    """Wait until the app has rendered something and the DOM stopped changing for a moment."""
    ok = wait_until(lambda: d.execute_script(
        "return document.readyState === 'complete' && document.body &&"
        " document.body.innerText.trim().length > 0 && !!document.querySelector('h1, main, [role=main]')"),
        timeout)
    # Settle: two consecutive identical DOM sizes 150 ms apart.
    prev = None
    for _ in range(20):
        cur = d.execute_script("return document.body ? document.body.innerHTML.length : 0")
        if cur == prev:
            break
        prev = cur
        time.sleep(0.15)
    return bool(ok)


def first_contentful_paint(d, timeout=5):
    """The page's first contentful paint (ms since navigation), waited for up to `timeout` s; None
    if there is none."""
    return wait_until(lambda: d.execute_script(
        "const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : null"),
        timeout)


def largest_contentful_paint(d):
    """The page's largest contentful paint so far (ms since navigation), or None: the chapter's
    own content once the program has drawn it (the first paint may be index.html's loading
    note)."""
    return d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        new PerformanceObserver(l => { const e = l.getEntries(); done(e.length ? e[e.length - 1].startTime : null); })
            .observe({type: 'largest-contentful-paint', buffered: true});
        setTimeout(() => done(null), 2000);""")


def open_fresh(d, route_or_url):
    """A full page load (not just a hash change) of a route or absolute URL."""
    url = route_or_url if "://" in route_or_url else url_for(route_or_url)
    from selenium.common.exceptions import TimeoutException
    d.get("about:blank")
    d.get_log("browser")  # drop anything from the previous page
    try:
        d.get(url)
    except TimeoutException:  # a starved machine: give the page one more chance
        d.get("about:blank")
        d.get(url)
    return wait_ready(d)


def screenshot(d, path, max_height=8000):
    """Full-page PNG via CDP, taken from the top of the page (the sticky header and contents
    column are drawn where the page is scrolled to, so a scrolled capture would show them in the
    middle of the picture); the scroll position is restored afterwards."""
    import base64
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scrolled = d.execute_script("const y = window.scrollY; window.scrollTo(0, 0); return y")
    m = d.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = m.get("cssContentSize") or m.get("contentSize")
    w = max(1, int(size["width"]))
    h = max(1, min(int(size["height"]), max_height))
    shot = d.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))
    d.execute_script("window.scrollTo(0, arguments[0])", scrolled)
    return path


# Accessible name of every control on the page, with a stable index to find it again.
CONTROLS_JS = r"""
const out = [];
const els = document.querySelectorAll('button, a[href], [role=button], input, select, summary');
els.forEach((el, i) => {
  const r = el.getBoundingClientRect();
  const visible = r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  const name = (el.getAttribute('aria-label') || el.getAttribute('title') || el.innerText ||
                el.value || '').trim().replace(/\s+/g, ' ');
  out.push({i, tag: el.tagName.toLowerCase(), type: el.type || '', name, visible,
            cls: el.className && el.className.baseVal === undefined ? el.className : '',
            href: el.getAttribute('href') || ''});
});
return out;
"""


def controls(d):
    return d.execute_script(CONTROLS_JS)


def find_control(d, pattern, tags=("button", "a", "summary"), visible_only=True):
    """The first control whose accessible name matches `pattern` (regex, case-insensitive)."""
    rx = re.compile(pattern, re.I)
    for c in controls(d):
        if c["tag"] in tags and rx.search(c["name"]) and (c["visible"] or not visible_only):
            return d.execute_script(
                "return document.querySelectorAll('button, a[href], [role=button], input, select, summary')[arguments[0]]",
                c["i"])
    return None


def slug_of(href):
    """'#/blocking-io?x=1' or 'http://h/p/#/blocking-io' -> 'blocking-io'; None if not a hash route."""
    if "#/" not in href:
        return None
    return href.split("#/", 1)[1].split("?", 1)[0].strip("/")
