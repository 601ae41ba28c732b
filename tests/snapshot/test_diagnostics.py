"""Snapshot tests: the diagnostics dspygen prints for each bad input in fixtures/errors/.

Every case runs the real CLI in a subprocess from the repository root, so paths in the
messages are relative (`fixtures/errors/x.py:3:5`). Besides the snapshot of stderr, each
case checks what holds for every diagnostic: exit code 1, no traceback, the
`path:line:col: error[DSGnnn]: message` form with a hint line, a location inside a file
that was given, and an output directory that was neither created nor touched, by `build`
or by `check`. The few inputs that only warn (WARNING_ONLY) must build.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

ROOT = Path(__file__).resolve().parents[2]
ERRORS = ROOT / "fixtures" / "errors"
DSPYGEN = str(Path(sys.executable).parent / "dspygen")

LEVEL = r"(?P<level>error|warning|note)\[(?P<code>DSG\d{3})\]: .+"
HEAD = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): " + LEVEL)
SPANLESS = re.compile(r"^" + LEVEL)
# Problems of the tool or its configuration, which have no place in a source file.
SPANLESS_CODES = {"DSG050", "DSG060", "DSG061", "DSG070"}
# Inputs DSPy and pydantic accept but dspygen warns about (or notes what it leaves out): the build succeeds.
WARNING_ONLY = {
    "model_config_class_v1_keys",
    "model_config_unknown_keys",
    "models.v2",
    "skip_marked_class",
    "validator_decorator",
    "deprecated_format_argument",
    "default_call",
    "default_factory_lambda",
    "non_static_desc",
    "rebound_constant_desc",
    "signature_built_in_a_loop",
    "signature_transform_unbound",
    "signature_without_outputs",
    "string_signature_dropped_fields",
    "string_signature_same_variable",
}


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]  # between `build`/`check` and `--out`
    out: bool = True  # give --out <tmp>/out (a config case takes its output from the config)
    spanless: frozenset[str] = field(default_factory=frozenset)  # codes allowed without a span here
    missing_ok: bool = False  # the case names a file that does not exist
    known_bug: str = ""  # a problem in dspygen outside the frontend, reported to the lead
    located: tuple[str, ...] = ()  # files besides the args a diagnostic may point into (templates)
    config_out: str = "bad_config/bindings"  # a config case's output, under fixtures/errors


def _file_cases() -> list[Case]:
    cases = []
    for path in sorted(ERRORS.iterdir()):
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix == ".py":
            cases.append(Case(path.stem, (rel,)))
        elif path.is_dir() and any(path.glob("*.py")):
            files = sorted(p.relative_to(ROOT).as_posix() for p in path.glob("*.py") if p.name != "__init__.py")
            cases.append(Case(path.name, tuple(files)))
    return cases


KNOWN_BUGS: dict[str, str] = {}
CASES = [
    *(Case(c.name, c.args, known_bug=KNOWN_BUGS.get(c.name, "")) for c in _file_cases()),
    Case("missing_file", ("fixtures/errors/does_not_exist.py",), missing_ok=True),
    # The importing frontend runs the module: an import that fails is a diagnostic, not a traceback.
    Case("import_frontend_failure", ("--frontend", "import", "fixtures/import_errors/fails_to_import.py")),
    Case("invalid_crate_name", ("fixtures/qa/models.py", "--crate-name", "My-Crate"), spanless=frozenset({"DSG041"})),
    Case(
        "bad_config",
        ("--config", "fixtures/errors/bad_config/pyproject.toml"),
        out=False,
    ),
    Case("bad_type_mapping", ("--config", "fixtures/errors/bad_type_mapping/pyproject.toml"), out=False),
    # A repository's configuration cannot make dspygen run its code (issue 11).
    Case(
        "untrusted_import_frontend",
        ("--config", "fixtures/errors/untrusted_import/pyproject.toml"),
        out=False,
        config_out="untrusted_import/bindings",
    ),
    Case(
        "template_reaching_python_internals",
        ("fixtures/qa/models.py", "--templates", "fixtures/errors/bad_templates"),
        located=("fixtures/errors/bad_templates/src/models.rs.j2",),
    ),
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # No repository is trusted to run its code (`dspygen trust`): the list is looked for in an empty folder.
    no_trust = Path(tempfile.gettempdir()) / f"dspygen-no-trust-{os.getpid()}"
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "XDG_CONFIG_HOME": str(no_trust)}
    return subprocess.run(
        [DSPYGEN, *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env, check=False
    )


def problems(stderr: str, case: Case) -> list[str]:
    """Everything wrong with the form or the locations of the rendered diagnostics."""
    found = []
    lines = stderr.splitlines()
    if not lines:
        return ["no diagnostic at all"]
    # The run closes with the count of what it reported: `dspygen: 2 errors, 1 warning`.
    *lines, closing = lines
    levels = [m["level"] for m in map(HEAD.match, lines[::2]) if m is not None]
    levels += [m["level"] for m in map(SPANLESS.match, lines[::2]) if m is not None]
    said = [f"{levels.count(w)} {w}{'s' if levels.count(w) != 1 else ''}" for w in ("error", "warning", "note")]
    if closing != "dspygen: " + ", ".join(x for x in said if not x.startswith("0 ")):
        found.append(f"the closing count {closing!r} does not match the diagnostics")
    if len(lines) % 2:
        found.append("diagnostics and hint lines do not pair up")
    for head, hint in zip(lines[::2], lines[1::2], strict=False):
        if not hint.startswith("  hint: ") or len(hint) <= len("  hint: "):
            found.append(f"no hint after {head!r}")
        match = HEAD.match(head)
        if match is None:
            bare = SPANLESS.match(head)
            if bare is None:
                found.append(f"malformed diagnostic {head!r}")
            elif bare["code"] not in SPANLESS_CODES | case.spanless:
                found.append(f"no location in {head!r}")
            continue
        if match["path"] not in case.args + case.located:
            found.append(f"{head!r} names a file that was not given")
            continue
        path = ROOT / match["path"]
        if not path.is_file():
            if not case.missing_ok:
                found.append(f"{match['path']!r} is not a file relative to the repository root")
            continue
        text = path.read_bytes().decode("utf-8", errors="replace").splitlines()
        line, col = int(match["line"]), int(match["col"])
        if not 1 <= line <= len(text) or not 1 <= col <= len(text[line - 1]) + 1:
            found.append(f"{head!r} points outside the file")
    return found


def _out_args(case: Case, out: Path) -> list[str]:
    return ["--out", str(out)] if case.out else []


def _outputs(case: Case, out: Path) -> list[Path]:
    """Every output directory the case could write to."""
    return [out] if case.out else [ERRORS / case.config_out]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_build_and_check_report(case: Case, tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    out = tmp_path / "out"
    checked = run("check", *case.args, *_out_args(case, out))
    assert checked.returncode == 1, checked.stderr
    assert not any(p.exists() for p in _outputs(case, out)), "check wrote to the output directory"

    done = run("build", *case.args, *_out_args(case, out))
    stderr = done.stderr.replace(str(tmp_path), "<tmp>")
    assert stderr == snapshot
    assert "Traceback" not in done.stderr + done.stdout + checked.stderr + checked.stdout
    levels = [m["level"] for m in map(HEAD.match, stderr.splitlines()[::2]) if m is not None]
    if case.name in WARNING_ONLY:
        assert done.returncode == 0, done.stderr
        assert levels and set(levels) <= {"warning", "note"}
        assert (out / ".dspygen-manifest").is_file()
    else:
        assert done.returncode == 1, done.stderr
        assert "error[DSG" in stderr
        assert not any(p.exists() for p in _outputs(case, out)), "build wrote to the output directory"
        # check runs the same stages, so it reports the same diagnostics.
        assert checked.stderr == done.stderr
    found = problems(stderr, case)
    if case.known_bug:
        if found:
            pytest.xfail(f"known bug: {case.known_bug}: {found}")
        pytest.fail(f"fixed? remove {case.name!r} from the known bugs ({case.known_bug})")
    assert found == []


def test_foreign_file_in_output_directory_is_never_overwritten(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    out = tmp_path / "out"
    lib = out / "src" / "lib.rs"
    lib.parent.mkdir(parents=True)
    user = b"// my own lib.rs, not generated\r\npub fn keep() {}\n"
    lib.write_bytes(user)
    for command in ("check", "build"):
        done = run(command, "fixtures/qa/models.py", "fixtures/qa/signatures.py", "--out", str(out))
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert "error[DSG070]" in done.stderr
        assert lib.read_bytes() == user
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["src", "src/lib.rs"]
    assert done.stderr.replace(str(tmp_path), "<tmp>") == snapshot


def test_a_runtime_folder_dspygen_did_not_write_is_never_overwritten(
    tmp_path: Path, snapshot: SnapshotAssertion
) -> None:
    """A runtime folder holding a crate of someone else's (here: another dspygen's runtime,
    copied by hand) is a diagnostic; neither it nor the output is touched."""
    runtime = tmp_path / "rt"
    (runtime / "src").mkdir(parents=True)
    cargo = b'[package]\nname = "dspygen-runtime"\nversion = "0.0.9"\n'
    (runtime / "Cargo.toml").write_bytes(cargo)
    out = tmp_path / "out"
    for command in ("check", "build"):
        done = run(command, "fixtures/qa/models.py", "--out", str(out), "--runtime", str(runtime))
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert "error[DSG071]" in done.stderr
        assert (runtime / "Cargo.toml").read_bytes() == cargo
        assert sorted(p.relative_to(runtime).as_posix() for p in runtime.rglob("*")) == ["Cargo.toml", "src"]
        assert not out.exists()
    assert done.stderr.replace(str(tmp_path), "<tmp>") == snapshot


def test_every_code_user_input_can_trigger_has_a_case() -> None:
    """The corpus covers the catalogue; the codes left out need a missing or failing rustfmt/ruff."""
    from dspygen.diagnostics import Code

    ambr = Path(__file__).parent / "__snapshots__" / "test_diagnostics.ambr"
    assert ambr.is_file(), "no snapshots yet: run with --snapshot-update"
    seen = set(re.findall(r"\[(DSG\d{3})\]", ambr.read_text(encoding="utf-8")))
    assert sorted(c.id for c in Code if c.id not in seen | {"DSG060", "DSG061"}) == []
