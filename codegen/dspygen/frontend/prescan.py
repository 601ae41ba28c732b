"""Frontend stage: cheap textual tests that tell a tree walk it would find nothing.

A libcst walk over a whole file costs about as much as parsing it, and most files hold none
of what the walks after class reading look for. Each test here is a necessary condition,
checked on the source text: when it fails, the walk cannot find anything and is skipped;
when it holds (a comment or a string can make it hold), the walk runs as before. So the
tests may be loose but never strict: a skipped walk must be one that would have found nothing.
"""

from __future__ import annotations

import re

from dspygen.frontend import dspy_rules as rules

# Anything Python lets stand between two tokens inside brackets: blanks, line breaks,
# backslash continuations and comments.
_GAP = r"(?:[\s\\]|#[^\n]*)*"

# A class statement begins a line, after its indentation; one defined in a function is
# indented (Python refuses `def f(): class A: ...` on one line).
_INDENTED_CLASS = re.compile(r"^[ \t\f]+class\b", re.MULTILINE)
_DEF = re.compile(r"\bdef\b")

# A call whose first positional argument, or `signature=`, is a string literal (any prefix,
# in any number of parentheses): the only calls string_signatures.py reads.
_STRING_ARGUMENT = re.compile(rf"\({_GAP}(?:\({_GAP})*[rRbBuUfF]{{0,2}}['\"]|\bsignature{_GAP}=")

# A call of a signature's transform (`QA.with_instructions(...)`), what derived.py's walk warns about.
_TRANSFORM_CALL = re.compile(rf"\.{_GAP}(?:{'|'.join(sorted(rules.SIGNATURE_METHODS))}){_GAP}\(")


def may_define_local_classes(text: str) -> bool:
    """Whether a class may be defined inside a function."""
    return _DEF.search(text) is not None and _INDENTED_CLASS.search(text) is not None


def may_call_with_string(text: str) -> bool:
    """Whether a call may take a string literal as a signature (`dspy.Predict("q -> a")`)."""
    return _STRING_ARGUMENT.search(text) is not None


def may_transform(text: str) -> bool:
    """Whether a signature transform may be called (`QA.append(...)`)."""
    return _TRANSFORM_CALL.search(text) is not None
