"""The classes pydantic makes models of that dspygen does not read: each is said to be left
out, and a field of such a type is an error naming what it is. pydantic is the oracle: it makes
each of them a model (a custom dspy.Type writes what its `format()` returns)."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path
from typing import Any

import pydantic

from dspygen.diagnostics import Sink
from dspygen.frontend import static


def _said(tmp_path: Path, name: str, source: str) -> list[tuple[str, int, str]]:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    sink = Sink()
    static.read([tmp_path / f"{name}.py"], tmp_path, sink)
    return sorted((d.level.value, d.span.line if d.span else 0, d.message) for d in sink.items)


CUSTOM_TYPE = """
    import dspy


    class Temperature(dspy.Type):
        value: float

        def format(self) -> str:
            return f"{self.value} C"


    class Kelvin(Temperature):
        pass


    class Quiet(dspy.Type):  # dspygen: skip
        value: int


    class Forecast(dspy.Signature):
        city: str = dspy.InputField()
        temperature: Temperature = dspy.OutputField()
"""


def test_a_custom_dspy_type_is_said_to_be_left_out_and_refused_as_a_field(tmp_path: Path, own_modules: Any) -> None:
    said = _said(tmp_path, "weather", CUSTOM_TYPE)
    assert [(level, line) for level, line, _ in said] == [("error", 22), ("warning", 5), ("warning", 12)]
    assert all("custom dspy.Type" in message and "format()" in message for _, _, message in said)
    # The oracle: pydantic writes what `format()` returns, not the fields.
    real = own_modules("weather")
    assert real.Temperature(value=3.5).model_dump_json() == '"3.5 C"'


DATACLASSES = """
    import dataclasses
    from dataclasses import dataclass

    import pydantic
    from pydantic import BaseModel, Field
    from pydantic.dataclasses import dataclass as pydantic_dataclass


    @dataclass
    class Budget:
        max_calls: int = 3


    @pydantic_dataclass
    class Postgres:
        enabled: bool = Field(default=False)


    @pydantic.dataclasses.dataclass(frozen=True)
    class Retry:
        attempts: int


    @dataclasses.dataclass
    class Plain:  # a stdlib dataclass no model uses: nothing to say
        y: int


    @pydantic_dataclass  # dspygen: skip
    class Quiet:
        z: int


    class Run(BaseModel):
        budget: Budget
        retry: Retry
"""


def test_a_dataclass_is_said_to_be_left_out_or_refused_as_a_field(tmp_path: Path, own_modules: Any) -> None:
    said = _said(tmp_path, "runs", DATACLASSES)
    assert [(level, line) for level, line, _ in said] == [
        ("error", 36),
        ("error", 37),
        ("warning", 16),
        ("warning", 21),
    ]
    assert "`Budget` is a stdlib dataclass" in said[0][2] and "`Retry` is a pydantic dataclass" in said[1][2]
    assert all("pydantic dataclass" in message for _, _, message in said[2:])
    # The oracle: pydantic makes models of them, and reads and writes a model holding them.
    real = own_modules("runs")
    assert pydantic.dataclasses.is_pydantic_dataclass(real.Postgres)
    assert dataclasses.is_dataclass(real.Budget) and not pydantic.dataclasses.is_pydantic_dataclass(real.Budget)
    run = real.Run.model_validate_json('{"budget": {"max_calls": 5}, "retry": {"attempts": 2}}')
    assert run.model_dump_json() == '{"budget":{"max_calls":5},"retry":{"attempts":2}}'
