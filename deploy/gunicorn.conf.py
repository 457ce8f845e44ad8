"""gunicorn settings for one app host: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment (the systemd unit reads /etc/observatoire/env),
so that the file stays the same on every host.

The worker count is `WEB_CONCURRENCY` (gunicorn's own variable), and only that: the app reads
the same variable to refuse, in production, per-process rate limits with several workers
(rating.config.check_production). A count given another way (`-w 4`) that disagrees with it
stops gunicorn at once, with the reason.
"""

import os

# Sync workers (gunicorn's default class): nginx buffers every request and response
# (deploy/nginx/observatoire-proxy.conf), so a worker only ever waits on the app itself,
# never on a slow client. About one or two per core.
workers = int(os.environ.setdefault("WEB_CONCURRENCY", "2"))
# The address nginx reaches: 127.0.0.1 when nginx runs on the same machine, the host's
# private address (e.g. 10.0.0.11:8000) when nginx runs on another.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Load the app once in the master: a bad configuration stops the start with its message (not
# a loop of workers failing to boot), and a killed worker is replaced in milliseconds.
preload_app = True
# A request taking longer is killed and logged (nginx's proxy_read_timeout is longer).
timeout = 30
graceful_timeout = 30
# Recycle workers now and then (a slow leak never grows without bound).
max_requests = 2000
max_requests_jitter = 200
# gunicorn believes X-Forwarded-Proto from these addresses only (nginx's); the app's own
# ProxyFix (TRUSTED_PROXIES=1) takes the client's address and scheme from nginx's headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
# journald adds its own time stamp; keep the client (as nginx sent it) and the duration.
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms'


def on_starting(server):
    """Refuse a worker count that the app did not see (a `-w` against WEB_CONCURRENCY)."""
    declared = int(os.environ["WEB_CONCURRENCY"])
    if server.cfg.workers != declared:
        raise SystemExit(
            f"gunicorn would start {server.cfg.workers} workers but WEB_CONCURRENCY is"
            f" {declared}: set the count with WEB_CONCURRENCY only (the app checks its"
            " stores against it)."
        )
