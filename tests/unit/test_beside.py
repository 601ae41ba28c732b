"""Work run in a forked second process (beside.py) gives what running it here gives, says why
when it fails, and leaves no process behind; lowering with the JSON Schema constants worked out
beside gives the same crate as lowering in one process."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from dspygen import beside
from dspygen.config import Target, load_targets
from dspygen.diagnostics import Sink
from dspygen.lower import crate, schema_constants
from dspygen.pipeline import read_target

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second process may run whatever this machine has (beside.cores reads $DSPYGEN_JOBS)."""
    monkeypatch.setenv("DSPYGEN_JOBS", "2")


def test_work_runs_in_a_child_and_its_result_comes_back(two_cores: None) -> None:
    parent = os.getpid()
    with beside.beside(lambda: (os.getpid(), {"big": "x" * 1_000_000, "list": [1.5, None]}), worth=True) as result:
        pid, value = result()
    assert pid != parent
    assert value == {"big": "x" * 1_000_000, "list": [1.5, None]}


@pytest.mark.parametrize("jobs, worth", [("1", True), ("2", False)])
def test_work_runs_here_when_one_process_is_asked_for_or_it_is_small(
    monkeypatch: pytest.MonkeyPatch, jobs: str, worth: bool
) -> None:
    monkeypatch.setenv("DSPYGEN_JOBS", jobs)
    with beside.beside(os.getpid, worth=worth) as result:
        assert result() == os.getpid()


def test_work_runs_here_while_another_thread_runs(two_cores: None) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with beside.beside(os.getpid, worth=True) as result:
            assert result() == os.getpid()
    finally:
        stop.set()
        other.join()


def test_a_failure_in_the_child_is_raised_with_its_traceback(two_cores: None) -> None:
    def work() -> None:
        raise ValueError("no such definition")

    with (
        pytest.raises(beside.ChildFailed, match=r"(?s)ValueError: no such definition"),
        beside.beside(work, worth=True) as result,
    ):
        result()


def test_a_child_killed_before_it_answers_leaves_the_work_to_this_process(two_cores: None) -> None:
    parent = os.getpid()

    def work() -> str:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "done here"

    with beside.beside(work, worth=True) as result:
        assert result() == "done here"


def test_a_child_not_waited_for_is_ended_with_the_block(two_cores: None, tmp_path: Path) -> None:
    marker = tmp_path / "pid"

    def work() -> None:
        marker.write_text(str(os.getpid()))
        time.sleep(60)

    start = time.monotonic()
    with pytest.raises(KeyError), beside.beside(work, worth=True):
        while not marker.exists() or not marker.read_text():
            time.sleep(0.01)
        raise KeyError("the caller failed before it asked for the result")
    assert time.monotonic() - start < 30
    with pytest.raises(ProcessLookupError):  # killed and reaped: not even a zombie
        os.kill(int(marker.read_text()), 0)


def _fixture_targets() -> list[Target]:
    """The repository's own targets, as `dspygen check` reads them."""
    return load_targets(ROOT / "pyproject.toml", "pyproject.toml", Sink())


@pytest.mark.parametrize("target", _fixture_targets(), ids=lambda t: t.crate_name)
def test_lowering_with_the_constants_worked_out_beside_gives_the_same_crate(
    target: Target, two_cores: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sink = Sink()
    schema = read_target(target, ROOT, sink)
    options = crate.CrateOptions(target.crate_name, "out", target.module_name)
    alone = crate.lower(schema, options, alone_sink := Sink(list(sink.items)))

    worked_in = tmp_path / "pid"
    all_of = schema_constants.all_of

    def recorded(*args: object) -> schema_constants.Found:
        worked_in.write_text(str(os.getpid()))
        return all_of(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(schema_constants, "all_of", recorded)
    monkeypatch.setattr(crate, "BESIDE_FROM", 0)
    together = crate.lower(schema, options, together_sink := Sink(list(sink.items)))
    assert int(worked_in.read_text()) != os.getpid()  # the constants did come from a second process
    assert together == alone
    assert together_sink.items == alone_sink.items
