"""Gunicorn settings for ``make run`` (and a sane start for a real deployment).

Two cores on the target machines: two sync workers keep one free for the database and the
OS; WEB_CONCURRENCY raises it (3 is the most that helps on 2 cores). Static files are
served by whitenoise inside the workers, so no separate web server is needed locally.
"""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = max(1, min(int(os.environ.get("WEB_CONCURRENCY", "2")), 3))
worker_class = "sync"
timeout = 30
graceful_timeout = 10
# Logs to stdout/stderr: the process supervisor (or the terminal) keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
