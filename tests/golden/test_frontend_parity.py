"""The importing frontend (real classes, introspected) and the static one (source, read)
agree: equal IR wherever both apply, over every [tool.dspygen] target of this repository.

Where they legitimately differ: spans (the importing frontend knows lines, not columns),
the text of a string signature (rebuilt from its fields), and string signatures that only
exist when code runs (inside functions and methods) which the importing frontend does not see.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dspygen.config import Target, load_targets
from dspygen.diagnostics import Sink, render
from dspygen.frontend import importing, static
from dspygen.ir.dump import to_json

ROOT = Path(__file__).resolve().parents[2]


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
    by_static = _plain(json.loads(to_json(static.read(files, ROOT, sink_static))))
    by_import = _plain(json.loads(to_json(importing.read(files, ROOT, sink_import))))
    assert [render(d) for d in sink_import.items] == []
    for key in ("schema_version", "sources", "models", "enums"):
        assert by_import[key] == by_static[key], key
    static_signatures = {s["id"]: s for s in by_static["signatures"]}
    if static_signatures:
        assert by_import["signatures"], "the importing frontend found no signature"
    for found in by_import["signatures"]:
        assert found["id"] in static_signatures, f"only the importing frontend sees {found['id']}"
        expected = static_signatures[found["id"]]
        for key in expected:
            if key == "text":
                continue
            assert found[key] == expected[key], (found["id"], key)


def test_importing_frontend_reports_import_errors_as_diagnostics(tmp_path: Path) -> None:
    broken = tmp_path / "broken_module.py"
    broken.write_text("import no_such_module_anywhere\n")
    sink = Sink()
    importing.read([broken], tmp_path, sink)
    messages = [render(d) for d in sink.items]
    assert len(messages) == 1
    assert messages[0].startswith("broken_module.py:1:1: error[DSG044]: importing failed: ModuleNotFoundError")
