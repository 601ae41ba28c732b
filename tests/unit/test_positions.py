"""positions.starts places every node where libcst's PositionProvider does: compared node by
node over every Python file of the repository and over line breaks of each kind."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider
from repo_files import python_files

from dspygen.frontend import positions
from dspygen.frontend.resolve import PARSE_RECURSION_LIMIT, parse_module, recursion_limit


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
