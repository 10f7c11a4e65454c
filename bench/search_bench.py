"""Search benchmark: our whoosh index vs SQLite FTS5 (trigram) and tantivy, on synthetic place entries.

Usage::

    .venv/bin/python bench/search_bench.py --sizes 1000,10000 [--queries 60] [--procs 1] [--no-tantivy]
        [--no-peers] [--no-judged] [--cache DIR] [--tree before=/tmp/old-checkout]

First recall@10 and MRR per kind on the judged query set, then for each corpus size the index build time,
size on disk, and CPU and wall-clock latency p50/p95 per query kind for each engine, our/peer ratios and
recall on name-fragment queries. Our numbers go through the real ``app.search.search()`` (parsing, query
words, bigram/pinyin matching, top 20, facet counts for town and category, highlighting), in an app whose
only provider serves the synthetic corpus. The code lives in ``bench/searchbench/``.
"""

import argparse
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from searchbench.judged import run_judged  # noqa: E402
from searchbench.report import run_size  # noqa: E402


def _tree(value: str) -> tuple[str, str]:
    label, _, path = value.partition("=")
    if not label or not path:
        raise argparse.ArgumentTypeError("expected LABEL=PATH")
    return label, path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--queries", type=int, default=60, help="queries per type")
    parser.add_argument("--procs", type=int, default=1, help="whoosh writer processes for the build")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-tantivy", action="store_true")
    parser.add_argument("--no-peers", action="store_true", help="only our engine (and --tree ones)")
    parser.add_argument("--no-judged", action="store_true", help="skip the judged query set")
    parser.add_argument("--cache", type=Path, help="keep (and reuse) our built index here")
    parser.add_argument(
        "--tree", dest="trees", type=_tree, action="append", default=[], help="LABEL=PATH of another checkout"
    )
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the bench database has no tables: no outbox warnings

    def out(line=""):
        print(line, flush=True)

    load = os.getloadavg()
    out(
        f"# Search benchmark ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
        f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, sqlite {sqlite3.sqlite_version})"
    )
    if not args.no_judged:
        run_judged(out)
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        run_size(n, args, out)
        load = os.getloadavg()
        out(f"\n(load average after this size: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
