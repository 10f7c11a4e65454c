"""In-process cost of the public pages without the page cache (issue 12): CPU ms per request, one run.

Usage::

    .venv/bin/python bench/inprocess.py --instance DIR [--entries 10000] [--requests 300] [--repeats 5]
        [--only home,place] [--profile place]

Uses (or builds) the same instance as ``bench/page_bench.py`` (``--instance``), then times each page of
``page_bench.sample_paths`` through the Flask test client with ``CACHE_URL=null`` (every request
rendered, per-generation memos warm: what ``after-cold`` measures from outside), next to:

- ``bare``: a bare Flask app returning a small constant page (page_bench's baseline);
- ``floor``: a route of this app returning the same constant page, counted as a public page (every
  per-request hook: request id and access line, metrics, guards, session, security and cache headers,
  ETag, compression);
- ``layout``: that route rendering ``base.html`` with no content;
- ``warm: …``: the detail pages with the page cache on (``CACHE_URL=simple``), answered by the front
  (``app/web/front.py``) before Flask: key, generation read, lookup, access line and metrics; and the
  row of distinct searches with the cache on (each one a miss: lookup, render, store).

page_bench's ``/places/?q= N names`` row asks for a different place name on every request, in turn:
the per-snapshot caches of repeated searches (``IndexView.result``) do not help it.

Figures are process CPU time (not wall time), the minimum over ``--repeats`` rounds of ``--requests``
requests, rounds of all pages interleaved, so a busy machine inflates them less; quote the ratios.
From outside (gunicorn, wrk) a page's ratio to bare Flask is about (bare + g) / (page + g), with g the
server's own cost per request (~0.07 ms here).
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import sys
import time
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WARM = ("home /", "policy article", "place page")  # page_bench's detail pages, also measured from the cache
ROTATING = "/places/?q= "  # page_bench's row of distinct searches (also measured with the cache on)
CONSTANT = "<!doctype html><html lang=zh-CN><title>bare</title><p>ok</p></html>"


def apps():
    """(bare app, this app with the floor and layout routes added, this app with the page cache on)."""
    from flask import Flask

    from app import create_app
    from app.web import caching
    from app.web.render import render

    bare = Flask("bare")
    bare.get("/")(lambda: CONSTANT)
    caching.PUBLIC_PAGES = caching.PUBLIC_PAGES | {"bench_floor", "bench_layout"}
    # Explicitly, not through the environment: ``app.config`` reads it when first imported, which is
    # before ``CACHE_URL=null`` is set when this run has just built the instance.
    site = create_app({"CACHE_URL": "null"})
    site.get("/__bench/floor", endpoint="bench_floor")(lambda: CONSTANT)
    site.get("/__bench/layout", endpoint="bench_layout")(lambda: render("base.html"))
    cached = create_app({"CACHE_URL": "simple"})
    for handler in logging.getLogger().handlers:  # the access lines go nowhere, as they are still made
        if hasattr(handler, "setStream"):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 (for the life of the process)
    return bare, site, cached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", required=True, help="page_bench instance directory (built if missing)")
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300, help="requests per round and page")
    parser.add_argument("--repeats", type=int, default=5, help="rounds; the minimum is reported")
    parser.add_argument("--only", help="comma-separated labels (bare, floor, layout and page_bench's pages)")
    parser.add_argument("--profile", help="print a cProfile of this label afterwards")
    args = parser.parse_args()

    import page_bench

    _workdir, env = page_bench.prepare(argparse.Namespace(instance=args.instance, entries=args.entries))
    os.environ.update({**env, "CACHE_URL": "null"})
    bare, site, cached = apps()
    pages = {
        "bare": (bare, "/", {}),
        "floor": (site, "/__bench/floor", {}),
        "layout": (site, "/__bench/layout", {}),
    }
    for label, (path, headers, *rotation) in page_bench.sample_paths(env).items():
        pages[label] = (site, rotation[0] if rotation else path, headers)
    for label in [*WARM, *(label for label in pages if label.startswith(ROTATING))]:
        pages[f"warm: {label}"] = (cached, *pages[label][1:])
    if args.only:
        wanted = set(args.only.split(",")) | {"bare"}
        pages = {label: page for label, page in pages.items() if label in wanted}
    clients = {  # a page's paths in turn: one, or the rotating row's distinct searches
        label: (
            app.test_client(),
            cycle(path if isinstance(path, list) else [path]),
            {"Accept-Encoding": "gzip", **headers},
        )
        for label, (app, path, headers) in pages.items()
    }
    sizes = {}
    for label, (client, paths, headers) in clients.items():
        for _ in range(20):
            response = client.get(next(paths), headers=headers)
            assert response.status_code == 200, (label, response.status_code)
        sizes[label] = len(response.data)
    best = dict.fromkeys(clients, float("inf"))
    for _ in range(args.repeats):
        for label, (client, paths, headers) in clients.items():
            started = time.process_time()
            for _ in range(args.requests):
                client.get(next(paths), headers=headers)
            best[label] = min(best[label], (time.process_time() - started) / args.requests * 1000)
    print(
        f"CPU ms per request, min of {args.repeats} x {args.requests}, page cache off (CACHE_URL=null)"
        " except the warm: rows"
    )
    print(f"{'page':28s} {'ms':>7s} {'x bare':>7s} {'bytes sent':>10s}")
    for label, ms in best.items():
        print(f"{label:28s} {ms:7.3f} {ms / best['bare']:7.1f} {sizes[label]:10d}")
    if args.profile:
        client, paths, headers = clients[args.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(next(paths), headers=headers)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
