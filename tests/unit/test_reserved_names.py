"""No Python name is reserved: a model, Enum or signature named like a type of Rust's prelude,
of pyo3, serde or the runtime crate is the Rust type of that name (issue 13). These names were
refused (DSG041) while the generated code named those types by their short names after `use`
lines; it now names every type it does not declare by its absolute path.

The fixture (fixtures/reserved/) is a target of this repository: `make rust` runs clippy and the
tests over its crate and `make bindings` its round trips; the test below compiles it alone too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CRATE = ROOT / "generated" / "crates" / "reserved_rs"
# The names lower/naming.py reserved (RESERVED_TYPES), but for `None` and `Self` (Python and Rust
# keywords), and runtime types a crate used to re-export.
FORMERLY_RESERVED = (
    *("Option", "Some", "Result", "Ok", "Err", "Box", "String", "Vec", "IndexMap", "Serialize", "Deserialize"),
    *("Signature", "SignatureInput", "SignatureOutput", "Predict", "Prediction", "FieldMeta", "FieldKind"),
    *("PythonSignature", "PyAny", "PyResult", "PyErr", "PyDict", "PyType", "Python", "Bound", "Borrowed", "Py"),
    *("Example", "ChainOfThought", "Iterator", "ToString", "ToOwned", "Clone", "Default"),
)


def declared() -> set[str]:
    text = "\n".join((CRATE / "src" / name).read_text(encoding="utf-8") for name in ("models.rs", "signatures.rs"))
    return set(re.findall(r"^pub (?:struct|enum) (\w+)", text, re.MULTILINE))


@pytest.mark.parametrize("name", FORMERLY_RESERVED)
def test_a_formerly_reserved_name_is_a_type_of_its_own(name: str) -> None:
    assert name in declared()


def test_a_string_signature_bound_to_predict_is_the_type_predict() -> None:
    signatures = (CRATE / "src" / "signatures.rs").read_text(encoding="utf-8")
    assert "impl ::dspygen_runtime::Signature for Predict {" in signatures
    assert "type Input = PredictInput;" in signatures
    lib = (CRATE / "src" / "lib.rs").read_text(encoding="utf-8")
    exported = lib.split("pub use ::dspygen_runtime::{", 1)[1].split("}", 1)[0]
    # the crate's own `Predict`, `Example`, ... stand at its root; the runtime's are `runtime::Predict`
    assert {"Predict", "Example", "Prediction", "Signature", "ChainOfThought"}.isdisjoint(exported.split(", "))


@pytest.mark.cargo
def test_the_crate_compiles() -> None:
    env = {**os.environ, "CARGO_TERM_COLOR": "never"}
    env.setdefault("CARGO_TARGET_DIR", str(ROOT / "generated" / "target"))
    env.setdefault("PYO3_PYTHON", sys.executable)
    done = subprocess.run(
        ["cargo", "check", "--quiet", "--all-targets", "-p", "reserved_rs"],
        cwd=ROOT / "generated",
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
