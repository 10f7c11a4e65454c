"""Child process of ``--tree LABEL=PATH``: time another checkout's engine on the bench corpus, print JSON.

``PATH`` goes first on ``sys.path``, so ``app`` is that checkout's package while the corpus, the queries
and the timing come from this bench (the same for every engine of the run).
"""

import argparse
import json
import logging
import shutil
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    for name in ("--tree", "--label"):
        parser.add_argument(name, required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    sys.path[:0] = [str(Path(args.tree).resolve()), str(Path(__file__).resolve().parent.parent)]
    logging.disable(logging.WARNING)
    from searchbench.corpus import make_corpus, make_queries  # noqa: PLC0415 - after the tree is on sys.path
    from searchbench.measure import measure  # noqa: PLC0415
    from searchbench.ours import Ours  # noqa: PLC0415

    docs = make_corpus(args.n, seed=args.seed)
    queries = make_queries(docs, args.queries, seed=args.seed + args.n)
    workdir = Path(tempfile.mkdtemp(prefix="zq-bench-tree-"))
    try:
        engine = Ours(docs, workdir, 1, args.cache, label=args.label)
        lat, cpu = measure(engine, queries)
        engine.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    build = [engine.build_s, engine.build_cpu, engine.size]
    print(json.dumps({"name": engine.name, "build": build, "lat": lat, "cpu": cpu}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
