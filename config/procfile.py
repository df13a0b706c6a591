"""Run every process of the Procfile with honcho, as `make run` does: `python -m config.procfile`.

This is `honcho start` with three differences: the web process's PORT is the
service's PORT (honcho's own default is 5000), SERVICE_URL follows HOST and PORT
while DEBUG is on (so links in emails point where the service listens), and a
stop asked for with SIGTERM exits 0, as a supervisor expects of a clean stop
(honcho's CLI exits 143). Ctrl-C exits 130.

honcho starts each process in a session of its own, so Ctrl-C reaches only
honcho, which stops them all; every line of output is prefixed with its process
name. Each command is exec'd by its shell and SIGTERM goes to that program only
(honcho's default signals the whole process group): Celery's pool processes
die at once on a SIGTERM of their own, which cut short the task in hand, while
a SIGTERM to the main process lets it finish the task and stop them (a warm
shutdown); gunicorn likewise stops its own workers. Whatever is left of a
process group 10 seconds after the first process stopped gets SIGKILL.
"""

import os
import signal
import sys
from pathlib import Path

import honcho.manager
from honcho.compat import ProcessManager
from honcho.environ import expand_processes, parse_procfile
from honcho.manager import SIGNALS, Manager
from honcho.printer import Printer

from config.env import env_bool, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
PROCFILE = BASE_DIR / "Procfile"

# honcho's 5 s is shorter than an idle Celery worker on the filesystem broker
# takes to stop (it notices the signal between 2 s polls, then stops its pool:
# about 5 s measured), and leaves no time for a task in hand. 10 s keeps a
# whole stop within 15.
honcho.manager.KILL_WAIT = 10


def processes() -> dict[str, str]:
    """The Procfile's process names and commands, in order."""
    return dict(parse_procfile(PROCFILE.read_text()).processes)


def environment() -> dict[str, str]:
    """The processes' environment: this one's, with HOST, PORT and (in development) SERVICE_URL settled."""
    host, port = env_str("HOST", "127.0.0.1"), env_int("PORT", 8000)
    env = {**os.environ, "HOST": host, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    # The Procfile names gunicorn and celery: the ones installed beside this Python.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    if env_bool("DEBUG", True) and not env_str("SERVICE_URL", ""):
        reachable = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        env["SERVICE_URL"] = f"http://{reachable}:{port}"
    return env


class _TerminateLeaderOnly(ProcessManager):
    def terminate(self, pid: int) -> None:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def main() -> int:
    env = environment()
    manager = Manager(Printer(sys.stdout, colour=sys.stdout.isatty()))
    manager._procmgr = _TerminateLeaderOnly()
    for process in expand_processes(processes(), env=env, port=int(env["PORT"])):
        manager.add_process(process.name, f"exec {process.cmd}", env=process.env, cwd=str(BASE_DIR))
    manager.loop()
    # After a SIGTERM honcho reports 143 whatever the processes did; they were stopped on request.
    return 0 if manager.returncode == SIGNALS[signal.SIGTERM]["rc"] else manager.returncode


if __name__ == "__main__":
    sys.exit(main())
