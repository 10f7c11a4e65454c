"""Page-level benchmark: ``/places/?q=`` throughput with 10,000 entries vs a bare Flask route, same run.

Usage::

    .venv/bin/python bench/page_bench.py [--entries 10000] [--duration 10] [--connections 8] [--port 5650]

Builds a throwaway instance (SQLite + search index) in a temp dir with ``entries`` place names from the
demo generator (published ones indexed through the real provider), then serves the real app with
gunicorn gthread 2 workers × 4 threads on loopback, plus one extra bare route (``/__bench/bare`` returning
"ok") in the same app. wrk (``-H 'Accept-Encoding: gzip'``) measures, in this order: the bare route, the
search page with a rotating set of queries (Chinese fragments, pinyin, initials, topic words, a 镇街
filter), the bare route again, and the same search as an htmx fragment. It prints req/s, latency and the
ratio page/bare; quote the ratio, not absolute req/s (this is a shared 2-core machine).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "抗日",
    "烈士陵园",
    "渡口",
    "德范",
    "明水",
    "bucun",
    "lsly",
    "抗日 烈士",
    "黄河 渡口",
    "故居",
    "",
    "支前",
]
WSGI = """
from app import create_app

app = create_app()


@app.get("/__bench/bare")
def bench_bare():
    return "ok"
"""


def instance_env(workdir: Path) -> dict:
    return {
        "INSTANCE_PATH": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "SEARCH_INDEX_DIR": str(workdir / "search-index"),
        "UPLOAD_DIR": str(workdir / "uploads"),
        "SECRET_KEY": "bench-only-secret",
    }


def build_instance(workdir: Path, entries: int) -> dict:
    """Migrate a fresh database, insert ``entries`` places and build the search index; return the env."""
    env = instance_env(workdir)
    os.environ.update(env)
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.places import demo
    from app.places.reference import ReferenceMatcher
    from app.search import rebuild

    app = create_app()
    with app.app_context():
        upgrade()
        refs = ReferenceMatcher()
        started = time.perf_counter()
        batch = []
        for entry in demo.generate(entries, seed=7):
            batch.append(demo.build_place(entry, refs))
            if len(batch) >= 1000:
                db.session.add_all(batch)
                db.session.commit()
                batch = []
        db.session.add_all(batch)
        db.session.commit()
        print(f"inserted {entries} entries in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        rebuild(app)
        print(f"built the search index in {time.perf_counter() - started:.1f}s")
        db.engine.dispose()
    return env


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not come up at {url}")


def write_lua(path: Path, paths: list[str], headers: dict[str, str]) -> None:
    """A wrk script that cycles through ``paths`` (percent-encoded) with extra headers."""
    items = ", ".join(f'"{p}"' for p in paths)
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    path.write_text(
        f"""
local paths = {{{items}}}
local i = 0
{header_lines}
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
""",
        encoding="utf-8",
    )


def run_wrk(url: str, duration: int, connections: int, script: Path | None = None) -> dict:
    """Run wrk and return req/s, average and p99 latency (ms) and the non-2xx count."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H", "Accept-Encoding: gzip"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    avg = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "rps": rps,
        "avg_ms": float(avg.group(1)) * scale[avg.group(2)] if avg else None,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else None,
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (bounded)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=5650)
    parser.add_argument("--keep", action="store_true", help="keep the instance directory afterwards")
    parser.add_argument("--instance", help="reuse (or create) this instance directory instead of a temp one")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    duration = max(1, min(args.duration, 60))

    workdir = Path(args.instance) if args.instance else Path(tempfile.mkdtemp(prefix="zq-page-bench-"))
    keep = args.keep or bool(args.instance)
    server = None
    try:
        if (workdir / "bench.db").exists():
            env = instance_env(workdir)
            os.environ.update(env)
            print(f"reusing {workdir}")
        else:
            workdir.mkdir(parents=True, exist_ok=True)
            env = build_instance(workdir, args.entries)
        (workdir / "bench_wsgi.py").write_text(WSGI, encoding="utf-8")
        base = f"http://127.0.0.1:{args.port}"
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers=2",
                "--worker-class=gthread",
                "--threads=4",
                f"--bind=127.0.0.1:{args.port}",
                "--log-level=warning",
                "bench_wsgi:app",
            ],
            cwd=workdir,
            env={**os.environ, **env, "PYTHONPATH": f"{workdir}:{ROOT}"},
        )
        wait_until_up(base + "/__bench/bare")
        search_paths = ["/places/?q=" + quote(q) for q in QUERIES] + ["/places/?town=" + quote("明水街道")]
        for path in search_paths:  # warm every worker's searcher and templates
            for _ in range(4):
                with urllib.request.urlopen(base + path, timeout=300) as response:  # noqa: S310
                    assert response.status == 200, path
        page_lua = workdir / "page.lua"
        write_lua(page_lua, search_paths, {})
        fragment_lua = workdir / "fragment.lua"
        write_lua(fragment_lua, search_paths, {"HX-Request": "true"})

        results = {}
        results["bare"] = run_wrk(base + "/__bench/bare", duration, args.connections)
        results["page"] = run_wrk(base + "/places/", duration, args.connections, page_lua)
        results["bare2"] = run_wrk(base + "/__bench/bare", duration, args.connections)
        results["fragment"] = run_wrk(base + "/places/", duration, args.connections, fragment_lua)
        bare = (results["bare"]["rps"] + results["bare2"]["rps"]) / 2

        print(
            f"\n{args.entries} entries, gunicorn gthread 2x4, wrk -t2 -c{args.connections} -d{duration}s, gzip"
        )
        print(f"{'route':<34}{'req/s':>9}{'avg ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'vs bare':>9}")
        labels = {
            "bare": "bare Flask route (before)",
            "page": "/places/?q= full page",
            "bare2": "bare Flask route (after)",
            "fragment": "/places/?q= htmx fragment",
        }
        for key, label in labels.items():
            r = results[key]
            print(
                f"{label:<34}{r['rps']:>9.0f}{r['avg_ms'] or 0:>9.1f}{r['p99_ms'] or 0:>9.1f}"
                f"{r['errors']:>9}{r['rps'] / bare:>9.1%}"
            )
        print(f"\nratio /places/?q= page / bare route: {results['page']['rps'] / bare:.1%}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}")


if __name__ == "__main__":
    main()
