"""prescan.py's tests are necessary conditions: wherever the walk they skip finds something,
they must hold. Checked on every Python file of the repository and on written edge cases
(comments, continuations and parentheses between the tokens)."""

from __future__ import annotations

import libcst as cst
import pytest
from repo_files import python_files

from dspygen.frontend import dspy_rules as rules
from dspygen.frontend import prescan
from dspygen.frontend.resolve import PARSE_RECURSION_LIMIT, recursion_limit


class _Found(cst.CSTVisitor):
    """What each skipped walk acts on, found by walking: a superset of what it reports."""

    def __init__(self) -> None:
        self.functions = 0
        self.local_class = False
        self.string_call = False
        self.transform_call = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.local_class |= self.functions > 0

    def visit_Call(self, node: cst.Call) -> None:
        strings = cst.SimpleString | cst.ConcatenatedString | cst.FormattedString
        for position, arg in enumerate(node.args):
            key = arg.keyword.value if arg.keyword is not None else None
            if ((key is None and position == 0) or key == "signature") and isinstance(arg.value, strings):
                self.string_call = True
        func = node.func
        self.transform_call |= isinstance(func, cst.Attribute) and func.attr.value in rules.SIGNATURE_METHODS


def _check(text: str) -> _Found:
    found = _Found()
    cst.parse_module(text).visit(found)
    if found.local_class:
        assert prescan.may_define_local_classes(text)
    if found.string_call:
        assert prescan.may_call_with_string(text)
    if found.transform_call:
        assert prescan.may_transform(text)
    return found


def test_every_file_of_the_repository() -> None:
    files = python_files()
    assert len(files) > 300
    seen = {"local_class": 0, "string_call": 0, "transform_call": 0}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            with recursion_limit(PARSE_RECURSION_LIMIT):
                found = _check(text)
        except (cst.ParserSyntaxError, RecursionError):
            continue  # the fixtures of syntax errors and of nesting beyond the parser's limit
        for key in seen:
            seen[key] += getattr(found, key)
    assert all(count >= 1 for count in seen.values()), seen  # each condition was exercised


EDGE_CASES = [
    'x = dspy.Predict("q -> a")',
    'x = dspy.Predict(  # the signature\n    "q -> a",\n)',
    'x = dspy.Predict(\\\n"q -> a")',
    'x = dspy.Predict((("q -> a")))',
    'x = dspy.Predict( ( # c\n "q -> a"))',
    'x = dspy.Predict(rb"q -> a")',
    'x = dspy.Predict(F"{q} -> a")',
    'x = dspy.Predict("q" " -> a")',
    "x = dspy.Predict('q -> a')",
    'x = dspy.Predict("""q -> a""")',
    'x = dspy.Predict(signature="q -> a")',
    'x = dspy.Predict(signature  # c\n = "q -> a")',
    'x = dspy.Predict(max_retries=2, signature=("q -> a"))',
    "def f():\n    class A(BaseModel):\n        x: int",
    "def f():\n\tclass A(BaseModel):\n\t\tx: int",
    "async def f():\n    if True:\n        class A(BaseModel):\n            x: int",
    "def f(): pass\nclass B:\n    def g(self):\n        class A:\n            pass",
    "T = QA.with_instructions('x')",
    "T = (QA\n    .append('x', dspy.InputField())\n    .delete('y'))",
    "T = (QA.  # c\n    prepend ('x', dspy.InputField()))",
    "T = QA.with_updated_fields\\\n('x')",
    "T = f(QA.insert(0, 'x', dspy.InputField()))",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases(text: str) -> None:
    found = _check(text)
    assert found.local_class or found.string_call or found.transform_call  # each case is a real positive


@pytest.mark.parametrize(
    "text",
    [
        "class A(BaseModel):\n    x: int = Field(description='d')\n    class Config:\n        frozen = True",
        "import dspy\nclass QA(dspy.Signature):\n    q: str = dspy.InputField(desc='d')",
        "x = [1, 2]\nx.sort()\n",
    ],
)
def test_files_without_any_are_skipped(text: str) -> None:
    assert not prescan.may_define_local_classes(text)
    assert not prescan.may_call_with_string(text)
    assert not prescan.may_transform(text)
