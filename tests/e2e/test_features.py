"""Feature tests, data-driven from the DOM: each finds its control by accessible name on the
crawled pages; if no page has it, the test xfails naming the missing feature."""
import os
import pathlib
import re
import statistics
import time
import xml.etree.ElementTree as ET

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

import browser as B
from conftest import all_viz_ids, note

COPY_LINK = r"copy link|permalink|copy (the )?url|share link"
EMBED = r"\bembed\b"
SVG = r"svg"
THEME = r"theme|dark mode|light mode|\bdark\b|\blight\b"
PLAY = r"^(play|pause)\b"


def first_chapter_with(site, pattern, tags=("button", "a", "summary")):
    for s in site["slugs"]:
        if site["pages"][s].has(pattern, tags):
            return s
    return None


def player_state(d):
    """What a person sees of every picture: its drawing, time readout, slider and speed."""
    return d.execute_script(r"""
      const figs = [...document.querySelectorAll('[data-viz]')];
      return figs.map(f => {
        const pb = f.querySelector('.playback, [role=group][aria-label*=layback i]') || f;
        const vals = [...pb.querySelectorAll('output, input, select')]
          .map(e => (e.className || e.tagName) + '=' + (e.tagName === 'OUTPUT' ? e.innerText.trim() : e.value));
        const svg = f.querySelector('svg');
        return f.getAttribute('data-viz') + ' ' + vals.join(' ') + ' svg:' + (svg ? svg.outerHTML : '');
      });""")


def player_parts(d):
    """(group, slider, play button, readout) of the first player on the page (any may be None)."""
    return d.execute_script(r"""
      const g = document.querySelector('[role=group][aria-label*=layback i], .playback');
      const scope = g || document;
      const slider = scope.querySelector('input[type=range]');
      const play = [...scope.querySelectorAll('button')].find(b => /^(play|pause)\b/i.test(b.getAttribute('aria-label') || b.innerText));
      const readout = scope.querySelector('output, [class*=time]');
      return [g, slider, play, readout];""")


def readout(d):
    return d.execute_script(r"""
      const g = document.querySelector('[role=group][aria-label*=layback i], .playback') || document;
      const r = g.querySelector('output, [class*=time]'); const s = g.querySelector('input[type=range]');
      return (r ? r.innerText.trim() : '') + ' @' + (s ? s.value : '');""")


# ---------------------------------------------------------------- permalink

def permalink_after_changes(site, d):
    slug = first_chapter_with(site, COPY_LINK)
    if slug is None:
        pytest.xfail("permalink: no 'Copy link' control on any chapter")
    B.open_fresh(d, slug)
    # Move the first picture away from its defaults: another seed (if it has one), a few steps.
    d.execute_script(r"""
      const s = document.querySelector('[data-viz] input[class*=seed], [data-viz] input[aria-label*=seed i], [data-viz] input[name*=seed i]');
      if (s) { const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        set.call(s, String((parseInt(s.value || '0', 10) || 0) + 1));
        s.dispatchEvent(new Event('input', {bubbles: true})); s.dispatchEvent(new Event('change', {bubbles: true})); }""")
    time.sleep(0.3)
    step = B.find_control(d, r"step forward|next event", tags=("button",))
    for _ in range(3):
        if step is not None and step.is_enabled():
            step.click()
            time.sleep(0.1)
    time.sleep(0.3)
    before = player_state(d)
    d.execute_script("window.__e2e.copied.length = 0")
    B.find_control(d, COPY_LINK).click()
    link = B.wait_until(lambda: (d.execute_script("return window.__e2e.copied") or [None])[-1], 3)
    if not link:  # the clipboard fallback: a field with the link to select by hand
        link = d.execute_script(
            "const f = [...document.querySelectorAll('input, textarea')].find(e => e.value.includes('#/'));"
            "return f ? f.value : null")
    assert link, "Copy link neither copied a link nor showed one"
    assert not B.console_errors(d)
    return slug, before, link


def test_permalink_round_trip_reproduces_the_view(site, d):
    slug, before, link = permalink_after_changes(site, d)
    assert B.slug_of(link) == slug, f"copied link {link!r} does not point at #/{slug}"
    assert "?" in link.split("#", 1)[-1], f"copied link {link!r} carries no state (time, speed) after stepping"
    B.open_fresh(d, link)
    after = player_state(d)
    assert not B.console_errors(d)
    assert len(after) == len(before)
    for a, b in zip(after, before):
        assert a == b, f"permalink {link} restored a different view:\n  got      {a[:300]}\n  expected {b[:300]}"
    note(f"permalink: {link}")


def with_param(link, kv):
    return link + ("&" if "?" in link.split("#", 1)[-1] else "?") + kv


def test_permalink_with_bad_parameters_names_what_was_ignored(site, d):
    slug, _, link = permalink_after_changes(site, d)
    viz = site["pages"][slug].viz_ids[0] if site["pages"][slug].viz_ids else None
    assert viz, f"#/{slug} has a Copy link control but no [data-viz] picture"
    for kv, needle in ((f"{viz}.e2ebogus=1", "e2ebogus"), (f"{viz}.t=banana", "banana")):
        bad = with_param(link, kv)
        B.open_fresh(d, bad)
        text = d.execute_script("return document.body.innerText")
        assert not B.console_errors(d), bad
        assert needle in text, f"{bad}: no visible notice naming {needle!r}"
        assert d.execute_script("return document.querySelectorAll('[data-viz] svg').length") > 0, \
            f"{bad}: the picture was not drawn with defaults"


# ---------------------------------------------------------------- embed

def test_embed_route_shows_one_visualisation_and_nothing_else(site, d):
    ids = all_viz_ids(site)
    if not ids:
        pytest.xfail("embed: no visualisation ids on any chapter ([data-viz] markers or #/embed/ links)")
    for viz in ids:
        B.open_fresh(d, f"embed/{viz}")
        errs = B.console_errors(d)
        assert not errs, f"#/embed/{viz}: {errs}"
        info = d.execute_script(r"""return {
          svg: document.querySelectorAll('svg').length,
          nav: [...document.querySelectorAll('nav')].filter(n => n.getBoundingClientRect().height > 0).length,
          chapters: document.querySelectorAll('a[href*="#/"]:not([href*="#/embed/"])').length,
          playback: !!document.querySelector('[role=group][aria-label*=layback i], .playback, input[type=range]')}""")
        B.screenshot(d, B.SHOTS / "embed" / f"{viz}.png")
        assert info["svg"] > 0, f"#/embed/{viz} draws no <svg>"
        assert info["playback"], f"#/embed/{viz} has no playback controls"
        assert info["nav"] == 0, f"#/embed/{viz} shows site navigation"


def test_embed_posts_its_height_to_the_example_host_page(site, d):
    ids = all_viz_ids(site)
    if not ids:
        pytest.xfail("embed: no visualisation ids to embed")
    B.open_fresh(d, B.BASE + "example-host.html?viz=" + ids[0])
    sized = B.wait_until(lambda: d.execute_script(
        "const f = document.querySelector('iframe'); return f && f.getAttribute('data-sized')"), 15)
    errs = B.console_errors(d)
    assert not errs, f"example host page: {errs}"
    assert sized and int(sized) > 50, "the embedded page never posted {type: 'await-and-see:height'} to its parent"
    B.screenshot(d, B.SHOTS / "embed" / "example-host.png")
    note(f"embed: example host sized the iframe of {ids[0]} to {sized} px")


def test_an_embedded_frame_shrinks_back_when_its_content_does(d):
    """Opening the Embed panel inside the frame grows it; closing the panel gives the height back
    (a height taken from the document's scrollHeight never shrank below the frame's own)."""
    B.open_fresh(d, B.BASE + "example-host.html?viz=queries")
    sized = lambda: int(d.execute_script(
        "const f = document.querySelector('iframe'); return f && f.getAttribute('data-sized') || 0"))
    before = B.wait_until(lambda: sized() > 50 and sized(), 15)
    assert before, "the frame never sized itself"
    d.switch_to.frame(d.find_element("css selector", "iframe"))
    try:
        title = d.execute_script("return document.title")
        d.find_element("css selector", ".btn-embed").click()
    finally:
        d.switch_to.default_content()
    grown = B.wait_until(lambda: sized() > before + 40 and sized(), 5)
    assert grown, f"the frame did not grow for the Embed panel ({before} px)"
    d.switch_to.frame(d.find_element("css selector", "iframe"))
    try:
        d.find_element("css selector", ".btn-embed").click()
    finally:
        d.switch_to.default_content()
    back = B.wait_until(lambda: abs(sized() - before) <= 2 and sized(), 5)
    assert back, f"the frame stayed at {sized()} px after the panel closed (was {before}, grew to {grown})"
    assert title == "Two queries: one after the other vs gather · Await & See", title
    note(f"embed: frame {before} px, {grown} px with the Embed panel open, {back} px after it closed")


FRAME_FIT_JS = r"""
  const de = document.documentElement, m = document.querySelector('main');
  return {sH: de.scrollHeight, cH: de.clientHeight, sW: de.scrollWidth, cW: de.clientWidth,
          iW: innerWidth, iH: innerHeight, bottom: m ? m.getBoundingClientRect().bottom : 0,
          gutter: getComputedStyle(de).scrollbarGutter || ''}"""


def test_an_auto_sized_frame_has_no_scroll_bar_of_its_own_with_classic_scroll_bars(site):
    """With scroll bars that take room (Windows; Chromium without --hide-scrollbars: 15 px), a
    frame sized to the height it posts must neither scroll nor show a bar with nothing to scroll.
    A bar coming or going changes the page's width and so the pictures' height (they keep their
    aspect ratio): without a reserved gutter the frame flip-flops between the two and keeps a
    useless bar (Chromium) or both bars (Firefox). And no control may be wider than a phone's frame."""
    ids = all_viz_ids(site)
    if not ids:
        pytest.xfail("embed: no visualisation ids to embed")
    d = B.make_driver(hide_scrollbars=False)
    bad = []
    try:
        for width in (1280, 375):
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
            for viz in ids:
                d.get("about:blank")
                d.get(B.BASE + "example-host.html?viz=" + viz)
                sized = lambda: d.execute_script(
                    "const f = document.querySelector('iframe'); return f && +f.getAttribute('data-sized') || 0")
                B.wait_until(lambda: sized() > 50, 15)
                # Settled: the same height for half a second.
                last, since = sized(), time.time()
                start = since
                while time.time() - since < 0.5 and time.time() - start < 10:
                    time.sleep(0.1)
                    if sized() != last:
                        last, since = sized(), time.time()
                d.switch_to.frame(d.find_element("css selector", "iframe"))
                try:
                    m = d.execute_script(FRAME_FIT_JS)
                finally:
                    d.switch_to.default_content()
                why = []
                if m["sW"] > m["cW"]:
                    why.append(f"{m['sW'] - m['cW']} px too wide")
                if m["sH"] > m["cH"] or m["cH"] < m["iH"] or m["bottom"] > m["iH"] + 0.5:
                    why.append(f"scrolls: content {m['sH']} px in {m['cH']} of {m['iH']}")
                if m["cW"] < m["iW"] and not m["gutter"].startswith("stable"):
                    why.append(f"a {m['iW'] - m['cW']} px scroll bar with nothing to scroll")
                if why:
                    bad.append(f"{viz} at {width} px: " + ", ".join(why))
            B.screenshot(d, B.SHOTS / "embed" / f"classic-scroll-bars-{ids[-1]}-{width}.png")
    finally:
        d.quit()
    assert not bad, "\n".join(bad)


def test_example_host_page_without_a_parameter_embeds_a_picture(d):
    """A course author opening example-host.html as it is sees a visualisation, not an error."""
    B.open_fresh(d, B.BASE + "example-host.html")
    sized = B.wait_until(lambda: d.execute_script(
        "const f = document.querySelector('iframe'); return f && f.getAttribute('data-sized')"), 15)
    assert sized and int(sized) > 50, "the example host's default iframe never sized itself"
    d.switch_to.frame(d.find_element("css selector", "iframe"))
    try:
        info = d.execute_script(
            "return {viz: document.querySelectorAll('[data-viz]').length, text: document.body.innerText}")
    finally:
        d.switch_to.default_content()
    assert info["viz"] == 1 and "not found" not in info["text"].lower(), info["text"][:300]
    assert not B.console_errors(d)


def test_embed_route_without_an_id_names_the_ids(d):
    B.open_fresh(d, "embed/")
    text = d.execute_script("return document.body.innerText")
    assert "Name the visualisation to embed" in text and "ports" in text, text[:300]
    assert "Page not found" not in text
    assert not B.console_errors(d)
    # A path below an id is not an id: the embed page says so (not the whole site in the frame).
    B.open_fresh(d, "embed/ports/extra")
    text = d.execute_script("return document.body.innerText")
    assert 'no visualisation "ports/extra"' in text and "Known:" in text, text[:300]
    assert d.execute_script("return document.querySelectorAll('nav, .site-header').length") == 0


def test_embed_button_gives_a_working_iframe_snippet(site, d):
    slug = first_chapter_with(site, EMBED)
    if slug is None:
        pytest.xfail("embed: no 'Embed' button on any chapter")
    B.open_fresh(d, slug)
    B.find_control(d, EMBED).click()
    snippet = B.wait_until(lambda: d.execute_script(r"""
      const els = [...document.querySelectorAll('textarea, input, code, pre')];
      const e = els.find(e => /<iframe[^>]+#\/embed\//.test(e.value || e.innerText || ''));
      return e ? (e.value || e.innerText) : (window.__e2e.copied.find(t => /<iframe/.test(t)) || null);"""), 3)
    assert snippet, "clicking Embed showed (or copied) no <iframe> snippet with a #/embed/ src"
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    assert src.startswith(B.BASE), f"snippet src {src!r} is not under the site's address {B.BASE}"
    B.open_fresh(d, src)
    assert not B.console_errors(d)
    assert d.execute_script("return document.querySelectorAll('svg').length") > 0


# ---------------------------------------------------------------- export

def test_download_svg_is_self_contained(site, d):
    slug = first_chapter_with(site, SVG)
    if slug is None:
        pytest.xfail("export: no 'Download SVG' control on any chapter")
    for f in B.DOWNLOADS.glob("*"):
        f.unlink()
    B.open_fresh(d, slug)
    B.find_control(d, SVG).click()
    # Chrome may show the file under its final name before the bytes are in it: wait until the
    # whole document has arrived (or time out, and let the assertions below say what is there).
    def written():
        found = list(B.DOWNLOADS.glob("*.svg"))
        return found if found and found[0].read_text(encoding="utf-8").rstrip().endswith("</svg>") else None
    files = B.wait_until(written, 10) or list(B.DOWNLOADS.glob("*.svg"))
    assert files, "no .svg file was downloaded"
    svg = files[0]
    text = svg.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg", f"root element is {root.tag}"
    assert root.get("viewBox") or (root.get("width") and root.get("height")), "no viewBox/size"
    # A file is one picture, even when the page drew it as a group of controls.
    assert root.get("role") == "img", f"the file's role is {root.get('role')!r}"
    assert "<script" not in text, "the SVG contains a script"
    for el in root.iter():
        for k, v in el.attrib.items():
            if k.endswith("href"):
                assert v.startswith("#") or v.startswith("data:"), f"external reference {k}={v!r}"
    assert "@import" not in text and "<link" not in text, "the SVG pulls in an external stylesheet"
    assert 'style="' in text or "<style" in text or "fill=" in text, "no inline styles: it would render unstyled"
    # It opens on its own in a browser.
    d.get(svg.as_uri())
    time.sleep(0.3)
    w = d.execute_script("return document.documentElement.getBoundingClientRect().width")
    assert w > 0
    B.screenshot(d, B.SHOTS / "download" / (svg.stem + ".png"))
    note(f"svg export: {svg.name} ({svg.stat().st_size} bytes) from #/{slug}")


# ---------------------------------------------------------------- theme

def body_colors(d):
    return d.execute_script(
        "const s = getComputedStyle(document.body), h = getComputedStyle(document.documentElement);"
        "return [s.backgroundColor, s.color, h.backgroundColor].join(' | ')")


def test_theme_toggle_switches_and_restores_colours(site, d):
    slug = next((r for r, p in site["pages"].items() if p.has(THEME, ("button", "input", "select"))), None)
    if slug is None:
        pytest.xfail("theme: no light/dark theme toggle on any page")
    B.open_fresh(d, slug)
    d.execute_script("localStorage.clear()")
    B.open_fresh(d, slug)
    before = body_colors(d)
    toggle = lambda: B.find_control(d, THEME, tags=("button", "input", "select")).click()
    # A toggle may cycle (system -> light -> dark -> system): click until the colours change...
    changed = None
    for _ in range(3):
        toggle()
        changed = B.wait_until(lambda: (lambda c: c if c != before else None)(body_colors(d)), 1.5)
        if changed:
            break
    assert changed, f"three clicks on the theme toggle did not change the page colours ({before})"
    B.screenshot(d, B.SHOTS / "theme-toggled.png")
    # ...then until they are back where they started.
    for _ in range(3):
        toggle()
        if B.wait_until(lambda: body_colors(d) == before, 1.5):
            break
    assert body_colors(d) == before, "the theme toggle never returned to the original colours"
    assert not B.console_errors(d)
    d.execute_script("localStorage.clear()")


def test_theme_follows_the_system_setting(d):
    css = "".join(p.read_text(errors="ignore") for p in pathlib.Path(os.environ.get("E2E_DIST", "dist")).glob("*.css"))
    if "prefers-color-scheme" not in css:
        pytest.xfail("theme: the stylesheet has no prefers-color-scheme rule (no dark theme yet)")
    colors = {}
    for scheme in ("light", "dark"):
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
        B.open_fresh(d, "")
        d.execute_script("localStorage.clear()")
        B.open_fresh(d, "")
        colors[scheme] = body_colors(d)
        B.screenshot(d, B.SHOTS / f"theme-{scheme}.png")
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    assert colors["light"] != colors["dark"], f"same colours in light and dark: {colors['light']}"


# ---------------------------------------------------------------- keyboard

def tab_to(d, predicate_js, limit=150):
    """Press Tab until `predicate_js(document.activeElement)` holds; returns the element or None."""
    d.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    body = d.find_element("css selector", "body")
    for _ in range(limit):
        ActionChains(d).send_keys(Keys.TAB).perform()
        if d.execute_script(f"const e = document.activeElement; return !!e && ({predicate_js})(e)"):
            return d.switch_to.active_element
    return None


def focus_visible(d):
    return d.execute_script(r"""const e = document.activeElement, s = getComputedStyle(e);
      return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';""")


def test_keyboard_playback(site, d):
    slug = first_chapter_with(site, PLAY, ("button",))
    if slug is None:
        pytest.xfail("playback: no Play/Pause control on any chapter")
    B.open_fresh(d, slug)
    slider = tab_to(d, "e => e.type === 'range'")
    assert slider is not None, "the scrub slider cannot be reached with Tab"
    assert focus_visible(d), "the focused scrub slider has no visible focus indicator"
    keys = lambda k: (ActionChains(d).send_keys(k).perform(), time.sleep(0.15))
    keys(Keys.END)
    at_end = readout(d)
    keys(Keys.HOME)
    at_start = readout(d)
    assert at_start != at_end, f"Home and End show the same time ({at_start})"
    keys(Keys.ARROW_RIGHT)
    stepped = readout(d)
    assert stepped != at_start, "ArrowRight did not move the time"
    keys(Keys.HOME)
    assert readout(d) == at_start, "Home did not return to the start"

    play = tab_to(d, "e => /^(play|pause)\\b/i.test(e.getAttribute('aria-label') || e.innerText)")
    assert play is not None, "the Play button cannot be reached with Tab"
    assert focus_visible(d), "the focused Play button has no visible focus indicator"
    label = lambda: play.get_attribute("aria-label") or play.text
    idle = label()
    keys(Keys.SPACE)
    assert B.wait_until(lambda: label() != idle, 2), "Space on the Play button did not start playback"
    moved = B.wait_until(lambda: readout(d) != at_start, 5)
    keys(Keys.SPACE)
    assert B.wait_until(lambda: label() == idle, 2), "Space again did not pause"
    assert moved, "playing for 5 s did not advance the time readout"
    assert not B.console_errors(d)


def test_keyboard_on_the_picture_region(site, d):
    """The focusable picture region that announces its keys (Space, arrows, Home/End) obeys them."""
    slug = first_chapter_with(site, PLAY, ("button",))
    if slug is None:
        pytest.xfail("playback: no Play/Pause control on any chapter")
    B.open_fresh(d, slug)
    region = tab_to(d, "e => /space/i.test(e.getAttribute('aria-label') || '') && /arrow/i.test(e.getAttribute('aria-label') || '')")
    if region is None:
        pytest.xfail("playback: no focusable picture region whose label announces Space/arrow keys")
    assert focus_visible(d), "the focused picture region has no visible focus indicator"
    keys = lambda k: (ActionChains(d).send_keys(k).perform(), time.sleep(0.15))
    keys(Keys.HOME)
    start = readout(d)
    keys(Keys.ARROW_RIGHT)
    assert readout(d) != start, "ArrowRight on the picture did not step forward"
    keys(Keys.ARROW_LEFT)
    assert readout(d) == start, "ArrowLeft on the picture did not step back"
    keys(Keys.END)
    assert readout(d) != start, "End on the picture did not jump to the end"
    keys(Keys.HOME)
    assert readout(d) == start, "Home on the picture did not jump to the start"
    play = d.execute_script("return document.activeElement.closest('[data-viz]')"
                            ".querySelector('button.pb-play')")
    pressed = lambda: play.get_attribute("aria-label") if play else readout(d)
    idle = pressed()
    keys(Keys.SPACE)
    assert B.wait_until(lambda: pressed() != idle, 2), "Space on the picture did not start playback"
    keys(Keys.SPACE)
    assert B.wait_until(lambda: pressed() == idle, 2) or not play, "Space again did not pause"
    assert d.execute_script("return scrollY") < 100000
    assert not B.console_errors(d)


def test_reduced_motion_steps_instead_of_animating(site, d):
    """With prefers-reduced-motion: reduce, the picture says so, stepping still works, and Play
    moves in whole events (the slider only ever sits on an event time, never between two)."""
    slug = first_chapter_with(site, PLAY, ("button",))
    if slug is None:
        pytest.xfail("playback: no Play/Pause control on any chapter")
    d.execute_cdp_cmd("Emulation.setEmulatedMedia",
                      {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    try:
        B.open_fresh(d, slug)
        assert d.execute_script("return matchMedia('(prefers-reduced-motion: reduce)').matches")
        note_text = d.execute_script(r"""const f = document.querySelector('figure[data-viz]');
          return f ? f.innerText : '';""")
        assert "Reduced motion is on" in note_text, "no reduced-motion note on the picture"
        fig = "document.querySelector('figure[data-viz]')"
        start = readout(d)
        d.execute_script(f"{fig}.querySelector('.pb-next, [aria-label*=\"next\" i]').click()")
        stepped = readout(d)
        assert stepped != start, "Step forward did not move the time under reduced motion"
        # Event times of this picture, as the step button visits them.
        d.execute_script(f"{fig}.querySelector('.pb-play').click()")
        seen = set()
        ok = B.wait_until(lambda: (seen.add(readout(d)), len(seen) >= 3)[1], 6)
        d.execute_script(f"{fig}.querySelector('.pb-play').click()")
        assert ok, f"Play under reduced motion did not advance event by event: {sorted(seen)}"
        # Every position Play reached is one that stepping reaches too (whole events only).
        d.execute_script(f"{fig}.querySelector('.pb-reset, [aria-label*=\"reset\" i]').click()")
        stops = {readout(d)}
        for _ in range(60):
            d.execute_script(f"{fig}.querySelector('.pb-next, [aria-label*=\"next\" i]').click()")
            stops.add(readout(d))
        beyond = [p for p in seen if p not in stops]
        assert not beyond, f"Play stopped between events: {beyond} (steps reach {len(stops)} positions)"
        assert not B.console_errors(d)
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_focus_is_visible_when_tabbing(site, d):
    route = site["slugs"][0] if site["slugs"] else ""
    B.open_fresh(d, route)
    d.execute_script("document.activeElement && document.activeElement.blur()")
    missing = []
    seen = 0
    for _ in range(12):
        ActionChains(d).send_keys(Keys.TAB).perform()
        desc = d.execute_script("const e = document.activeElement; return e === document.body ? null :"
                                " e.tagName.toLowerCase() + ' ' + (e.getAttribute('aria-label') || e.innerText || '').trim().slice(0, 40)")
        if desc is None:
            break
        seen += 1
        if not focus_visible(d):
            missing.append(desc)
    assert seen > 0, "nothing on the page can be focused with Tab"
    assert not missing, f"focused without a visible indicator: {missing}"


# ---------------------------------------------------------------- dragging a bar's end

def test_dragging_a_query_bar_end_changes_its_duration(site, d):
    """Chapter 4's timeline: drag the end of query A's bar in the upper run with a real pointer
    (release build); the duration box, the link and the picture follow."""
    B.open_fresh(d, "blocking-calls?queries.t=100000")
    grip = d.find_elements("css selector", ".handle[data-key='0'] .handle-grip")
    assert grip, "no drag handle on query A's bar"
    before = d.find_element("css selector", "input.dur-a").get_attribute("value")
    ActionChains(d).move_to_element(grip[0]).click_and_hold().move_by_offset(60, 0) \
        .move_by_offset(60, 0).release().perform()
    after = B.wait_until(lambda: (v := d.find_element("css selector", "input.dur-a").get_attribute("value")) != before and v, 3)
    assert after and float(after) > float(before), f"A stayed {before} after a drag to the right"
    assert f"queries.a={after}" in d.execute_script("return location.hash")
    handle = d.find_element("css selector", ".handle[data-key='0']")
    assert handle.get_attribute("aria-valuenow") == after
    B.screenshot(d, B.SHOTS / "queries-dragged.png")
    assert not B.console_errors(d)


# ---------------------------------------------------------------- crash banner

REJECT = """
  const err = arguments[0] === 'RuntimeError' ? new WebAssembly.RuntimeError('unreachable') : new Error('an extension broke');
  const promise = Promise.reject(err); promise.catch(() => {});
  dispatchEvent(new PromiseRejectionEvent('unhandledrejection', {promise, reason: err}));"""


def test_a_webassembly_trap_shows_the_crash_banner_with_reload(site, d):
    """The release build aborts on a panic with a WebAssembly trap (no panic hook runs): the page
    must still show its banner. A trap reaches the page as a WebAssembly.RuntimeError, uncaught
    (an `error` event) or in a rejected promise (async code); other errors are not ours.

    (Errors and rejections from WebDriver's injected scripts reach the page muted: "Script error."
    without the error object, and no `unhandledrejection` at all. So both events are dispatched as
    the browser dispatches them for the page's own scripts.)"""
    route = site["slugs"][0] if site["slugs"] else ""
    for how in ("rejection", "error"):
        B.open_fresh(d, route)
        if how == "rejection":
            d.execute_script(REJECT, "Error")
        else:
            d.execute_script("dispatchEvent(new ErrorEvent('error', {error: new Error('an extension broke')}))")
        time.sleep(0.3)
        assert not d.find_elements("id", "panic-banner"), f"a plain JS error ({how}) showed the banner"
        if how == "rejection":
            d.execute_script(REJECT, "RuntimeError")
        else:
            d.execute_script("dispatchEvent(new ErrorEvent('error', {error: new WebAssembly.RuntimeError('unreachable')}))")
        banner = B.wait_until(lambda: d.find_elements("id", "panic-banner"), 3)
        assert banner, f"no crash banner after a WebAssembly trap ({how})"
        b = banner[0]
        assert b.get_attribute("role") == "alert"
        assert "stopped responding" in b.text
        if how == "error":
            B.screenshot(d, B.SHOTS / "crash-banner.png")
        button = b.find_element("xpath", ".//button[normalize-space()='Reload']")
        assert d.switch_to.active_element == button, "the Reload button has the focus"
        button.click()
        assert B.wait_until(lambda: not d.find_elements("id", "panic-banner") and
                            d.execute_script("return !!document.querySelector('h1')"), 10), \
            "Reload did not bring the page back"
        B.console_errors(d)  # the errors thrown on purpose are in the log


# ---------------------------------------------------------------- performance

def test_first_contentful_paint_of_a_chapter(site):
    route = site["slugs"][0] if site["slugs"] else ""
    fresh = B.make_driver()
    try:
        times, lcps = [], []
        for _ in range(3):
            B.open_fresh(fresh, route)
            fcp = B.first_contentful_paint(fresh)
            assert fcp, "no first-contentful-paint entry"
            times.append(fcp)
            lcps.append(B.largest_contentful_paint(fresh))
        med = statistics.median(times)
        drawn = [t for t in lcps if t]
        note(f"fcp: #/{route} first contentful paint {med:.0f} ms (median of {len(times)}: "
             f"{', '.join(f'{t:.0f}' for t in times)}; headless Chromium, localhost); the chapter drawn "
             f"(largest contentful paint) at {statistics.median(drawn) if drawn else float('nan'):.0f} ms")
        assert med < 5000, f"first contentful paint {med:.0f} ms"
    finally:
        fresh.quit()


def test_the_test_server_compresses_like_a_static_host(site, d):
    # The bundle travels gzip-compressed, as from any static host, and the page works with it:
    # the slow-link paint figures (`cargo xtask fcp --slow`) measure the bytes a learner downloads.
    route = site["slugs"][0] if site["slugs"] else ""
    B.open_fresh(d, route)
    B.wait_until(lambda: d.execute_script("return document.querySelector('article.chapter') !== null"))
    sizes = d.execute_script("""
        return performance.getEntriesByType('resource')
            .filter(e => /\\.(wasm|js|css)$/.test(new URL(e.name).pathname))
            .map(e => [new URL(e.name).pathname.split('/').pop(), e.encodedBodySize, e.decodedBodySize]);""")
    wasm = [s for s in sizes if s[0].endswith("_bg.wasm")]
    assert wasm, f"no wasm among the loaded resources: {sizes}"
    for name, enc, dec in sizes:
        assert 0 < enc < dec, f"{name} was not sent compressed: {enc} of {dec} bytes"
    note("transfer: " + ", ".join(f"{n} {e / 1000:.1f} of {x / 1000:.1f} KB" for n, e, x in sizes))
    assert not B.console_errors(d)
