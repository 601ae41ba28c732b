"""Frontend stage: the syntax of a class declaration, read without the index.

Declaration ids and the plain statements and literals of a class body, shared by the
readers of enums, models and signatures (frontend/classes.py and the modules it composes).
"""

from __future__ import annotations

import libcst as cst

from dspygen.frontend import literals
from dspygen.frontend.resolve import SourceModule


def decl_id(module: SourceModule, qualname: str) -> str:
    return f"{module.module}:{qualname}"


def body(node: cst.ClassDef) -> list[cst.BaseStatement]:
    return list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []


def assignments(node: cst.ClassDef) -> list[cst.BaseSmallStatement]:
    out: list[cst.BaseSmallStatement] = []
    for stmt in body(node):
        if isinstance(stmt, cst.SimpleStatementLine):
            out.extend(stmt.body)
    return out


def target_name(node: cst.Assign) -> str | None:
    target = node.targets[0].target if len(node.targets) == 1 else None
    return target.value if isinstance(target, cst.Name) else None


def int64(node: cst.BaseExpression) -> int | None:
    """An int literal within 64 bits (an Enum's value, a length setting), which Rust holds."""
    value = literals.integer(node)
    return value if value is not None and -(2**63) <= value < 2**63 else None
