"""A course author's page embeds one picture (README, "Embedding a visualisation"): frames
sandboxed as LMSs and slide tools do, a host whose listener starts late, another frame on the
page posting the same message. The host page is a blank page of the site's origin (the
server's "not found" page, under the production CSP) filled by the test, and its listener is
`static/example-host.js` itself. (A host on another origin cannot reach 127.0.0.1 in Chromium:
local network access is refused to public pages.)"""
import html
import pathlib

import browser as B
from conftest import note

HOST_JS = (pathlib.Path(__file__).resolve().parents[2] / "static" / "example-host.js").read_text()


def open_host(d, body, script=True):
    """A host page holding `body`, then the example host script unless `script` is False."""
    d.get("about:blank")
    d.get(B.BASE + "a-host-page")  # 404: a blank page, without example-host.html's own listener
    d.execute_script("document.body.innerHTML = arguments[0]", body)
    d.get_log("browser")  # the 404 itself
    if script:
        d.execute_script(HOST_JS)


def frame(viz, attrs=""):
    src = html.escape(B.BASE + "#/embed/" + viz, quote=True)
    return f'<iframe id="f" src="{src}" width="100%" height="300" style="border:0" {attrs}></iframe>'


def sized(d, sel="#f"):
    return int(d.execute_script(
        "const f = document.querySelector(arguments[0]); return f && f.getAttribute('data-sized') || 0", sel))


def in_frame(d, js, sel="#f"):
    d.switch_to.frame(d.find_element("css selector", sel))
    try:
        return d.execute_script(js)
    finally:
        d.switch_to.default_content()


def test_a_frame_sandboxed_without_an_origin_starts_styled_and_sized(d):
    """sandbox="allow-scripts" alone: the page has no origin, so every file of the site is
    cross-origin to it. It used to stay on "Loading the course..." for good."""
    open_host(d, frame("readiness", 'sandbox="allow-scripts"'))
    px = B.wait_until(lambda: sized(d) > 100 and sized(d), 30)
    state = in_frame(d, """return {origin: self.origin, svg: !!document.querySelector('svg.viz'),
        styled: getComputedStyle(document.querySelector('h1.sr-only')).position,
        boot: !!document.getElementById('boot')}""")
    B.screenshot(d, B.SHOTS / "embed" / "sandboxed-no-origin.png")
    assert state["origin"] == "null", state
    assert state["svg"] and not state["boot"], f"the picture did not start: {state}"
    assert state["styled"] == "absolute", f"the stylesheet was refused: {state}"
    assert px, "the host never sized the frame (its height message comes from origin \"null\")"
    errs = B.console_errors(d)
    assert not errs, errs
    note(f"embed: a frame sandboxed without allow-same-origin started and was sized to {px} px")


def test_a_download_the_sandbox_blocks_offers_the_picture_on_its_own(d):
    """Without allow-downloads nothing is saved, and the page cannot tell: it no longer says
    "Saved", it says where the download does work."""
    open_host(d, frame("readiness", 'sandbox="allow-scripts allow-same-origin"'))
    assert B.wait_until(lambda: sized(d) > 100, 30), "the frame never sized itself"
    d.switch_to.frame(d.find_element("css selector", "#f"))
    try:
        d.find_element("css selector", ".btn-download").click()
        status = B.wait_until(lambda: d.find_element("css selector", ".share-status").text, 5)
        link = d.find_element("css selector", ".share-status a").get_attribute("href")
    finally:
        d.switch_to.default_content()
    assert status.startswith("Download started: readiness"), status
    assert "open the picture on its own" in status, status
    assert "Saved" not in status, status
    assert link.startswith(B.BASE) and "#/embed/readiness" in link, link


def test_a_late_listener_asks_for_the_height_and_other_frames_cannot_use_it(d):
    """The host's script runs after the frame has loaded (a tag manager, a lazy widget): it asks
    the frame again. A frame that is not Await & See posting the same message is not resized."""
    open_host(d, frame("readiness") + '<iframe id="other" srcdoc="<p>another widget</p>"></iframe>',
              script=False)
    started = B.wait_until(lambda: in_frame(d, "return !!document.querySelector('svg.viz')"), 30)
    assert started, "the frame did not start"
    assert sized(d) == 0
    d.execute_script(HOST_JS)
    px = B.wait_until(lambda: sized(d) > 100 and sized(d), 10)
    assert px, "the late listener's request was not answered"
    d.switch_to.frame(d.find_element("css selector", "#other"))
    try:
        d.execute_script("parent.postMessage({type: 'await-and-see:height', height: 9999}, '*')")
    finally:
        d.switch_to.default_content()
    B.wait_until(lambda: d.execute_script("return document.getElementById('other').style.height"), 1)
    foreign = d.execute_script("return document.getElementById('other').style.height")
    assert foreign == "", f"another frame resized itself to {foreign}"
