"""The importing frontend (real classes, introspected) and the static one (source, read)
agree: equal IR wherever both apply, over every [tool.dspygen] target of this repository.

Where they legitimately differ: the files reached through imports (Python imports every module
on the way, the static frontend parses only what it needs), spans (the importing frontend knows lines, not columns),
the text of a string signature (rebuilt from its fields), string signatures that only
exist when code runs (inside functions and methods) which the importing frontend does not see,
and the signatures in STATIC_UNSUPPORTED, which only running code builds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dspygen.config import Target, load_targets
from dspygen.diagnostics import Code, Sink, render
from dspygen.frontend import importing, static
from dspygen.ir.dump import to_json

ROOT = Path(__file__).resolve().parents[2]
# Signatures built by running code: the importing frontend reads them, the static one leaves them
# out with a DSG027 warning at the given line. Each entry must hold for both frontends.
STATIC_UNSUPPORTED = {
    "transforms.dynamic:Described": ("fixtures/transforms/dynamic.py", 21),  # a loop of .append(name=var)
    "transforms.dynamic:FromSpec": ("fixtures/transforms/dynamic.py", 25),  # make_signature(dict_variable)
    "transforms.dynamic:Typed": ("fixtures/transforms/dynamic.py", 28),  # type("Typed", (dspy.Signature,), ...)
    "transforms.dynamic:Report": ("fixtures/transforms/dynamic.py", 48),  # what a function building one returns
}


def _targets() -> list[Target]:
    sink = Sink()
    targets = load_targets(ROOT / "pyproject.toml", "pyproject.toml", sink)
    assert not sink.items
    return targets


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "span"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize("target", _targets(), ids=lambda t: t.crate_name)
def test_static_and_importing_frontends_agree(target: Target) -> None:
    files = list(target.sources)
    sink_static, sink_import = Sink(), Sink()
    mapped = frozenset(m.python for m in target.types)  # classes mapped to the user's Rust types
    read_static = static.read(files, ROOT, sink_static, mapped)
    by_static = _plain(json.loads(to_json(read_static)))
    by_import = _plain(json.loads(to_json(importing.read(files, ROOT, sink_import, mapped=mapped))))
    assert [render(d) for d in sink_import.items] == []
    for key in ("schema_version", "models", "enums"):
        assert by_import[key] == by_static[key], key
    # The files given agree; of the files reached through imports, the static frontend parses
    # only what it needs, Python imports every module on the way.
    entries = [[s for s in frontend["sources"] if not s["followed"]] for frontend in (by_import, by_static)]
    assert entries[0] == entries[1]
    followed = [{s["path"] for s in frontend["sources"] if s["followed"]} for frontend in (by_import, by_static)]
    assert followed[1] <= followed[0]
    static_signatures = {s["id"]: s for s in by_static["signatures"]}
    if static_signatures:
        assert by_import["signatures"], "the importing frontend found no signature"
    warned = {(d.span.path, d.span.line) for d in sink_static.items if d.code is Code.DYNAMIC_SIGNATURE and d.span}
    for found in by_import["signatures"]:
        if found["id"] in STATIC_UNSUPPORTED:
            assert found["id"] not in static_signatures, found["id"]
            assert STATIC_UNSUPPORTED[found["id"]] in warned, f"no DSG027 warning for {found['id']}"
            continue
        assert found["id"] in static_signatures, f"only the importing frontend sees {found['id']}"
        expected = static_signatures[found["id"]]
        # A desc only running the class tells (an f-string): the static frontend keeps DSPy's default, and says
        # so; it cannot know the side's JSON Schema either (the importing frontend, which knows the desc, can).
        unknown = _unknown_descs(read_static, sink_static)
        for field in found["fields"]:
            if (found["id"], field["name"]) in unknown:
                static_field = next(f for f in expected["fields"] if f["name"] == field["name"])
                field["desc"] = static_field["desc"]
                field["schema_unknown"] = static_field["schema_unknown"]
        for key in expected:
            if key == "text":
                continue
            assert found[key] == expected[key], (found["id"], key)


def _unknown_descs(schema: Any, sink: Sink) -> set[tuple[str, str]]:
    """(signature id, field name) of the fields whose desc the static frontend warned it cannot read."""
    lines = {(d.span.path, d.span.line) for d in sink.items if d.code is Code.NON_STATIC and d.span}
    return {(s.id, f.name) for s in schema.signatures for f in s.fields if (f.span.path, f.span.line) in lines}


def test_static_unsupported_signatures_are_all_read_by_the_importing_frontend() -> None:
    """Keeps STATIC_UNSUPPORTED narrow: every entry names a signature that exists."""
    files = sorted({ROOT / path for path, _ in STATIC_UNSUPPORTED.values()})
    sink = Sink()
    schema = json.loads(to_json(importing.read(files, ROOT, sink)))
    assert [render(d) for d in sink.items] == []
    assert set(STATIC_UNSUPPORTED) <= {s["id"] for s in schema["signatures"]}


def test_importing_frontend_reports_import_errors_as_diagnostics(tmp_path: Path) -> None:
    broken = tmp_path / "broken_module.py"
    broken.write_text("import no_such_module_anywhere\n")
    sink = Sink()
    importing.read([broken], tmp_path, sink)
    messages = [render(d) for d in sink.items]
    assert len(messages) == 1
    assert messages[0].startswith("broken_module.py:1:1: error[DSG044]: importing failed: ModuleNotFoundError")
