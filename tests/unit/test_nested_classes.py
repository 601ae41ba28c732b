"""Classes nested in a model or a signature, named bare in the class's annotations and
defaults, read as Python and pydantic resolve them: the class's own body first; in a lazily
evaluated annotation (a string, or `from __future__ import annotations`) the body the class
was defined in next, one level up only; then the module. pydantic and dspy are the oracles:
each field's classes are compared with the ones the imported class holds."""

from __future__ import annotations

import enum
import textwrap
import typing
from pathlib import Path
from typing import Any

import pydantic
import pytest

from dspygen.diagnostics import Sink
from dspygen.frontend import static
from dspygen.ir import nodes
from dspygen.ir import types as t

EAGER = """
    import enum
    from typing import Optional

    import dspy
    from pydantic import BaseModel


    class Color(str, enum.Enum):
        RED = "red"


    class Invoice(BaseModel):
        class Color(BaseModel):
            hex: str

        class Status(str, enum.Enum):
            OPEN = "open"
            PAID = "paid"

        class Line(BaseModel):
            class Discount(BaseModel):
                percent: float

            sku: str
            discount: Optional[Discount] = None
            color: Color = Color.RED  # class bodies do not nest: the module's Enum

        color: Color
        lines: list[Line]
        status: Status = Status.PAID
        first: "Line | None" = None
        again: "Optional[Invoice.Line]" = None


    class Bill(dspy.Signature):
        class Summary(BaseModel):
            total: float

        invoice: Invoice = dspy.InputField()
        summary: Summary = dspy.OutputField()
"""

# The same classes, annotations evaluated lazily: pydantic looks in the body around the class too.
LAZY = "from __future__ import annotations\n" + textwrap.dedent(EAGER).replace(
    "            color: Color = Color.RED  # class bodies do not nest: the module's Enum",
    "            color: Color | None = None  # the Invoice's Color: the body the class was defined in",
)


def _classes(annotation: Any) -> list[str]:
    """`module:Qualname` of each model and Enum inside a real annotation, in order."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel | enum.Enum):
        return [f"{annotation.__module__}:{annotation.__qualname__}"]
    return [c for arg in typing.get_args(annotation) for c in _classes(arg)]


def _compare(read: nodes.Model | nodes.Signature, fields: dict[str, Any]) -> None:
    for field in read.fields:
        assert t.refs(field.type) == _classes(fields[field.name].annotation), (read.qualname, field.name)


@pytest.mark.parametrize("source", [EAGER, LAZY], ids=["eager", "lazy"])
def test_names_resolve_as_pydantic_resolves_them(tmp_path: Path, own_modules: Any, source: str) -> None:
    (tmp_path / "billing.py").write_text(textwrap.dedent(source), encoding="utf-8")
    sink = Sink()
    schema = static.read([tmp_path / "billing.py"], tmp_path, sink)
    assert not sink.has_errors, [d.message for d in sink.items]
    real = own_modules("billing")
    models = {m.qualname: m for m in schema.models}
    assert set(models) == {"Invoice", "Invoice.Color", "Invoice.Line", "Invoice.Line.Discount", "Bill.Summary"}
    for qualname, model in models.items():
        cls: Any = real
        for part in qualname.split("."):
            cls = getattr(cls, part)
        _compare(model, cls.model_fields)
    (bill,) = schema.signatures
    _compare(bill, {**real.Bill.input_fields, **real.Bill.output_fields})
    status = next(f for f in models["Invoice"].fields if f.name == "status")
    assert status.default is not None and (status.default.kind, status.default.member) == ("enum_member", "PAID")
    assert real.Invoice.model_fields["status"].default is real.Invoice.Status.PAID
    line_color = next(f for f in models["Invoice.Line"].fields if f.name == "color")
    expected = "billing:Color" if source is EAGER else "billing:Invoice.Color"
    assert t.refs(line_color.type) == [expected]
