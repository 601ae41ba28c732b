"""Generated test samples stay small however models nest (they once grew exponentially:
a chain of 30 models, each nesting the previous one twice, produced a 1 GB test file)."""

from __future__ import annotations

from pathlib import Path

from dspygen.diagnostics import Sink
from dspygen.frontend import static
from dspygen.lower.samples import SampleMaker


def test_samples_of_a_doubly_nested_chain_stay_small(tmp_path: Path) -> None:
    source = "from pydantic import BaseModel\n\n\nclass M0(BaseModel):\n    x: int = 0\n"
    for i in range(1, 40):
        source += (
            f"\n\nclass M{i}(BaseModel):\n"
            f"    a: M{i - 1} | None = None\n"
            f"    b: list[M{max(i - 3, 0)}] = []\n"
            f"    c: dict[str, M{i - 1}] = {{}}\n"
            f"    d: M{i - 1}\n"
        )
    path = tmp_path / "chain.py"
    path.write_text(source)
    sink = Sink()
    schema = static.read([path], tmp_path, sink)
    assert not sink.has_errors
    maker = SampleMaker(schema)
    total = sum(len(s.input) + len(s.expected) for m in schema.models for s in maker.for_model(m))
    assert total < 5_000_000, total
    # The deepest model still gets both samples: a required chain of 39 is not too much.
    assert [s.name for s in maker.for_model(schema.models[-1])] == ["full", "minimal"]
