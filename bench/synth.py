"""Synthetic inputs for the build-time benchmark: N pydantic models and N DSPy signatures.

The models are shaped like real code: lists, Optional, Literal, a str Enum, dicts,
defaults and descriptions, and nested models (required, in lists, in dicts, Optional, and
imported from another file). Nesting is at most three deep, as in real code: each file of
ten models holds four leaves, four models made of leaves (one also uses a leaf of the
previous file) and two made of those. Ten signatures per file use the models.

(A chain where model i nests model i-1 makes the generated tests' JSON samples grow
exponentially with the chain's length; see docs/benchmarks.md.)
"""

from __future__ import annotations

from pathlib import Path

PER_FILE = 10

SCALARS = [
    "    id: int",
    '    name: str = Field(description="A human-readable name")',
    "    tags: list[str] = []",
    "    note: Optional[str] = None",
    "    score: float = 0.0",
    '    mode: Literal["fast", "slow", "auto"] = "auto"',
    "    meta: dict[str, float] = {}",
]


def _model(i: int) -> str:
    f, j = divmod(i, PER_FILE)
    base = f * PER_FILE
    lines = [f"class Model{i}(BaseModel):", f'    """Record {i}."""', "", *SCALARS]
    lines.append(f"    kind: Kind{f} = Kind{f}.ALPHA")
    if 4 <= j < 8:
        lines.append(f"    part: Model{base + j - 4}")
        lines.append(f"    parts: list[Model{base + (j - 3) % 4}] = []")
        if f > 0 and j == 4:
            lines.append(f"    previous: Optional[Model{base - PER_FILE}] = None")
    elif j >= 8:
        lines.append(f"    main: Model{base + j - 4}")
        lines.append(f"    others: list[Model{base + 5}] = Field(default_factory=list)")
        lines.append(f"    extra: Optional[Model{base + 6}] = None")
        lines.append(f"    index: dict[str, Model{base + 1}] = {{}}")
    return "\n".join(lines)


def _signature(i: int) -> str:
    return "\n".join(
        [
            f"class Task{i}(dspy.Signature):",
            f'    """Answer question {i} from the records."""',
            "",
            '    question: str = dspy.InputField(desc="what the user asked")',
            f"    records: list[Model{i}] = dspy.InputField()",
            '    hint: Optional[str] = dspy.InputField(desc="may be empty")',
            f"    answer: Model{i} = dspy.OutputField()",
            "    confidence: float = dspy.OutputField()",
            '    label: Literal["yes", "no", "unsure"] = dspy.OutputField()',
        ]
    )


def write_package(root: Path, n: int) -> list[Path]:
    """Writes package `synth` with `n` models and `n` signatures under `root`; returns its files."""
    pkg = root / "synth"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text('"""Synthetic input."""\n', encoding="utf-8")
    files = [pkg / "__init__.py"]
    for f in range((n + PER_FILE - 1) // PER_FILE):
        ids = range(f * PER_FILE, min(n, (f + 1) * PER_FILE))
        head = [
            '"""Synthetic models."""',
            "",
            "from __future__ import annotations",
            "",
            "from enum import Enum",
            "from typing import Literal, Optional",
            "",
            "from pydantic import BaseModel, Field",
        ]
        if f > 0:
            head += ["", f"from .models_{f - 1:03d} import Model{(f - 1) * PER_FILE}"]
        enum = "\n".join(
            [f"class Kind{f}(str, Enum):", '    ALPHA = "alpha"', '    BETA = "beta"', '    GAMMA = "gamma"']
        )
        models = pkg / f"models_{f:03d}.py"
        body = [enum, *(_model(i) for i in ids)]
        models.write_text("\n".join(head) + "\n\n\n" + "\n\n\n".join(body) + "\n", encoding="utf-8")
        sig_head = [
            '"""Synthetic signatures."""',
            "",
            "from typing import Literal, Optional",
            "",
            "import dspy",
            "",
            f"from .models_{f:03d} import {', '.join(f'Model{i}' for i in ids)}",
        ]
        sigs = pkg / f"signatures_{f:03d}.py"
        sigs.write_text(
            "\n".join(sig_head) + "\n\n\n" + "\n\n\n".join(_signature(i) for i in ids) + "\n", encoding="utf-8"
        )
        files += [models, sigs]
    return files
