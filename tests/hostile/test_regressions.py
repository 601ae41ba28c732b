"""Regressions the hostile inputs and the fuzz run found, each pinned where a fixture cannot
hold it: crates that must compile though they lack models or outputs, float formatting, and
variant names for values without words."""

from __future__ import annotations

import math
import os
import random
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, dspygen
from pydantic import TypeAdapter

from dspygen.lower import naming
from dspygen.lower.samples import dumps, json_float

ENUM_ONLY = '''\
import enum


class Color(str, enum.Enum):
    """Only an Enum: no model, no signature."""

    RED = "red"
'''

NO_OUTPUTS = '''\
import dspy
from pydantic import BaseModel


class Nothing(BaseModel):
    """No fields at all."""


class Ask(dspy.Signature):
    """Inputs only: DSG026 warns, and the crate must still compile."""

    question: str = dspy.InputField()
'''


@pytest.mark.cargo
def test_crates_without_models_fields_or_outputs_pass_clippy(tmp_path: Path) -> None:
    """An Enum-only source gave `Literal[]` in the .pyi (a ruff failure blamed on dspygen) and an
    unused import in Rust; a model without fields and a signature without outputs left `py`
    unused. Both crates, one cargo workspace, one clippy -D warnings; both depend on this
    repository's runtime crate (one runtime per workspace: two copies would be two packages of
    one name)."""
    for name, source in (("enum_only", ENUM_ONLY), ("no_outputs", NO_OUTPUTS)):
        (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
        runtime = str(ROOT / "runtime")
        done = dspygen("build", f"{name}.py", "--out", f"crates/{name}_rs", "--runtime", runtime, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    (tmp_path / "Cargo.toml").write_text('[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n', encoding="utf-8")
    env = {**os.environ, "CARGO_TERM_COLOR": "never"}
    env.setdefault("CARGO_TARGET_DIR", str(ROOT / "generated" / "target"))
    env.setdefault("PYO3_PYTHON", sys.executable)
    done = subprocess.run(
        ["cargo", "clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]


def test_sample_floats_are_written_as_pydantic_writes_them() -> None:
    """Python writes 1.5e-05 and 1e-07; pydantic (and serde_json) 0.000015 and 1e-7."""
    adapter = TypeAdapter(float)
    rng = random.Random(7)
    values = [0.0, -0.0, 1.0, 3.0, 1e-4, 1e-5, 1.5e-5, 1e-6, 1e-7, 1e15, 1e16, 1.5e16, 5e-324, 1.7976931348623157e308]
    values += [struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0] for _ in range(20_000)]
    values += [10 ** rng.uniform(-12, 20) * rng.choice([1, -1]) for _ in range(20_000)]
    for value in values:
        if math.isfinite(value):
            assert json_float(value) == adapter.dump_json(value).decode(), value
    assert dumps({"a": [1.5e-05, 2], "é": None}) == '{"a":[0.000015,2],"é":null}'


def test_values_without_words_get_variants_of_their_own() -> None:
    """`Literal["+", "-"]` once gave two variants `Value` (DSG040); so did "a-b" / "a_b"."""
    assert naming.variant_names(["+", "-", "*/"]) == ["VPlus", "VMinus", "VStarSlash"]
    assert naming.variant_names(["follow-up", "follow_up", "other"]) == [
        "VfollowMinusup",
        "VfollowUnderscoreup",
        "Other",
    ]
    assert naming.variant_names(["self", "Self"]) == ["Vself", "VSelf"]
    assert naming.variant_names(["a", "b"]) == ["A", "B"]  # no collision: unchanged
    assert naming.variant_names(["\x00", "\u202e"]) == ["VU0", "VU202e"]
