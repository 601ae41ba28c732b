"""Large and deep inputs: a 10,000-line source file builds (the time is printed), types nested
100 deep build and compile, deeper ones are a diagnostic, and nothing ends in a RecursionError.

The 10,000-line crate is about 140,000 lines of Rust: `cargo check` alone takes over a minute
on two cores, so it is compiled only with DSPYGEN_SCALE_COMPILE=1 (`make fuzz` sets it);
otherwise `dspygen check` proves the build is complete and reproducible.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, assert_clean_failure, dspygen

from dspygen.manifest import MANIFEST, records


def cargo_env() -> dict[str, str]:
    """The Makefile's environment for cargo, so the warm pyo3 build in generated/target is reused."""
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", str(ROOT / "generated" / "target"))
    env.setdefault("PYO3_PYTHON", sys.executable)
    env["CARGO_TERM_COLOR"] = "never"
    return env


def cargo(*args: str, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["cargo", *args], cwd=cwd, env=cargo_env(), capture_output=True, text=True, timeout=timeout, check=False
    )


def big_source(lines: int = 10_000) -> tuple[str, int, int]:
    """Models (in chains of five), enums, class and string signatures until `lines` lines."""
    out = [
        '"""Generated: many declarations in one file."""',
        "",
        "from __future__ import annotations",
        "",
        "import enum",
        "from typing import Literal, Optional",
        "",
        "import dspy",
        "from pydantic import BaseModel, ConfigDict, Field",
        "",
    ]
    models = signatures = 0
    i = 0
    while len(out) < lines:
        previous = f"Optional[Item{i - 1}]" if i % 5 else "Optional[int]"
        out += [
            "",
            f"class Kind{i}(str, enum.Enum):",
            f'    A = "a{i}"',
            '    B = "b"',
            "",
            "",
            f"class Item{i}(BaseModel):",
            f'    """Item number {i}: "quoted" and {{{{ braced }}}}."""',
            "",
            '    model_config = ConfigDict(extra="forbid")' if i % 3 == 0 else "",
            f'    name: str = Field(description="name {i}", alias="Name{i}")',
            f"    count: int = {i}",
            "    ratio: Optional[float] = None",
            "    tags: list[str] = []",
            f'    kind: Literal["x", "y{i}"] = "x"',
            f"    enum: Kind{i} = Kind{i}.A",
            f"    previous: {previous} = None",
            f"    by_key: dict[str, list[Item{i}]] = {{}}",
            "",
            "",
            f"class Ask{i}(dspy.Signature):",
            f'    """Signature number {i}."""',
            "",
            f'    question: str = dspy.InputField(desc="question {i}")',
            f"    item: Item{i} = dspy.InputField()",
            f"    answers: list[Item{i}] = dspy.OutputField()",
            "",
            f'quick_{i} = dspy.Predict("question, context: list[str] -> answer: Item{i}")',
            "",
        ]
        models += 1
        signatures += 2
        i += 1
    return "\n".join(out) + "\n", models, signatures


def owned(out: Path) -> list[str]:
    return list(records((out / MANIFEST).read_text(encoding="utf-8")))


def test_ten_thousand_line_file_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, models, signatures = big_source()
    source = tmp_path / "big.py"
    source.write_text(text, encoding="utf-8")
    assert text.count("\n") >= 10_000
    out = tmp_path / "out"

    started = time.perf_counter()
    done = dspygen("build", str(source), "--out", str(out), "--crate-name", "big_rs", cwd=tmp_path, timeout=300)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\n[scale] {text.count(chr(10))} lines, {models} models, {signatures} signatures: "
            f"dspygen build took {elapsed:.1f}s"
        )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    files = owned(out)
    assert f"{len(files) + 1} written" in done.stdout, done.stdout  # the manifest too
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted([*files, MANIFEST])
    models_rs = (out / "src" / "models.rs").read_text(encoding="utf-8")
    assert models_rs.count("pub struct Item") == models
    assert (out / "src" / "signatures.rs").read_text(encoding="utf-8").count(
        "impl ::dspygen_runtime::Signature for "
    ) == signatures

    checked = dspygen("check", str(source), "--out", str(out), "--crate-name", "big_rs", cwd=tmp_path, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    if os.environ.get("DSPYGEN_SCALE_COMPILE") == "1":
        started = time.perf_counter()
        compiled = cargo("check", "--lib", "--quiet", cwd=out)
        with capsys.disabled():
            print(f"[scale] cargo check took {time.perf_counter() - started:.1f}s")
        assert compiled.returncode == 0, compiled.stderr[-3000:]


def nested(kind: str, depth: int) -> str:
    ty = "str"
    for _ in range(depth):
        ty = f"list[{ty}]" if kind == "list" else f"Optional[dict[str, {ty}]]"
    return ty


DEEP_OK = """\
from typing import Optional

from pydantic import BaseModel


class DeepList(BaseModel):
    value: {list100}


class DeepDict(BaseModel):
    value: {dict50} = None

{chain}
"""


def chain(n: int) -> str:
    """Models each holding the previous one inline: rustc's layout and drop check go n deep."""
    out = []
    for i in range(n):
        inner = f"Link{i - 1}" if i else "int"
        out.append(
            f"\nclass Link{i}(BaseModel):\n    previous: Optional[{inner}] = None\n    items: list[{inner}] = []\n"
        )
    return "".join(out)


@pytest.mark.cargo
def test_types_nested_100_deep_build_and_compile(tmp_path: Path) -> None:
    """`list` 100 deep, `Optional[dict[str, ...]]` 50 deep (100 levels) and a chain of 150
    models each holding the last: rustc needs a raised recursion_limit, which dspygen writes."""
    source = tmp_path / "deep.py"
    source.write_text(
        DEEP_OK.format(list100=nested("list", 100), dict50=nested("dict", 50), chain=chain(150)), encoding="utf-8"
    )
    out = tmp_path / "out"
    done = dspygen("build", str(source), "--out", str(out), "--crate-name", "deep_rs", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lib = (out / "src" / "lib.rs").read_text(encoding="utf-8")
    assert "#![recursion_limit" in lib
    tested = cargo("test", "--quiet", cwd=out)
    assert tested.returncode == 0, tested.stderr[-3000:]
    assert "test result: ok" in tested.stdout


# Python itself refuses more than 200 levels of brackets ("too many nested parentheses"):
# DSG001 with its message, before libcst (whose native parser overflowed the C stack,
# SIGSEGV, on 2,000). Up to 200, dspygen's own limit on the type: DSG010.
DEEPER = [
    ("dict", 100, "DSG010"),
    ("list", 101, "DSG010"),
    ("list", 200, "DSG010"),
    ("list", 300, "DSG001"),
    ("dict", 300, "DSG001"),
    ("list", 1000, "DSG001"),
    ("dict", 1000, "DSG001"),
]


@pytest.mark.parametrize(("kind", "depth", "code"), DEEPER, ids=[f"{k}-{d}" for k, d, _ in DEEPER])
def test_deeper_types_are_a_diagnostic(tmp_path: Path, kind: str, depth: int, code: str) -> None:
    source = tmp_path / "deeper.py"
    source.write_text(
        f"from typing import Optional\nfrom pydantic import BaseModel\n\n\nclass Deep(BaseModel):\n"
        f"    value: {nested(kind, depth)}\n",
        encoding="utf-8",
    )
    for command in ("build", "check"):
        done = dspygen(command, str(source), "--out", str(tmp_path / "out"), cwd=tmp_path, timeout=120)
        assert_clean_failure(done, code)
        assert "RecursionError" not in done.stderr
        if code == "DSG010":
            assert done.stderr.startswith("deeper.py:6:5: error[DSG010]: the type of `value` nests"), done.stderr
        else:
            assert "too many nested parentheses" in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()
    schema = dspygen("schema", str(source), cwd=tmp_path, timeout=120)
    assert_clean_failure(schema, code)


def test_an_expression_too_deep_for_python_is_a_diagnostic(tmp_path: Path) -> None:
    """`1 + 1 + ...` 20,000 times: Python cannot compile it (and libcst crashed on it)."""
    source = tmp_path / "long_sum.py"
    source.write_text(
        "from pydantic import BaseModel\n\n\nclass M(BaseModel):\n    x: int = " + " + ".join(["1"] * 20_000) + "\n",
        encoding="utf-8",
    )
    done = dspygen("build", str(source), "--out", str(tmp_path / "out"), cwd=tmp_path, timeout=120)
    assert_clean_failure(done, "DSG001")
    assert "nests too deeply" in done.stderr


def test_deep_expressions_elsewhere_never_overflow(tmp_path: Path) -> None:
    """Deep nesting outside annotations (a default, a docstring-free constant, a call) is
    parsed with a raised recursion limit or reported; never a RecursionError traceback."""
    deep_list = "[" * 150 + "]" * 150
    deep_call = "f(" * 150 + ")" * 150
    source = tmp_path / "deep_values.py"
    source.write_text(
        "from pydantic import BaseModel\n\n"
        f"CONSTANT = {deep_list}\nOTHER = {deep_call}\n\n\n"
        f"class M(BaseModel):\n    value: list[str] = {deep_list}\n",
        encoding="utf-8",
    )
    done = dspygen("build", str(source), "--out", str(tmp_path / "out"), cwd=tmp_path, timeout=120)
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 1), done.stderr
