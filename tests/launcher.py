"""Start `ingest` commands as forks of a process that has already imported the CLI.

Every `python -m ingest` a test runs spends most of its CPU importing (click, rich,
sqlite-utils with numpy, pluggy, w3lib): some 0.6 s, hundreds of times a suite. A
fork of a process that imported them once starts in milliseconds and then runs
exactly what `python -m ingest` runs (``runpy``, ``__main__``), in a process of its
own: its own working folder, environment, standard streams and exit status. Nothing
the command does reaches the process it was forked from, which stays as it was after
its imports; so each command starts from the same state a fresh interpreter has.

A command whose environment changes how Python starts (``PYTHON*``: another module
path, say) cannot be forked from this one; ``conftest.run_ingest`` runs it as a fresh
interpreter instead.

Run as a script, this is the server: it reads a request a line (JSON), forks, and
answers with the child's pid, then its exit status.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from subprocess import CompletedProcess

ROOT = Path(__file__).resolve().parent.parent
#: The server's environment: the tests' own as they started, this checkout first on the path.
SERVER_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
}


def serve() -> dict:
    """The server's loop; returns in a forked child only, with the request it is to run."""
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            return request
        answers.write(b"%d\n" % pid)
        answers.flush()
        _, status = os.waitpid(pid, 0)
        answers.write(b"%d\n" % os.waitstatus_to_exitcode(status))
        answers.flush()
    sys.exit(0)


def become(request: dict) -> None:
    """Make this forked child what `python -m ingest ARGS` started in ``cwd`` would be."""
    import importlib

    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, fd)
        os.close(out)
    os.close(null)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 (the process's own stdin, to its end)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[0] = request["cwd"]  # as `python -m` puts the working folder first
    importlib.invalidate_caches()


class Launcher:
    """The test process's side: one server, one command at a time."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ingest-launcher-"))
        self.server = subprocess.Popen(
            [sys.executable, __file__],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,  # unbuffered: a read of the pid never takes the status with it
            env=SERVER_ENV,
        )
        atexit.register(self.close)

    def run(self, args: list[str], cwd: Path, env: dict, timeout: float) -> CompletedProcess:
        if not cwd.is_dir():  # as subprocess.run says it, before anything starts
            raise FileNotFoundError(2, "No such file or directory", str(cwd))
        out, err = self.folder / "stdout", self.folder / "stderr"
        for stale in (out, err):  # a child that dies before writing them leaves them empty
            stale.write_bytes(b"")
        request = {"args": args, "cwd": str(cwd), "env": env}
        request |= {"stdout": str(out), "stderr": str(err)}
        line = json.dumps(request).encode() + b"\n"
        while line:
            line = line[self.server.stdin.write(line) :]
        pid = int(self.server.stdout.readline())
        try:
            ready, _, _ = select.select([self.server.stdout], [], [], timeout)
            if not ready:
                _kill(pid)
            status = int(self.server.stdout.readline())
        except BaseException:  # a test stopped mid-command: this server's answers are lost
            _kill(pid)
            self.close()
            raise
        stdout = out.read_text(encoding="utf-8", errors="replace")
        stderr = err.read_text(encoding="utf-8", errors="replace")
        if not ready:
            raise subprocess.TimeoutExpired(["ingest", *args], timeout, stdout, stderr)
        return CompletedProcess(["ingest", *args], status, stdout, stderr)

    def close(self) -> None:
        if self.server.poll() is None:
            self.server.kill()
            self.server.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
        os.kill(pid, signal.SIGKILL)


_RUNNING: list[Launcher] = []


def launch(args: list[str], cwd: Path, env: dict, timeout: float) -> CompletedProcess:
    """``python -m ingest ARGS`` in ``cwd`` with ``env``: its exit status and output."""
    if not _RUNNING or _RUNNING[0].server.poll() is not None:
        _RUNNING[:] = [Launcher()]
    return _RUNNING[0].run(args, cwd, env, timeout)


if __name__ == "__main__":
    sys.path[0] = os.getcwd()
    import ingest.cli  # noqa: F401  (what every command imports: done once, here)

    request = serve()
    become(request)
    import runpy

    sys.argv = ["-m", *request["args"]]
    runpy.run_module("ingest", run_name="__main__", alter_sys=True)
