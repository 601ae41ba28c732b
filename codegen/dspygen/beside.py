"""Work run in a second process, forked from this one, while this one goes on, where that pays.

Only where the platform forks (Linux), where this process may use more than one core
($DSPYGEN_JOBS, else the usable cores), not inside a worker that workers.plan forked already
(its siblings keep the other cores busy), and not while another thread runs: a child forked
then could find a lock that thread held taken forever (dspygen used as a library).

The child inherits everything loaded and built so far, so it costs no import and no copy of
its input: only its result comes back, pickled through a pipe. It runs the same code on the
same data, so the result is the same as running the work here.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import NoReturn, TypeVar

T = TypeVar("T")

# Forking is cheap only where the platform forks (Linux); elsewhere a child would import
# everything again, which costs more than most work is worth.
FORKS = sys.platform == "linux"


def cores() -> int:
    """How many processes a run may keep busy: $DSPYGEN_JOBS (1 keeps all in this process),
    else the cores this process may run on."""
    given = os.environ.get("DSPYGEN_JOBS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class ChildFailed(RuntimeError):
    """The work raised in the second process: the message holds its traceback."""


@contextlib.contextmanager
def beside(work: Callable[[], T], *, worth: bool) -> Iterator[Callable[[], T]]:
    """Within the block, `work` runs in a forked child where `worth` says it is large enough and
    a second process can run; the block's value returns its result, waiting for the child (or
    runs `work` here when nothing was forked). Call it at most once; a child not waited for is
    ended with the block."""
    alone = threading.active_count() == 1 and multiprocessing.parent_process() is None
    if not (worth and FORKS and alone and cores() > 1):
        yield work
        return
    reading, writing = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to spare (a limit on processes): the work is done here
        os.close(reading)
        os.close(writing)
        yield work
        return
    if pid == 0:
        os.close(reading)
        _child(work, writing)
    os.close(writing)
    pipe = os.fdopen(reading, "rb")
    waited = False

    def result() -> T:
        nonlocal waited
        with pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        waited = True
        if not os.WIFEXITED(status):  # killed before it ended (out of memory, a signal): done here instead
            return work()
        ok, value = pickle.loads(data)
        if not ok:
            raise ChildFailed(f"the second process failed:\n{value}")
        return value  # type: ignore[no-any-return]

    try:
        yield result
    finally:
        if not waited:
            pipe.close()
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def _child(work: Callable[[], object], writing: int) -> NoReturn:
    """Run `work`, write (True, its result) or (False, the traceback) to the pipe, and end at
    once: no exit handlers, no buffers of the parent's written twice."""
    try:
        try:
            payload = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # whatever it was, the parent says it
            payload = pickle.dumps((False, traceback.format_exc()))
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)
