"""positions.starts places every node where libcst's PositionProvider does: compared node by
node over every Python file of the repository and over line breaks of each kind."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider
from repo_files import python_files

from dspygen.frontend import positions
from dspygen.frontend.resolve import PARSE_RECURSION_LIMIT, parse_module, python_tree, recursion_limit


def _compare(text: str) -> int:
    tree = cst.parse_module(text)
    expected = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
    found = positions.starts(tree)
    assert found.keys() == expected.keys()
    for node, where in expected.items():
        assert found[node] == (where.start.line, where.start.column), (type(node).__name__, where)
    return len(found)


def test_every_file_of_the_repository() -> None:
    compared = 0
    for path in python_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            with recursion_limit(PARSE_RECURSION_LIMIT):
                compared += _compare(text)
        except (cst.ParserSyntaxError, RecursionError):
            continue  # the fixtures of syntax errors and of nesting beyond the parser's limit
    assert compared > 100_000


@pytest.mark.parametrize(
    "text",
    [
        "class A:\r\n    x: int\r\n    y: str = 'a'\r\n",
        "class A:\r    x: int\r    y: str\r",
        "class A:\n\tx: int\n\tdef f(self):\n\t\treturn (1,\n  2)\n",
        "x = '''a\r\nb\rc\nd''' ; y = 1\n",
        "\n\n# c\n@d\n\nclass A(B, metaclass=M):  # c\n    '''doc'''\n\n    x: 'int' = \\\n        3\n",
        "if True:\n    class A: pass\nelse:\n  class B: x: int\n",
        "",
        "x",
    ],
)
def test_line_breaks_indentation_and_continuations(text: str) -> None:
    _compare(text)


def test_the_unvalidated_parse_builds_the_same_trees() -> None:
    """resolve.parse_module skips libcst's per-node validation while its parser builds a tree:
    the same tree, and validation back on afterwards, also after a syntax error."""
    for path in python_files(("fixtures", "codegen")):
        text = path.read_text(encoding="utf-8", errors="replace")
        with recursion_limit(PARSE_RECURSION_LIMIT):
            try:
                expected = cst.parse_module(text)
            except (cst.ParserSyntaxError, RecursionError):
                continue  # the fixtures of syntax errors and of nesting beyond the parser's limit
            assert parse_module(text).deep_equals(expected), path
    with pytest.raises(cst.ParserSyntaxError):
        parse_module("def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


def _lazy(text: str) -> tuple[cst.Module, positions.Starts]:
    tree = parse_module(text)
    return tree, positions.Starts(tree, text, python_tree(text))


def test_placing_one_statement_at_a_time_places_every_node_alike() -> None:
    """positions.Starts, which places no node before one is asked for, answers as
    positions.starts for every node of every file of the repository; and its plan holds (no
    fallback to placing everything) for nearly all of them."""
    files = lazy = 0
    for path in python_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        with recursion_limit(PARSE_RECURSION_LIMIT):
            try:
                tree, found = _lazy(text)
            except (cst.ParserSyntaxError, RecursionError):
                continue
            files += 1
            assert not found._known, path  # nothing placed until asked
            deferred = [s for s in tree.body if isinstance(s, cst.FunctionDef | cst.ClassDef) and s in found._pending]
            lazy += bool(deferred) or found._plan is not None
            expected = positions.starts(tree)
            # A node of a class read first (the frontend's order), then every node.
            classes = [s for s in tree.body if isinstance(s, cst.ClassDef) and s.bases]
            for node in [*classes, *expected]:
                assert found.get(node) == expected.get(node), (path, type(node).__name__)
    assert files > 300 and lazy > 0.95 * files


@pytest.mark.parametrize(
    "text",
    [
        "import a\n\n\n# c\n\n@d\n# e\n@f(1,\n  2)\n\ndef g():\n    return 1\nclass A:\n    x = 1\nx = 1; y = 2\n",
        "def f():\n    pass\n    # trailing, indented\n# dedented\n\nclass B(A):\n    x: int\n",
        "if x:\n    def f(): pass\nelse:\n    class C: pass\n",
        "async def f():\n    pass\n\n\n@dataclass\nclass D:\n    x: int\n",
        "class E: pass\n# the end, no newline",
        '"""doc"""\nfrom a import b\n\n\ndef f(\n    x,\n):\n    """\n\n    """\n',
    ],
)
def test_plans_that_hold_and_plans_that_do_not(text: str) -> None:
    tree, found = _lazy(text)
    expected = positions.starts(tree)
    for node in expected:
        assert found.get(node) == expected[node], type(node).__name__
