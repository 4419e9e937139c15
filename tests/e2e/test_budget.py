"""The release build's files, checked as served (no inline script, SRI kept), and its size reported.

The 200 KB gzip budget for wasm + js + css is a size target: like speed targets it is measured and
printed (here and by `cargo xtask size`), never asserted in a test.
"""
import gzip
import os
import pathlib

from conftest import note

BUDGET = 200_000


def test_release_bundle_size_is_measured_and_reported():
    dist = pathlib.Path(os.environ.get("E2E_DIST", "dist"))
    # The whole bundle, wasm-bindgen's snippets/ included; not the embed example's host script.
    files = [p for p in dist.rglob("*") if p.is_file() and p.suffix in (".wasm", ".js", ".css")
             and not p.name.startswith("example-host")]
    assert any(p.suffix == ".wasm" for p in files), f"no .wasm in {dist}"
    sizes = {p.name: (p.stat().st_size, len(gzip.compress(p.read_bytes(), 9))) for p in files}
    total = sum(g for _, g in sizes.values())
    verdict = "within budget" if total <= BUDGET else "OVER BUDGET"
    note(f"size: wasm+js+css {total / 1000:.1f} KB gzip of {BUDGET / 1000:.0f} KB budget, {verdict} "
         f"({', '.join(f'{n} {g / 1000:.1f}' for n, (_, g) in sorted(sizes.items()))})")
    assert all(g > 0 for _, g in sizes.values()), f"an empty file in the bundle: {sizes}"


def test_index_has_no_inline_script_and_keeps_sri():
    """CSP without 'unsafe-inline': the loader is external, and trunk's integrity attributes stay."""
    import re
    html = (pathlib.Path(os.environ.get("E2E_DIST", "dist")) / "index.html").read_text()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I)
    inline = [body for attrs, body in scripts if "src=" not in attrs and body.strip()]
    assert not inline, f"inline script(s) left in index.html: {inline}"
    assert re.search(r'<script[^>]+src="[^"]*init-[0-9a-f]+\.js"[^>]*integrity="sha384-', html), \
        "no external init script with an integrity attribute"
    assert re.search(r'rel="?modulepreload"?[^>]*integrity="?sha384-', html) or \
        re.search(r'integrity="?sha384-[^>]*rel="?modulepreload', html), "trunk's SRI on the JS preload is gone"
