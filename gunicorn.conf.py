"""Gunicorn settings for the web container, read from the environment (see .env.example)."""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Sync workers: one request at a time each. The default suits a machine that runs only the web.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = 1000
max_requests_jitter = 100
# The proxy in front that may set X-Forwarded-Proto (Django trusts it only with BEHIND_PROXY=true).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Heartbeat files in memory instead of on the container's overlay disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108
