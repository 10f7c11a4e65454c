"""Page benchmark (issue 12): public pages against a bare Flask app under the same gunicorn settings, one run.

Usage::

    .venv/bin/python bench/page_bench.py [--entries 10000] [--duration 5] [--connections 32]
        [--tree before=/tmp/old-checkout] [--instance DIR] [--port 5650] [--lighthouse]

Builds a throwaway instance (SQLite + search index): migrations, ``flask demo load`` (staff, policies,
hotline, the demo places), then generated place entries up to ``--entries`` (0 = the demo data only).
It then serves, each with this checkout's ``gunicorn.conf.py`` (gthread 2 × 4; worker recycling off so a
warm page cache stays warm, the same for every server):

- ``bare``: a Flask app with one route returning a small HTML page (the baseline);
- ``after-warm``: this checkout, page cache on (the default ``CACHE_URL=simple``);
- ``after-cold``: this checkout with ``CACHE_URL=null`` (every request rendered);
- two servers per ``--tree LABEL=PATH`` (``LABEL-cold``, ``LABEL-warm``; e.g. a ``git worktree`` of the
  commit before a change), on a copy of the database without the tables and indexes the newer migrations
  added (when that tree lacks them).

For each page, wrk (``-H 'Accept-Encoding: gzip'``) measures the bare app before and after every server
(bare, server 1, bare, server 2, ..., bare), and each ratio is to the faster of the two bare runs around it,
so it compares runs seconds apart on this noisy shared machine; quote the ratios, not the req/s. Until the
fourth round of issue 12 it was their mean: a single bare run that dipped (~1.8k req/s against 6–7.5k)
then inflated that page's ratios. A ratio whose two bare runs differ by more than 25% is marked ``~``.
It also prints the bytes a phone transfers for the first load of ``/`` (with and without JS) and a
repeat visit.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_WSGI = """
from flask import Flask

app = Flask(__name__)


@app.get("/")
def bare():
    return "<!doctype html><html lang=zh-CN><title>bare</title><p>ok</p></html>"
"""
ROTATED_QUERIES = 2000  # distinct place-name searches in the rotating row
APP_WSGI = "from app import create_app\n\napp = create_app()\n"
# 0009 (issue 12) objects dropped from the database copy of a tree older than that migration.
NEWER_MIGRATION = "0009_page_cache.py"
NEWER_SCHEMA = [
    "DROP TABLE IF EXISTS content_generation",
    "DROP INDEX IF EXISTS ix_place_names_status_latitude",
    "DROP INDEX IF EXISTS ix_place_names_status_pinyin",
]


def instance_env(workdir: Path) -> dict:
    return {
        "INSTANCE_PATH": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "SEARCH_INDEX_DIR": str(workdir / "search-index"),
        "UPLOAD_DIR": str(workdir / "uploads"),
        "SECRET_KEY": "bench-only-secret",
    }


def build_instance(workdir: Path, entries: int) -> dict:
    """Migrate, load the demo data, add generated places up to ``entries``, build the search index."""
    env = instance_env(workdir)
    os.environ.update(env)
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.places import demo
    from app.places.models import PlaceName
    from app.places.reference import ReferenceMatcher
    from app.search import rebuild

    app = create_app()
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        refs = ReferenceMatcher()
        existing = set(db.session.scalars(select(PlaceName.code)))
        started, batch = time.perf_counter(), []
        for entry in demo.generate(entries, seed=7) if entries else ():
            if entry["code"] not in existing:
                batch.append(demo.build_place(entry, refs))
            if len(batch) >= 1000:
                db.session.add_all(batch)
                db.session.commit()
                batch = []
        db.session.add_all(batch)
        db.session.commit()
        print(f"demo data + {entries} entries in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        rebuild(app)
        print(f"built the search index in {time.perf_counter() - started:.1f}s")
        db.engine.dispose()
    return env


def sample_paths(env: dict) -> dict[str, tuple[str, dict]]:
    """The pages measured: label -> (path, extra headers)."""
    db = sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"))
    slug = db.execute(
        "SELECT slug FROM articles WHERE kind = 'policy' AND published ORDER BY id LIMIT 1"
    ).fetchone()[0]
    code = db.execute(
        "SELECT code FROM place_names WHERE status = 'published' AND latitude IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()[0]
    names = [
        row[0] for row in db.execute("SELECT name FROM place_names WHERE status = 'published' ORDER BY id")
    ]
    db.close()
    q = "/places/?q=" + quote("烈士")
    distinct = [f"/places/?q={quote(name)}" for name in names[:: max(1, len(names) // ROTATED_QUERIES)]]
    return {
        "home /": ("/", {}),
        "policy article": (f"/policies/{quote(slug)}", {}),
        "place page": (f"/places/{code}", {}),
        "/policies/": ("/policies/", {}),
        "/places/?q=烈士": (q, {}),
        "/places/?q=烈士 htmx": (q, {"HX-Request": "true"}),
        "/search?q=彩礼": ("/search?q=" + quote("彩礼"), {}),
        "/hotline/": ("/hotline/", {}),
        # Every request a different place name (the caches of repeated queries do not help).
        f"/places/?q= {len(distinct)} names": (distinct[0], {}, distinct),
    }


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not come up at {url}")


def start_server(name: str, tree: Path, workdir: Path, port: int, env: dict, wsgi: str) -> subprocess.Popen:
    """gunicorn with this checkout's gunicorn.conf.py, serving ``wsgi`` from ``tree``."""
    home = workdir / name
    home.mkdir(exist_ok=True)
    (home / "bench_wsgi.py").write_text(wsgi, encoding="utf-8")
    server_env = {
        **os.environ,
        **env,
        "PYTHONPATH": f"{home}:{tree}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_MAX_REQUESTS": "0",  # no recycling: a warm per-process page cache stays warm
        "GUNICORN_CONTROL_SOCKET": "off",
    }
    log = open(home / "server.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "bench_wsgi:app",
        ],
        cwd=home,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def write_lua(path: Path, headers: dict[str, str], rotation: list[str] | None = None) -> Path:
    """A wrk script adding ``headers``; with ``rotation``, each request asks for the next of those paths
    (each wrk thread starts at another place in the list, so no two ask for the same one together)."""
    lines = [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    if rotation:
        paths = ", ".join(f'"{p}"' for p in rotation)
        lines += [
            f"local paths = {{{paths}}}",
            "local threads = 0",
            "function setup(thread) threads = threads + 1; thread:set('offset', threads * 997) end",
            "local i = 0",
            "function request() i = i + 1; return wrk.format(nil, paths[(offset + i) % #paths + 1]) end",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_wrk(url: str, duration: int, connections: int, script: Path | None = None) -> dict:
    """Run wrk and return req/s, p99 latency (ms) and the non-2xx/3xx count."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H", "Accept-Encoding: gzip"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p99": float(p99.group(1)) * scale[p99.group(2)] if p99 else 0.0,
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def fetch(url: str, headers: dict) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback only)
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


def transfer(base: str) -> dict:
    """Bytes (headers + bodies, as a browser accepting br/gzip) of the first and a repeat load of ``/``."""
    accept = {"Accept-Encoding": "br, gzip"}
    _, headers, body = fetch(base + "/", accept)
    html_bytes = len(body) + sum(len(k) + len(v) + 4 for k, v in headers.items())
    html = body.decode("utf-8", "replace") if "Content-Encoding" not in headers else ""
    if not html:
        _, _, plain = fetch(base + "/", {})
        html = plain.decode("utf-8")
    urls = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html)))
    first_js = first_nojs = html_bytes
    repeat = html_bytes
    for url in urls:
        _, asset_headers, asset = fetch(base + url, accept)
        size = len(asset) + sum(len(k) + len(v) + 4 for k, v in asset_headers.items())
        first_js += size
        if not url.endswith(".js"):
            first_nojs += size
        if "immutable" not in asset_headers.get("Cache-Control", ""):
            repeat += 200  # a conditional request answered 304 (headers only, roughly)
    return {"first_js": first_js, "first_nojs": first_nojs, "repeat": repeat, "requests": 1 + len(urls)}


def measure(servers: dict[str, int], paths: dict, args, workdir: Path) -> dict:
    """For each page: the bare app before and after every server (interleaved); ratios to their mean."""
    results: dict = {}
    bare_url = f"http://127.0.0.1:{servers['bare']}/"
    for label, (path, headers, *rotation) in paths.items():
        rotation = rotation[0] if rotation else None
        script = write_lua(workdir / "headers.lua", headers, rotation) if headers or rotation else None
        bare = [run_wrk(bare_url, args.duration, args.connections)]
        results[label] = {"bare": bare}
        for name, port in servers.items():
            if name == "bare":
                continue
            url = f"http://127.0.0.1:{port}{path}"
            for _ in range(3):  # warm templates, searchers and (for the warm server) the page cache
                fetch(url, {**headers, "Accept-Encoding": "gzip"})
            run = run_wrk(url, args.duration, args.connections, script)
            bare.append(run_wrk(bare_url, args.duration, args.connections))
            before, after = bare[-2]["rps"], bare[-1]["rps"]
            run["bare_rps"] = max(before, after)  # the bare runs just before and after: the faster one
            run["bare_unsteady"] = min(before, after) < 0.75 * max(before, after)
            results[label][name] = run
        print(f"  measured {label}", flush=True)
    return results


def report(results: dict, names: list[str], bytes_by_server: dict, entries: int, args) -> None:
    print(
        f"\n{entries or 'demo'} entries, gunicorn gthread 2x4 (gunicorn.conf.py), "
        f"wrk -t2 -c{args.connections} -d{args.duration}s -H 'Accept-Encoding: gzip'"
    )
    print(
        "ratio to the bare Flask app, the faster of its runs just before and after (p99 ms in brackets;"
        " ~ where those two runs differ by more than 25%)"
    )
    print(f"{'page':<24}{'bare req/s':>15}" + "".join(f"{n:>22}" for n in names))
    for label, row in results.items():
        cells = "".join(
            f"{'~' if row[n]['bare_unsteady'] else ' '}{row[n]['rps'] / row[n]['bare_rps']:>11.1%}"
            f" ({row[n]['p99']:>6.0f}){'!' if row[n]['errors'] else ' '}"
            for n in names
        )
        rps = [run["rps"] for run in row["bare"]]
        print(f"{label:<24}{min(rps):>7.0f}-{max(rps):<7.0f}{cells}")
    print("\nbytes transferred for / (headers + bodies, br/gzip accepted)")
    for name, sizes in bytes_by_server.items():
        print(
            f"  {name:<12} first load {sizes['first_js'] / 1024:.1f} KB with JS "
            f"({sizes['requests']} requests), {sizes['first_nojs'] / 1024:.1f} KB without JS; "
            f"repeat visit {sizes['repeat'] / 1024:.1f} KB"
        )


def prepare(args) -> tuple[Path, dict]:
    workdir = Path(args.instance) if args.instance else Path(tempfile.mkdtemp(prefix="zq-page-bench-"))
    if (workdir / "bench.db").exists():
        env = instance_env(workdir)
        os.environ.update(env)
        print(f"reusing {workdir}")
        return workdir, env
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir, build_instance(workdir, args.entries)


def older_copy(workdir: Path, env: dict, label: str, tree: Path) -> dict:
    """A copy of the instance for another tree, without the schema objects it does not know."""
    copy = workdir / f"db-{label}"
    copy.mkdir(exist_ok=True)
    source, db = sqlite3.connect(workdir / "bench.db"), sqlite3.connect(copy / "bench.db")
    source.backup(db)  # a file copy would miss what is still in the WAL
    source.close()
    if not (tree / "migrations" / "versions" / NEWER_MIGRATION).exists():
        for statement in NEWER_SCHEMA:
            db.execute(statement)
    db.commit()
    db.close()
    return {**env, "DATABASE_URL": f"sqlite:///{copy / 'bench.db'}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000, help="place entries (0 = demo data only)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (bounded)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=5650)
    parser.add_argument("--tree", action="append", default=[], help="LABEL=PATH of another checkout")
    parser.add_argument("--keep", action="store_true", help="keep the instance directory afterwards")
    parser.add_argument("--instance", help="reuse (or create) this instance directory")
    parser.add_argument(
        "--lighthouse", action="store_true", help="also run bench/lighthouse.sh against after-warm"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench` installs it (or apt-get install wrk)")
    args.duration = max(1, min(args.duration, 60))
    workdir, env = prepare(args)
    servers, processes = {}, []
    plan = [("bare", ROOT, env, BARE_WSGI)]
    trees = [(spec.partition("=")[0], Path(spec.partition("=")[2]).resolve()) for spec in args.tree]
    copies = {label: older_copy(workdir, env, label, tree) for label, tree in trees}
    for label, tree in trees:  # cold (page cache off) first, then warm, as for this checkout
        plan.append((f"{label}-cold", tree, {**copies[label], "CACHE_URL": "null"}, APP_WSGI))
    plan.append(("after-cold", ROOT, {**env, "CACHE_URL": "null"}, APP_WSGI))
    plan.extend((f"{label}-warm", tree, copies[label], APP_WSGI) for label, tree in trees)
    plan.append(("after-warm", ROOT, env, APP_WSGI))
    try:
        for offset, (name, tree, server_env, wsgi) in enumerate(plan):
            port = args.port + offset
            processes.append(start_server(name, tree, workdir, port, server_env, wsgi))
            servers[name] = port
        for port in servers.values():
            wait_until_up(f"http://127.0.0.1:{port}/", timeout=120)
        paths = sample_paths(env)
        results = measure(servers, paths, args, workdir)
        names = [name for name in servers if name != "bare"]
        sizes = {name: transfer(f"http://127.0.0.1:{servers[name]}") for name in names}
        report(results, names, sizes, args.entries, args)
        if args.lighthouse:
            print("\nLighthouse mobile performance (after-warm):", flush=True)
            base = f"http://127.0.0.1:{servers['after-warm']}"
            subprocess.run([str(ROOT / "bench" / "lighthouse.sh"), base, str(workdir)], check=False)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        if not (args.keep or args.instance):
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
