#!/usr/bin/env python3
"""First contentful paint of a chapter in headless Chromium: `cargo xtask fcp [--route SLUG]`.
usage: fcp.py BASE_URL [--route SLUG] [--runs N] [--slow]"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser as B  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--route", default=None, help="chapter slug (default: the first chapter linked from the landing page)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--slow", action="store_true",
                    help="emulate a slow link (200 KB/s down, 150 ms latency; the cache is cleared before each load)")
    a = ap.parse_args()
    B.BASE = a.base
    d = B.make_driver()
    try:
        route = a.route
        if route is None:
            B.open_fresh(d, "")
            hrefs = d.execute_script("return [...document.querySelectorAll('a[href*=\"#/\"]')].map(a => a.getAttribute('href'))")
            slugs = [s for s in (B.slug_of(h) for h in hrefs) if s and not s.startswith("embed")]
            route = slugs[0] if slugs else ""
        times, lcps = [], []
        where = "localhost"
        if a.slow:
            where = "localhost through an emulated 1.6 Mbit/s link with 150 ms latency"
            d.execute_cdp_cmd("Network.enable", {})
            d.execute_cdp_cmd("Network.emulateNetworkConditions", {
                "offline": False, "latency": 150, "downloadThroughput": 200 * 1024, "uploadThroughput": 90 * 1024})
        for _ in range(a.runs):
            if a.slow:
                d.execute_cdp_cmd("Network.clearBrowserCache", {})
            B.open_fresh(d, route)
            t = B.first_contentful_paint(d)
            if t:
                times.append(t)
            lcp = B.largest_contentful_paint(d)
            if lcp:
                lcps.append(lcp)
        if not times:
            print("fcp: no first-contentful-paint entry")
            return 1
        print(f"fcp: #/{route} first contentful paint median {statistics.median(times):.0f} ms over {len(times)} loads "
              f"(min {min(times):.0f}, max {max(times):.0f}; headless Chromium, release build on {where})")
        if lcps:
            print(f"fcp: #/{route} largest contentful paint (the chapter drawn) median {statistics.median(lcps):.0f} ms "
                  f"(min {min(lcps):.0f}, max {max(lcps):.0f})")
        return 0
    finally:
        d.quit()
        B.cleanup_profiles()


if __name__ == "__main__":
    sys.exit(main())
