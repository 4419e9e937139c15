"""Every route: loads from a deep link without console errors, is not blank, fits a phone."""
import pytest

import browser as B
from conftest import note


def test_landing_page_loads_without_console_errors(site):
    p = site["pages"][""]
    assert p.loaded, "landing page never rendered (no <h1>/<main>, empty body)"
    assert not p.errors, f"console errors on the landing page: {p.errors}"
    assert p.text_len > 0
    assert not p.boot, "index.html's loading note is still on the landing page after it was drawn"


def test_html_paints_a_loading_note_before_the_program_runs():
    """index.html itself carries a visible loading note (first paint while the wasm downloads),
    hidden when JavaScript is off (the <noscript> text explains instead)."""
    import re
    import urllib.request
    html = urllib.request.urlopen(B.url_for("")).read().decode()
    assert re.search(r'<div[^>]*\bid=["\']?boot\b[^>]*>.*Loading the course', html, re.S), "no loading note in index.html"
    assert re.search(r"<noscript><style>#boot\s*{\s*display:\s*none;?\s*}</style></noscript>", html), \
        "the loading note is not hidden without JavaScript"


def test_table_of_contents_lists_chapters(site):
    if not site["slugs"]:
        pytest.xfail("table of contents: the landing page has no chapter links (a[href*='#/'])")
    assert len(site["slugs"]) >= 2, f"only {site['slugs']}"
    note(f"chapters found: {len(site['slugs'])} ({', '.join(site['slugs'])})")


def test_chapter_deep_link_loads_without_console_errors(site, chapter):
    if not site["slugs"]:
        pytest.xfail("chapters: no chapter routes to load")
    p = site["pages"][chapter]
    assert p.loaded, f"#/{chapter} never rendered"
    assert not p.errors, f"console errors on #/{chapter}: {p.errors}"
    assert p.text_len > 200, f"#/{chapter} shows almost nothing ({p.text_len} characters)"
    assert not p.boot, f"index.html's loading note is still on #/{chapter} after it was drawn"
    assert p.shot and p.shot.exists()


def test_chapter_deep_link_shows_its_own_chapter(site, chapter, d):
    """Each deep link lands on a distinct page (its own heading), and a reload keeps it."""
    if not site["slugs"]:
        pytest.xfail("chapters: no chapter routes to load")
    pages = site["pages"]
    p = pages[chapter]
    assert p.h1, f"#/{chapter} has no <h1>"
    assert p.h1 != pages[""].h1, f"#/{chapter} shows the landing page's heading {p.h1!r}"
    same = [s for s in site["slugs"] if s != chapter and pages[s].h1 == p.h1]
    assert not same, f"#/{chapter} has the same heading as {same}: {p.h1!r}"
    B.open_fresh(d, chapter)
    d.refresh()
    B.wait_ready(d)
    assert d.execute_script("return (document.querySelector('h1')||{}).innerText||''").strip() == p.h1
    assert not B.console_errors(d)


def test_chapter_marks_where_you_are(site, chapter):
    if not any(pg.current for pg in site["pages"].values()):
        pytest.xfail("where-am-I: no link with aria-current marks the current chapter on any page")
    p = site["pages"][chapter]
    assert any(B.slug_of(h) == chapter for h in p.current), \
        f"#/{chapter}: aria-current links point at {p.current}, not at this chapter"


def test_chapter_fits_a_phone(site, chapter):
    p = site["pages"][chapter]
    assert not p.phone_errors, f"console errors at 375 px on #/{chapter}: {p.phone_errors}"
    assert p.phone_overflow <= 1, f"#/{chapter} scrolls sideways at 375 px ({p.phone_overflow} px too wide)"
    assert p.phone_shot and p.phone_shot.exists()


def test_chapter_figures_labels_stay_readable(site, chapter):
    """The pictures' smallest labels are drawn at 10 px or more, in a 1280 px window (the wide
    layouts: 10-unit labels on a 720-unit picture, so the page must give it at least 720 px), at
    768 px (a tablet: each picture picks a layout its column holds at 1:1) and at 375 px (the
    narrow ones: 340 units, so at least 340 px)."""
    p = site["pages"][chapter]
    for where, found in (("a 1280 px window", p.small_text), ("768 px", p.tablet_small_text),
                         ("375 px", p.phone_small_text)):
        small = [(round(px, 2), text) for px, text in found if px < 9.95]
        assert not small, f"#/{chapter} in {where} draws figure labels below 10 px: {small}"


def test_landing_fits_a_phone(site):
    p = site["pages"][""]
    assert not p.phone_errors, p.phone_errors
    assert p.phone_overflow <= 1, f"landing page scrolls sideways at 375 px ({p.phone_overflow} px too wide)"


def test_unknown_route_shows_a_notice_not_a_blank_page(d):
    B.open_fresh(d, "no-such-chapter-e2e")
    errs = B.console_errors(d)
    text = d.execute_script("return document.body.innerText")
    assert not errs, errs
    assert len(text.strip()) > 20, "blank page for an unknown route"


def test_previous_next_links_follow_the_table_of_contents(site, d):
    slugs = site["slugs"]
    if len(slugs) < 3:
        pytest.xfail("previous/next: fewer than 3 chapters to walk through")
    mid = slugs[len(slugs) // 2]
    B.open_fresh(d, mid)
    nxt = B.find_control(d, r"\bnext\b", tags=("a",))
    prev = B.find_control(d, r"\bprev(ious)?\b", tags=("a",))
    if nxt is None and prev is None:
        pytest.xfail("previous/next: no 'Next'/'Previous' chapter links on a chapter page")
    i = slugs.index(mid)
    if nxt is not None:
        assert B.slug_of(nxt.get_attribute("href")) == slugs[i + 1]
    if prev is not None:
        assert B.slug_of(prev.get_attribute("href")) == slugs[i - 1]
