"""config.py: [tool.dspygen] -> Targets; every mistake a diagnostic at its pyproject.toml line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dspygen.config import Target, default_crate_name, find_pyproject, load_targets, make_target
from dspygen.diagnostics import Code, Diagnostic, Sink, Span

PROJECT = """\
[project]
name = "dspygen-demo"
version = "0.1.0"
description = "uses dspygen"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for rel in ["app/a.py", "app/b.py", "app/sub/c.py", "other/d.py", "other/e.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")
    return tmp_path


def load(root: Path, toml: str) -> tuple[list[Target], list[Diagnostic]]:
    (root / "pyproject.toml").write_text(toml, encoding="utf-8")
    sink = Sink()
    targets = load_targets(root / "pyproject.toml", "pyproject.toml", sink)
    return targets, sink.items


def line_of(toml: str, needle: str) -> int:
    """The 1-based line of the only line holding `needle` (the test's own oracle)."""
    found = [n for n, line in enumerate(toml.splitlines(), start=1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


def test_single_table(project: Path) -> None:
    toml = PROJECT + '\n[tool.dspygen]\nsources = ["app/a.py"]\nout = "bindings/my_rs"\ncrate-name = "my_rs"\n'
    targets, diags = load(project, toml)
    assert diags == []
    assert targets == [Target((project / "app/a.py",), project / "bindings/my_rs", "my_rs", "my_rs", None)]


def test_single_table_defaults(project: Path) -> None:
    toml = '[tool.dspygen]\nsources = ["app/a.py"]\nout = "bindings/My-Bindings"\ntemplates = "tpl"\n'
    [target], diags = load(project, toml)
    assert diags == []
    assert target.crate_name == "my_bindings" == default_crate_name(project / "bindings/My-Bindings")
    assert target.module_name == "my_bindings"
    assert target.templates == project / "tpl"


def test_array_of_targets(project: Path) -> None:
    toml = (
        PROJECT
        + '\n[[tool.dspygen.targets]]\nsources = ["app/a.py"]\nout = "bindings/one"\n'
        + '\n[[tool.dspygen.targets]]\nsources = ["other/d.py"]\nout = "bindings/two"\n'
        + 'crate-name = "two_rs"\nmodule-name = "two"\n'
    )
    targets, diags = load(project, toml)
    assert diags == []
    assert [(t.crate_name, t.module_name, t.out) for t in targets] == [
        ("one", "one", project / "bindings/one"),
        ("two_rs", "two", project / "bindings/two"),
    ]
    assert targets[1].sources == (project / "other/d.py",)


def test_no_table_means_no_targets(project: Path) -> None:
    targets, diags = load(project, PROJECT)
    assert targets == [] and diags == []


def test_globs_are_sorted_and_recursive(project: Path) -> None:
    toml = '[tool.dspygen]\nsources = ["app/*.py", "app/**/c.py", "other/?.py"]\nout = "bindings"\n'
    [target], diags = load(project, toml)
    assert diags == []
    assert target.sources == (
        project / "app/a.py",
        project / "app/b.py",
        project / "app/sub/c.py",
        project / "other/d.py",
    )


def test_glob_matching_nothing_points_at_its_line(project: Path) -> None:
    toml = PROJECT + '\n[tool.dspygen]\nsources = [\n  "app/a.py",\n  "missing/*.py",\n]\nout = "bindings"\n'
    _, diags = load(project, toml)
    assert [(d.code, d.span) for d in diags] == [
        (Code.CONFIG, Span("pyproject.toml", line_of(toml, "missing/*.py"), 1))
    ]
    assert "missing/*.py" in diags[0].message


def test_unknown_key_points_at_its_line(project: Path) -> None:
    # `name` is also a key of [project]: the diagnostic must point into [tool.dspygen].
    toml = PROJECT + '\n[tool.dspygen]\nsources = ["app/a.py"]\nout = "bindings"\nname = "x"\ncrate_name = "y"\n'
    _, diags = load(project, toml)
    spans = {d.message: d.span for d in diags}
    assert all(d.code is Code.CONFIG for d in diags)
    assert spans == {
        "unknown key `crate_name` in [tool.dspygen]. Did you mean `crate-name`?": Span(
            "pyproject.toml", line_of(toml, "crate_name ="), 1
        ),
        "unknown key `name` in [tool.dspygen]": Span("pyproject.toml", line_of(toml, 'name = "x"'), 1),
    }


def test_unknown_key_in_the_second_target(project: Path) -> None:
    toml = (
        '[[tool.dspygen.targets]]\nsources = ["app/a.py"]\nout = "bindings/one"\n\n'
        '[[tool.dspygen.targets]]\nsources = ["app/b.py"]\nout = "bindings/two"\nsource = "typo"\n'
    )
    _, diags = load(project, toml)
    assert [(d.message, d.span) for d in diags] == [
        (
            "unknown key `source` in [tool.dspygen]. Did you mean `sources`?",
            Span("pyproject.toml", line_of(toml, "source ="), 1),
        )
    ]


@pytest.mark.parametrize("name", ["My-Crate", "my-crate", "1crate", "crate name", "type", "fn", "match", "class", ""])
def test_bad_crate_name_points_at_the_crate_name_line(project: Path, name: str) -> None:
    # "dspygen" appears above in [project]: the diagnostic must not point there.
    toml = (
        '[project]\nname = "dspygen-user"\n\n'
        f'[tool.dspygen]\nsources = ["app/a.py"]\nout = "bindings"\ncrate-name = "{name}"\n'
    )
    targets, diags = load(project, toml)
    if name == "":
        # An empty crate-name falls back to the default from `out`.
        assert diags == [] and targets[0].crate_name == "bindings"
        return
    assert targets == []
    assert [(d.code, d.span) for d in diags] == [
        (Code.INVALID_NAME, Span("pyproject.toml", line_of(toml, "crate-name"), 1))
    ]


def test_bad_module_name_points_at_its_line(project: Path) -> None:
    toml = (
        '# dspygen config below\n[tool.dspygen]\nsources = ["app/a.py"]\nout = "bindings"\nmodule-name = "Bad.Name"\n'
    )
    _, diags = load(project, toml)
    assert [(d.code, d.span) for d in diags] == [
        (Code.INVALID_NAME, Span("pyproject.toml", line_of(toml, "module-name"), 1))
    ]


def test_crate_name_from_a_bad_out_points_at_out(project: Path) -> None:
    toml = '[tool.dspygen]\nsources = ["app/a.py"]\nout = "bindings/match"\n'
    _, diags = load(project, toml)
    assert [(d.code, d.span) for d in diags] == [(Code.INVALID_NAME, Span("pyproject.toml", line_of(toml, "out ="), 1))]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('sources = "app/a.py"\nout = "bindings"\n', "sources"),
        ('sources = []\nout = "bindings"\n', "sources"),
        ('sources = [1]\nout = "bindings"\n', "sources"),
        ('sources = ["app/a.py"]\nout = 3\n', "out ="),
        ('sources = ["app/a.py"]\n', "[tool.dspygen]"),
    ],
)
def test_wrong_types_are_diagnostics(project: Path, body: str, key: str) -> None:
    toml = PROJECT + "\n[tool.dspygen]\n" + body
    targets, diags = load(project, toml)
    assert targets == []
    assert [(d.code, d.span) for d in diags] == [(Code.CONFIG, Span("pyproject.toml", line_of(toml, key), 1))]


def test_keys_beside_targets_are_reported(project: Path) -> None:
    toml = '[tool.dspygen]\ntemplates = "tpl"\n\n[[tool.dspygen.targets]]\nsources = ["app/a.py"]\nout = "bindings"\n'
    targets, diags = load(project, toml)
    assert len(targets) == 1
    assert [(d.code, d.span) for d in diags] == [(Code.CONFIG, Span("pyproject.toml", line_of(toml, "templates"), 1))]


def test_two_targets_writing_one_folder_are_refused(project: Path) -> None:
    toml = (
        '[[tool.dspygen.targets]]\nsources = ["app/a.py"]\nout = "bindings"\n\n'
        '[[tool.dspygen.targets]]\nsources = ["app/b.py"]\nout = "./bindings/"\ncrate-name = "other"\n'
    )
    targets, diags = load(project, toml)
    assert [(d.code, d.span) for d in diags] == [(Code.CONFIG, Span("pyproject.toml", line_of(toml, "./bindings/"), 1))]
    assert len(targets) == 1


def test_invalid_toml_is_a_diagnostic_at_its_line(project: Path) -> None:
    toml = '[tool.dspygen]\nsources = ["app/a.py"\nout = "bindings"\n'
    targets, diags = load(project, toml)
    assert targets == []
    assert [d.code for d in diags] == [Code.CONFIG]
    assert diags[0].span is not None and diags[0].span.line in {2, 3}


def test_find_pyproject_walks_up(project: Path) -> None:
    (project / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    assert find_pyproject(project / "app" / "sub") == project / "pyproject.toml"


def test_make_target_for_command_line_files(project: Path) -> None:
    sink = Sink()
    target = make_target([project / "app/a.py"], project / "out_rs", None, None, None, sink)
    assert target is not None and target.crate_name == "out_rs" and target.module_name == "out_rs"
    assert make_target([project / "app/a.py"], project / "x", "Bad", None, None, sink) is None
    assert [d.code for d in sink.items] == [Code.INVALID_NAME]
