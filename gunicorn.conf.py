"""Gunicorn settings for the web container, read from the environment (see .env.example).

Sizing: each worker is one process with its own database connections (and, with DB_POOL, its
own pool of them). Sync workers serve one request at a time each; with GUNICORN_THREADS above 1
the workers are threaded (`gthread`) and serve that many at once, and DB_POOL_MAX_SIZE should be
at least the number of threads. PostgreSQL must allow workers × (threads or 1) connections per
web container, plus the Celery workers' (docs/scaling.md).
"""

import gc
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = f"0.0.0.0:{_int('PORT', 8000)}"
# The default suits a machine that runs only the web: two per core, plus one.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# Seconds a request may take before gunicorn restarts its worker; and how long a worker that is
# told to stop may finish its requests.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
# Seconds an idle keep-alive connection from the proxy stays open.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, so a slow leak never becomes an outage (0 turns it off).
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# The application is loaded once, in the master, and every worker is a fork of it: a new or
# recycled worker starts serving at once instead of importing Django and every app again, and the
# workers share those pages of memory. Nothing connects to PostgreSQL or Redis while loading, so
# no connection is shared between workers. GUNICORN_PRELOAD=false loads it in each worker (then a
# HUP reloads the code; with preloading, deploy by restarting gunicorn).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").strip().lower() not in {"0", "false", "no", "off"}


def pre_fork(server: object, worker: object) -> None:
    """What the master loaded lives as long as the workers do: the collector of a worker leaves it
    alone (fewer pages copied on write, less time collecting)."""
    gc.freeze()


# The proxy in front that may set X-Forwarded-Proto (Django trusts it only with BEHIND_PROXY=true).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Heartbeat files in memory instead of on the container's overlay disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108
