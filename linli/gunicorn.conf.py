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


def post_worker_init(worker):
    """Each worker loads the venues' schedules before its first request (scenes.
    schedule_cache.warm): they change rarely, and a worker would otherwise load each
    venue's on that venue's first request. Never keeps a worker from starting."""
    try:
        from scenes.schedule_cache import warm

        count = warm()  # on the connection the worker's requests then keep using
        worker.log.info("schedules of %s venues loaded", count)
    except Exception:  # a missing table before migrate, a database that is down, ...
        worker.log.warning("schedules not loaded ahead", exc_info=True)
