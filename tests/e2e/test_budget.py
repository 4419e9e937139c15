"""The release build's wasm + js + css must stay within 200 KB gzip for the whole site."""
import gzip
import os
import pathlib

from conftest import note

BUDGET = 200_000


def test_release_bundle_within_gzip_budget():
    dist = pathlib.Path(os.environ.get("E2E_DIST", "dist"))
    files = [p for p in dist.iterdir() if p.suffix in (".wasm", ".js", ".css") and not p.name.startswith("example-host")]
    assert any(p.suffix == ".wasm" for p in files), f"no .wasm in {dist}"
    sizes = {p.name: (p.stat().st_size, len(gzip.compress(p.read_bytes(), 9))) for p in files}
    total = sum(g for _, g in sizes.values())
    note(f"size: wasm+js+css {total / 1000:.1f} KB gzip of {BUDGET / 1000:.0f} KB budget "
         f"({', '.join(f'{n} {g / 1000:.1f}' for n, (_, g) in sorted(sizes.items()))})")
    assert total <= BUDGET, f"{total} bytes gzip > {BUDGET}"


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
