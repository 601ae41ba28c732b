"""Frontend stage: the syntax of a class declaration, read without the index.

Declaration ids and the plain statements and literals of a class body, shared by the
readers of enums, models and signatures (frontend/classes.py and the modules it composes).
"""

from __future__ import annotations

import libcst as cst

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


def string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def integer(node: cst.BaseExpression) -> int | None:
    """An int literal, maybe negative, within 64 bits (an Enum's value)."""
    negative = isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus)
    inner = node.expression if isinstance(node, cst.UnaryOperation) and negative else node
    if not isinstance(inner, cst.Integer):
        return None
    value = -int(inner.evaluated_value) if negative else int(inner.evaluated_value)
    return value if -(2**63) <= value < 2**63 else None
