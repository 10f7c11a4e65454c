"""One corpus size: build every engine, time every query kind, print build, latency, CPU and recall tables.

Our CPU time per query is the figure the targets are set in (the machine is shared, so wall-clock
latency mostly measures waiting for a core). ``--tree LABEL=PATH`` adds another checkout's engine (e.g.
the commit before a change), measured in a child process on the same corpus and queries in the same run.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from searchbench.corpus import QUERY_TYPES, make_corpus, make_queries, target_ms
from searchbench.measure import measure, pct
from searchbench.ours import Ours
from searchbench.peers import Fts5, Tantivy

RECALL_TYPES = ("frag2", "frag_mid", "name", "pinyin", "pinyin_sp", "initials")
TREE_WORKER = Path(__file__).with_name("tree.py")


class TreeResult:
    """Another checkout's engine, measured by ``tree.py`` in a child process (its own ``app`` package)."""

    def __init__(self, label: str, path: str, n: int, args):
        command = [sys.executable, str(TREE_WORKER), "--tree", path, "--label", label, "--n", str(n)]
        command += ["--seed", str(args.seed), "--queries", str(args.queries)]
        if args.cache:
            command += ["--cache", str(args.cache)]
        data = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        self.name, self.build_s, self.build_cpu, self.size = data["name"], *data["build"]
        self.lat, self.cpu = data["lat"], data["cpu"]


def _cells(values: dict, engines, kind: str) -> str:
    return " | ".join(
        f"{pct(values[e.name][kind], 50):.1f} / {pct(values[e.name][kind], 95):.1f}" for e in engines
    )


def _ratio(values: dict, a: str, b: str | None, kind: str) -> str:
    if b is None:
        return "–"
    low = pct(values[b][kind], 95)
    return f"{pct(values[a][kind], 95) / low:.2f}" if low else "–"


def print_tables(n: int, engines, lat: dict, cpu: dict, out) -> None:
    ours = engines[0].name
    fts = next((e.name for e in engines if e.name.startswith("SQLite")), None)
    tan = next((e.name for e in engines if e.name.startswith("tantivy")), None)
    target = target_ms(n)
    out("| engine | build s (wall) | build s (CPU of this process) | size MB |")
    out("|---|---:|---:|---:|")
    for e in engines:
        out(f"| {e.name} | {e.build_s:.1f} | {e.build_cpu:.1f} | {e.size / 1e6:.1f} |")
    out(f"\nCPU time of the querying thread in ms (p50 / p95); target p95 {target:.0f} ms for every kind;")
    out("ratio = ours / peer at CPU p95 (below 1 = we are faster).\n")
    out("| query type | " + " | ".join(e.name for e in engines) + " | ours/FTS5 | ours/tantivy |")
    out("|---" * (len(engines) + 3) + "|")
    for kind in QUERY_TYPES:
        flag = "" if pct(cpu[ours][kind], 95) <= target else f" (over {target:.0f} ms)"
        row = f"| {kind}{flag} | {_cells(cpu, engines, kind)} | {_ratio(cpu, ours, fts, kind)} |"
        out(row + f" {_ratio(cpu, ours, tan, kind)} |")
    out("\nWall-clock latency in ms (p50 / p95), same queries (includes waiting for a core).\n")
    out("| query type | " + " | ".join(e.name for e in engines) + " |")
    out("|---" * (len(engines) + 1) + "|")
    for kind in QUERY_TYPES:
        out(f"| {kind} | {_cells(lat, engines, kind)} |")


def print_recall(queries, ours, fts, tantivy, out) -> None:
    out("\nRecall: share of queries whose source document is among the matches.\n")
    out("| query type | ours | FTS5 MATCH only | FTS5 with LIKE fallback | tantivy |")
    out("|---|---:|---:|---:|---:|")
    for kind in RECALL_TYPES:
        qs = queries[kind]
        row = [
            sum(ours.found(q, u) for q, u in qs) / len(qs),
            sum(fts.found(q, u, like=False) for q, u in qs) / len(qs),
            sum(fts.found(q, u) for q, u in qs) / len(qs),
            (sum(tantivy.found(q, u) for q, u in qs) / len(qs)) if tantivy else float("nan"),
        ]
        out(f"| {kind} | " + " | ".join(f"{x:.0%}" for x in row) + " |")


def run_size(n: int, args, out) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"zq-bench-{n}-"))
    try:
        t0 = time.perf_counter()
        docs = make_corpus(n, seed=args.seed)
        queries = make_queries(docs, args.queries, seed=args.seed + n)
        out(f"\n## {n:,} documents (corpus generated in {time.perf_counter() - t0:.1f} s)\n")
        ours = Ours(docs, workdir, args.procs, args.cache)
        fts = None if args.no_peers else Fts5(docs, workdir)
        tantivy = None if args.no_peers or args.no_tantivy else Tantivy(docs, workdir)
        engines = [e for e in (ours, fts, tantivy) if e is not None]
        lat, cpu = {}, {}
        for e in engines:
            lat[e.name], cpu[e.name] = measure(e, queries)
        for label, path in args.trees:
            tree = TreeResult(label, path, n, args)
            engines.insert(1, tree)
            lat[tree.name], cpu[tree.name] = tree.lat, tree.cpu
        print_tables(n, engines, lat, cpu, out)
        if fts is not None:
            print_recall(queries, ours, fts, tantivy, out)
        for e in (ours, fts, tantivy):
            if e is not None:
                e.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
