"""Production gunicorn settings (gthread workers keep connections alive)."""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
accesslog = "-"
# Never log query strings: they can carry search terms; booking lookups are POSTs.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
