"""What every generated crate shares is the runtime crate's, and only there (issue 13): no file
under generated/crates/*/src defines an item runtime/src defines, and every crate depends on
the runtime by version and path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomlkit

from dspygen import runtime_crate
from dspygen.config import load_targets
from dspygen.diagnostics import Sink
from dspygen.frontend import static
from dspygen.lower.crate import CrateOptions, lower

ROOT = Path(__file__).resolve().parents[2]
CRATES = sorted((ROOT / "generated" / "crates").iterdir())
# A top-level item (rustfmt puts those at column 0; what an `impl` or a function holds is
# indented): its kind and name (`pub(crate) fn import_path`, `macro_rules! from_py`).
ITEM = re.compile(
    r"^(?:pub(?:\([^)]*\))?\s+)?(?:const\s+(?=fn)|unsafe\s+)?"
    r"(fn|struct|enum|trait|type|static|const|mod|macro_rules!)\s+(\w+)",
    re.M,
)


def items(files: list[Path]) -> set[tuple[str, str]]:
    return {(kind, name) for path in files for kind, name in ITEM.findall(path.read_text(encoding="utf-8"))}


RUNTIME_ITEMS = items(sorted((ROOT / "runtime" / "src").rglob("*.rs")))


def declared(crate: Path) -> set[str]:
    """The types the crate's input declares (its models, Enums, Literals, unions, signatures),
    which may bear a runtime type's name (fixtures/reserved): they are the user's, not copies."""
    sink = Sink()
    targets = load_targets(ROOT / "pyproject.toml", "pyproject.toml", sink)
    [target] = [t for t in targets if t.out.resolve() == crate.resolve()]
    schema = static.read(list(target.sources), ROOT, sink, frozenset(m.python for m in target.types))
    types = {m.python: m.rust for m in target.types}
    view = lower(schema, CrateOptions(target.crate_name, "out", target.module_name, types), sink)
    names = {m.ident for m in view.models} | {e.ident for e in view.enums} | {u.ident for u in view.unions}
    names |= {n for s in view.signatures for n in (s.ident, s.input.ident, s.output.ident)}
    return names


def test_the_runtime_defines_what_the_crates_share() -> None:
    assert {("trait", "Signature"), ("struct", "Predict"), ("enum", "Atom"), ("macro_rules!", "struct_serde")} <= (
        RUNTIME_ITEMS
    )


@pytest.mark.parametrize("crate", CRATES, ids=lambda p: p.name)
def test_no_generated_file_defines_an_item_the_runtime_defines(crate: Path) -> None:
    own = declared(crate)
    generated = {(kind, name) for kind, name in items(sorted((crate / "src").glob("*.rs"))) if name not in own}
    assert not generated & RUNTIME_ITEMS, sorted(generated & RUNTIME_ITEMS)


@pytest.mark.parametrize("crate", CRATES, ids=lambda p: p.name)
def test_every_crate_depends_on_the_runtime_by_version_and_path(crate: Path) -> None:
    cargo = tomlkit.parse((crate / "Cargo.toml").read_text(encoding="utf-8")).unwrap()
    dependencies = cargo["dependencies"]
    runtime = dependencies["dspygen-runtime"]
    assert runtime["version"] == f"={runtime_crate.version()}"
    assert (crate / runtime["path"]).resolve() == (ROOT / "runtime").resolve()
    # pyo3, serde, serde_json and indexmap come through the runtime (`::dspygen_runtime::pyo3`)
    assert not {"pyo3", "serde", "serde_json", "indexmap"} & set(dependencies)
    assert sorted((crate / "src").glob("*.rs")) == [crate / "src" / f for f in sorted(_sources(crate))]


def _sources(crate: Path) -> list[str]:
    """What a crate's src/ holds: nothing of the runtime's (no runtime.rs, modules.rs, pytypes.rs, ...)."""
    return ["bindings.rs", "lib.rs", "models.rs", "signatures.rs"]
