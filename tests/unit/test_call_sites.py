"""The walks that enter only the statements holding a call site (call_sites.py) find what
walks over every node find: the same schema and the same diagnostics, on every Python file of
the repository and on written edge cases (decorators, continuations, nesting, one-line
blocks, statements sharing a line)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest
from repo_files import python_files

from dspygen.diagnostics import Sink
from dspygen.frontend import call_sites, prescan, static
from dspygen.frontend.resolve import PARSE_RECURSION_LIMIT, load_file, recursion_limit


def _read(path: Path, base: Path, *, prune: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[str]]:
    with monkeypatch.context() as patch:
        if not prune:
            patch.setattr(call_sites, "_find", lambda *_: None)  # every walk enters everything
        sink = Sink()
        schema = static.read([path], base, sink)
    return repr(schema), [repr(d) for d in sink.items]


def _walked(text: str) -> bool:
    """Whether any of the three walks runs on `text` (the cheap textual tests pass)."""
    return prescan.may_call_with_string(text) or prescan.may_transform(text) or prescan.may_define_local_classes(text)


def test_every_dspy_file_of_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frontend itself, with and without the shortcut, on the fixtures and the benchmarks."""
    compared = 0
    for path in python_files(("fixtures", "bench", "corpus")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if not _walked(text) or "dspy" not in text:
            continue
        pruned = _read(path, path.parent, prune=True, monkeypatch=monkeypatch)
        full = _read(path, path.parent, prune=False, monkeypatch=monkeypatch)
        assert pruned == full, path
        compared += 1
    assert compared >= 25


class _Seen(call_sites.Walker):
    def __init__(self) -> None:
        self.seen: list[cst.CSTNode] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.seen.append(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.seen.append(node)


def test_no_statement_holding_a_site_is_skipped() -> None:
    """On every file of the repository, with every third call and class as a site: the pruned
    walk meets each of them (the statements tile each block's lines), meets the rest in the same
    order as the full walk, and skips some."""
    met = skipped = 0
    for path in python_files():
        try:
            module = load_file(path, path.parent, Sink(), path.stem, path.parent, False)
        except RecursionError:
            continue
        if module is None:
            continue  # the fixtures of syntax errors and of nesting beyond the parser's limit
        full = _Seen()
        with recursion_limit(PARSE_RECURSION_LIMIT):
            full.walk(module, None)
            chosen = full.seen[::3]
            pruned = _Seen()
            pruned.walk(module, frozenset(module.starts[n][0] for n in chosen))
        met_here = set(pruned.seen)
        assert met_here >= set(chosen), path
        assert pruned.seen == [n for n in full.seen if n in met_here], path
        met += len(chosen)
        skipped += len(full.seen) - len(pruned.seen)
    assert met > 5_000 and skipped > 5_000


HEADER = """import dspy
from pydantic import BaseModel
from dspy import Predict as P


class QA(dspy.Signature):
    q: str = dspy.InputField()
    a: str = dspy.OutputField()


"""

EDGE_CASES = [
    # string signatures, in every kind of statement and position
    'x = dspy.Predict("q -> a")',
    'x = 1; y = dspy.Predict("q -> a"); z = 2',
    'if True: y = dspy.Predict("q -> a")',
    'def f():\n    pass\n\n\n@decorate(dspy.Predict("q -> a"))\ndef g():\n    pass',
    'class A:\n    @staticmethod\n    def f(p=P("q -> a")):\n        return p',
    "class A:\n    def f(self):\n        x = [\n            1,\n            P(\n                'q -> a'),\n        ]",
    'class A:\n    def __init__(self):\n        self.gen = dspy.ChainOfThought(\n            "q -> a"\n        )',
    'for i in range(3):\n    pass\nelse:\n    z = dspy.Predict("q -> b")',
    'try:\n    pass\nexcept Exception:\n    pass\nfinally:\n    w = dspy.Predict("q -> c")',
    'with open("f") as f:\n    v = dspy.Predict(signature="q -> d")',
    'f = lambda: dspy.Predict("q -> e")',
    'async def g():\n    async with x:\n        return dspy.Predict("q -> f")',
    'def outer():\n    def inner():\n        # dspygen: name=Named\n        return dspy.Predict("q -> g")\n'
    "    return inner",
    'x = dspy.Predict(\\\n    "q -> h")',
    'x = dspy.Predict("q -> i").append("c", dspy.InputField())',
    'x = print("not a signature"); y = dspy.Predict("q -> j")',
    # transforms no module-level name holds
    'def f():\n    return QA.with_instructions("x")',
    "class A:\n    def f(self):\n        items = []\n        items.append(1)\n"
    '        return QA.append("c", dspy.InputField())',
    "y = [QA.prepend('c', dspy.InputField())]",
    "z = dspy.Predict(dspy.Signature('q -> a').delete('a'))",
    # classes defined in functions
    "def f():\n    class Local(BaseModel):\n        x: int\n    return Local",
    "def f():\n    @decorate\n    class Local(dspy.Signature):\n        q: str = dspy.InputField()\n    return Local",
    "class Outer:\n    def f(self):\n        if True:\n            class Deep(BaseModel):\n                x: int",
    "def f(): pass\nclass B:\n    def g(self):\n        class A(BaseModel):\n            x: int",
]


@pytest.mark.parametrize("body", EDGE_CASES)
def test_edge_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    path = tmp_path / "edge.py"
    path.write_text(HEADER + textwrap.dedent(body) + "\n", encoding="utf-8")
    pruned = _read(path, tmp_path, prune=True, monkeypatch=monkeypatch)
    full = _read(path, tmp_path, prune=False, monkeypatch=monkeypatch)
    assert pruned == full
    sites = call_sites._find(path.read_text(encoding="utf-8"), frozenset({"dspy", "BaseModel", "P", "QA"}))
    assert sites is not None and (sites.string_calls or sites.transform_calls or sites.local_classes)


def test_what_python_cannot_parse_is_walked_whole() -> None:
    assert call_sites._find("type Alias = list[int]\nx = dspy.Predict('q -> a')\n", frozenset({"dspy"})) is None
    assert call_sites._find("x = 1\ry = dspy.Predict('q -> a')\n", frozenset({"dspy"})) is None


def test_calls_of_names_nothing_binds_are_no_sites() -> None:
    """`Index.symbol` resolves only imported, class and builtin names: a local `logger.info("...")`
    or `items.append(...)` can be neither a string signature nor a transform."""
    text = "def f(items):\n    logger.info('x')\n    items.append(1)\n    print('y')\n"
    assert call_sites._find(text, frozenset({"dspy"})) == call_sites.Sites(frozenset(), frozenset(), frozenset())
