"""gunicorn's settings for the Procfile's web process (`gunicorn config.wsgi --config python:config.gunicorn`).

HOST and PORT say where to listen, WEB_CONCURRENCY how many processes, as in
README's configuration table. With DEBUG on, code changes reload the workers.
"""

import os
import shutil
import tempfile

from gunicorn.glogging import Logger

from config.env import env_bool, env_int, env_str

bind = f"{env_str('HOST', '127.0.0.1')}:{env_int('PORT', 8000)}"
workers = env_int("WEB_CONCURRENCY", 2)
# Threads let a process serve other pages while one request waits on the
# database or an upload; CPU-heavy work (finding a face on upload) still takes a core.
worker_class = "gthread"
threads = env_int("WEB_THREADS", 4)
reload = env_bool("DEBUG", True)
# A worker that has not reported to the master for this long is killed with the
# requests in hand. Finding the faces in an upload holds the interpreter; with a
# load average of 18 on two cores uploads took up to 30 s (gunicorn's default)
# and a journey's connection was reset.
timeout = 90
# Well within the 10 s the process list (config/procfile.py) gives before it kills what is left.
graceful_timeout = 4
# gunicornc is not used, and several services on one machine would share its socket's default path.
control_socket_disable = True
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

# Each web process writes its request metrics here for /metrics to gather. One
# folder per gunicorn master, fresh at every start: files left by an earlier run
# would count its requests again.
_OWN_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")

# Requests the access log leaves out: assets (many per page) and the endpoints
# that monitoring polls every few seconds.
QUIET_PATHS = ("/assets/", "/healthz", "/readyz", "/metrics")


class QuietAccessLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if not req.path.startswith(QUIET_PATHS):
            super().access(resp, req, environ, request_time)


logger_class = QuietAccessLogger


def child_exit(server, worker):
    # Imported here: prometheus_client picks its multiprocess storage when first
    # imported, which must be after PROMETHEUS_MULTIPROC_DIR is set (above).
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _OWN_METRICS_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
