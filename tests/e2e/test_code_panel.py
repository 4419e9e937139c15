"""Code panels next to the pictures fetch their highlighted lines (prose/code/<id>-<hash>.html,
relative to the page, so under the sub-path) the first time they are shown, mark the executing
line during playback, and offer Retry when the fetch fails. The chapter is found from the crawled
pages: the first one whose picture has a code panel (not a code sample inside the prose)."""
import time

import pytest

import browser as B
from conftest import note

PANEL = "[data-viz] figure.code-panel[data-code]:not(.code-sample)"

# data-code -> marked line (or null) of every code panel on the page.
ACTIVE_JS = r"""
return [...document.querySelectorAll(arguments[0])].map(f => {
  const a = f.querySelector('.line.active[aria-current=step]');
  return f.getAttribute('data-code') + ':' + (a ? a.getAttribute('data-line') : '-');
}).join(' ');"""

PANELS_JS = r"""
return [...document.querySelectorAll(arguments[0])].map(f => ({
  id: f.getAttribute('data-code'),
  cls: f.className,
  lines: f.querySelectorAll('.line[data-line]').length,
  tokens: f.querySelectorAll('.line [class^=tok-]').length,
  loading: f.querySelectorAll('.code-status').length,
  error: f.querySelectorAll('.code-error').length,
}));"""


def code_fetches(d):
    return d.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/prose/code/'))")


def chapter_with_code_panel(site, d):
    for slug in site["slugs"]:
        if not site["pages"][slug].viz_ids:
            continue
        B.open_fresh(d, slug)
        if B.wait_until(lambda: d.execute_script("return document.querySelectorAll(arguments[0]).length", PANEL), 3):
            return slug
    return None


def loaded(d):
    panels = d.execute_script(PANELS_JS, PANEL)
    return panels if panels and all(p["lines"] > 0 and p["tokens"] > 0 for p in panels) else None


def test_code_panel_shows_fetched_code_and_marks_a_line_while_playing(site, d):
    slug = chapter_with_code_panel(site, d)
    if slug is None:
        pytest.xfail("code panels: no picture with a code panel on any chapter")
    B.open_fresh(d, slug)
    panels = B.wait_until(lambda: loaded(d), 10)
    assert panels, f"#/{slug}: the code panels never showed highlighted lines: {d.execute_script(PANELS_JS, PANEL)}"
    for p in panels:
        assert not p["loading"] and not p["error"] and "code-loading" not in p["cls"], p
    fetched = code_fetches(d)
    base_path = "/" + B.BASE.split("://", 1)[-1].split("/", 1)[-1]
    for p in panels:
        hits = [u for u in fetched if f"/prose/code/{p['id']}-" in u]
        assert len(hits) == 1, f"{p['id']}: expected one fetch of its code file, saw {fetched}"
        assert base_path in hits[0], f"{hits[0]} is not under the site's path {base_path}"

    d.execute_script("const f = document.querySelector(arguments[0]).closest('[data-viz]');"
                     "f.querySelector('button.pb-reset').click()", PANEL)
    time.sleep(0.2)
    start = d.execute_script(ACTIVE_JS, PANEL)
    play = d.execute_script("return document.querySelector(arguments[0]).closest('[data-viz]')"
                            ".querySelector('button.pb-play')", PANEL)
    play.click()
    marked = lambda a: any(not p.endswith(":-") for p in a.split(" "))
    moved = B.wait_until(lambda: (lambda a: a if a != start and marked(a) else None)(
        d.execute_script(ACTIVE_JS, PANEL)), 20)
    if play.get_attribute("aria-label") == "Pause":
        play.click()
    assert moved, f"#/{slug}: playing for 20 s never moved a code panel's marked line (at the start: {start})"
    # Still one fetch per file: replays and re-renders use the cache.
    assert sorted(code_fetches(d)) == sorted(fetched), code_fetches(d)
    assert not B.console_errors(d)
    fig = d.execute_script("return document.querySelector(arguments[0]).closest('[data-viz]')", PANEL)
    d.execute_script("arguments[0].scrollIntoView()", fig)
    fig.screenshot(str(B.SHOTS / "code-panel.png"))
    note(f"code panel: #/{slug} fetched {len(fetched)} code file(s); marked lines at the start {start!r}, "
         f"while playing {moved!r}")


def test_code_panel_fetch_failure_offers_retry(site, d):
    slug = chapter_with_code_panel(site, d)
    if slug is None:
        pytest.xfail("code panels: no picture with a code panel on any chapter")
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*prose/code/*"]})
    try:
        B.open_fresh(d, slug)
        err = B.wait_until(lambda: d.execute_script(
            "const e = document.querySelector(arguments[0] + ' .code-error[role=alert]'); return e && e.innerText",
            PANEL), 10)
        assert err and "could not be loaded" in err, f"#/{slug}: no error notice when the code fetch fails"
        assert d.execute_script("return document.querySelectorAll(arguments[0] + ' .line[data-line]').length",
                                PANEL) == 0
        B.screenshot(d, B.SHOTS / "code-panel-error.png")
        # The failed requests are the only console errors.
        errs = B.console_errors(d)
        assert all("prose/code/" in e or "ERR_BLOCKED" in e for e in errs), errs
    finally:
        d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        d.execute_cdp_cmd("Network.disable", {})
    retry = d.execute_script(
        "return document.querySelector(arguments[0] + ' .code-error button')", PANEL)
    assert retry is not None and retry.text.strip() == "Retry"
    for b in d.execute_script("return [...document.querySelectorAll(arguments[0] + ' .code-error button')]", PANEL):
        b.click()
    assert B.wait_until(lambda: loaded(d), 10), f"#/{slug}: Retry did not bring the code"
    assert not B.console_errors(d)
