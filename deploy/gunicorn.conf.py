"""gunicorn settings for a ChiefTech app server behind nginx (docs/deploy.md).

    gunicorn -c deploy/gunicorn.conf.py

Every value can be changed through the environment, read with the same strict helpers as the Django
settings, so a typo stops the server instead of running it half-configured.
"""

import multiprocessing
import os

from chieftech.env import env_int, env_str

wsgi_app = "chieftech.wsgi:application"

# The app servers listen on the private network; only nginx reaches them.
bind = env_str("GUNICORN_BIND", "0.0.0.0:8000").split(",")

# Synchronous workers: the work is database and PDF/Excel generation, not waiting on slow clients
# (nginx buffers those). Two per core plus one keeps the cores busy while a worker waits on PostgreSQL.
workers = env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# Long enough for a payroll export or a stack of certificate PDFs; a worker stuck longer is restarted.
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx keeps upstream connections open; this must outlast nginx's keepalive_timeout to the upstream.
keepalive = env_int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so a slow leak in a dependency cannot grow without bound.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The heartbeat file on a RAM disk: on a disk-backed /tmp a busy disk can stall workers into timeouts.
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's documented advice, only a heartbeat file
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Addresses of the nginx machines, whose X-Forwarded-Proto is believed (comma-separated, CIDR allowed).
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = env_str("GUNICORN_ACCESS_LOG", "-")
errorlog = env_str("GUNICORN_ERROR_LOG", "-")
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")
# The client's address as nginx saw it first, then nginx's own address, then the usual fields and the
# time taken in milliseconds.
access_log_format = (
    '%({x-forwarded-for}i)s via %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
)

# systemd (or the operator) drives the server; no control socket in the service user's home.
control_socket_disable = True
