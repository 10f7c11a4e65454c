"""Production gunicorn settings: ``gunicorn -c gunicorn.conf.py wsgi:app`` (see deploy/README.md).

- gthread workers keep connections alive; ``WEB_CONCURRENCY`` × ``GUNICORN_THREADS`` (2 × 4 by default).
  Two workers for a 2-core host: each worker runs Python on one core at a time (the GIL), so more
  processes only add memory; four threads each overlap database and socket waits. ``bench/page_bench.py``
  runs its bare-Flask baseline under this same file, so its ratios compare like with like.
- Workers are recycled after ``max_requests`` (± jitter) requests: without it they grew to 1.2-1.3 GB.
- ``timeout`` 120 s: the longest request is an archivist's place import (up to 50,000 rows / 16 MB, under
  120 s assumed, not measured at that size); ``graceful_timeout`` 60 s lets such a request finish on a reload.
- The control socket lives under the instance directory (one per instance; gunicorn's default in the
  home directory is shared by every instance on the host and left stale after ``kill -9``);
  ``GUNICORN_CONTROL_SOCKET=off`` disables it.
- No access log here: the app writes one JSON line per request with its request id (app/ops/logs.py),
  without query strings or booking references. Errors go to stderr (the journal under systemd).
- Warm-up: each worker renders the main public pages once before it accepts connections (jieba's
  dictionary, the search index, compiled templates; app/ops/warmup.py), then ``gc.freeze()``s what it
  holds (``GUNICORN_GC_FREEZE=0``: not). ``GUNICORN_WARM_UP=0`` skips both.
- Prometheus: every worker writes its samples to ``PROMETHEUS_MULTIPROC_DIR`` (emptied at start), so
  ``/metrics`` counts all workers.
"""

import gc
import os
import shutil
from pathlib import Path

_instance = Path(os.environ.get("INSTANCE_PATH") or Path(__file__).resolve().parent / "instance")

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "60"))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max(1, max_requests // 10)
accesslog = None
errorlog = "-"
# The client address from nginx: the app applies ProxyFix only when PROXY_FIX_TRUSTED is set.
forwarded_allow_ips = "127.0.0.1,::1"

_control = os.environ.get("GUNICORN_CONTROL_SOCKET") or str(_instance / "gunicorn.ctl")
if _control == "off":
    control_socket_disable = True
else:
    control_socket = _control

_metrics_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or _instance / "prometheus")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)


def on_starting(server):
    """Start with an empty metrics directory (files of dead workers would count forever)."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    _instance.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """Tell prometheus_client that a worker is gone (its live gauges stop counting)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Render the main public pages once before taking requests (app/ops/warmup.py).

    ``GUNICORN_WARM_UP=0`` turns it off; an app without it (the page benchmark's bare Flask baseline, or
    an older checkout it compares with) is left alone.
    """
    if os.environ.get("GUNICORN_WARM_UP", "1") == "0":
        return
    app = worker.wsgi
    if getattr(app, "extensions", {}).get("zq_registry") is None:
        return
    try:
        from app.ops.warmup import warm_up
    except ImportError:
        return
    warm_up(app)
    if os.environ.get("GUNICORN_GC_FREEZE", "1") != "0":
        # Everything loaded so far (modules, jieba's dictionary, templates, the warm-up's caches: ~430k
        # objects) is kept out of the cyclic collector's full passes: a full pass over them took ~160 ms
        # in process, a pause for every thread of the worker; ~16 ms without them. Freed by reference
        # counting as before; only cyclic garbage among them would wait for the worker's recycling.
        gc.freeze()
        worker.log.info("gc: %d objects frozen after the warm-up", gc.get_freeze_count())
