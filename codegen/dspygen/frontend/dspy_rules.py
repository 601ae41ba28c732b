"""Frontend stage: DSPy's own rules, reproduced without importing dspy.

Prefix inference, default instructions, reserved field names and the string
signature grammar, each matching dspy 3.x (dspy/signatures/signature.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

# Field names DSPy or pydantic refuse on a Signature, measured with dspy 3.4.1 / pydantic 2.14 in every
# form (class body, string, append, dict): the metaclass's own properties (TypeError), `model_config`
# (TypeError), and the members of pydantic's protected namespaces `model_dump` / `model_validate`
# (ValueError). Other BaseModel names (`model_fields`, `json`, `copy`) only warn. A leading `_` is
# refused too (PydanticUserError), checked apart.
RESERVED_FIELDS = frozenset(
    {
        "instructions",
        "signature",
        "fields",
        "input_fields",
        "output_fields",
        "model_config",
        "model_dump",
        "model_dump_json",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
    }
)
# The classmethods of dspy.Signature that return a new signature class (frontend/transforms.py).
SIGNATURE_METHODS = frozenset(
    {"with_instructions", "append_instructions", "append", "prepend", "insert", "delete", "with_updated_fields"}
)

# Callables that take a string signature as their first argument.
# Calls that build a signature from a string and take instructions as their second argument.
SIGNATURE_BUILDERS = frozenset(
    {
        "dspy.Signature",
        *(
            f"{prefix}.{name}"
            for prefix in ("dspy", "dspy.signatures", "dspy.signatures.signature")
            for name in ("make_signature", "ensure_signature")
        ),
    }
)
# Every call whose first argument may be a string signature.
STRING_SIGNATURE_CALLS = SIGNATURE_BUILDERS | frozenset(
    {"dspy.Predict", "dspy.ChainOfThought", "dspy.ReAct", "dspy.ProgramOfThought", "dspy.CodeAct"}
)
# Their last names: a call spelled so that names nothing dspygen can resolve (`self._dspy.Predict`)
# may still be DSPy's, which string_signatures.py says rather than pass over in silence.
STRING_SIGNATURE_NAMES = frozenset(call.rpartition(".")[2] for call in STRING_SIGNATURE_CALLS)
SIGNATURE_BASES = frozenset({"dspy.Signature", "dspy.signatures.Signature", "dspy.signatures.signature.Signature"})
INPUT_FIELD = frozenset({"dspy.InputField", "dspy.signatures.InputField", "dspy.signatures.field.InputField"})
OUTPUT_FIELD = frozenset({"dspy.OutputField", "dspy.signatures.OutputField", "dspy.signatures.field.OutputField"})
# The base of DSPy's custom types (dspy.Image, dspy.Code, ... and the user's own): a pydantic model
# whose `model_serializer` writes what the subclass's `format()` returns.
CUSTOM_TYPE_BASES = frozenset(
    {"dspy.Type", "dspy.adapters.Type", "dspy.adapters.types.Type", "dspy.adapters.types.base_type.Type"}
)


def infer_prefix(name: str) -> str:
    """dspy.signatures.signature.infer_prefix, step for step."""
    s1 = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    intermediate = re.sub("([a-z0-9])([A-Z])", r"\1_\2", s1)
    spaced = re.sub(r"([a-zA-Z])(\d)", r"\1_\2", intermediate)
    spaced = re.sub(r"(\d)([a-zA-Z])", r"\1_\2", spaced)
    words = [w if w.isupper() else w.capitalize() for w in spaced.split("_")]
    return " ".join(words)


def default_prefix(name: str) -> str:
    return infer_prefix(name) + ":"


def default_desc(name: str) -> str:
    return f"${{{name}}}"


def default_instructions(inputs: list[str], outputs: list[str]) -> str:
    """dspy's `_default_instructions`: the text used when a signature has no docstring."""
    ins = ", ".join(f"`{n}`" for n in inputs)
    outs = ", ".join(f"`{n}`" for n in outputs)
    return f"Given the fields {ins}, produce the fields {outs}."


@dataclass(frozen=True)
class ParsedField:
    name: str
    annotation: cst.BaseExpression | None


@dataclass(frozen=True)
class ParsedSignature:
    inputs: tuple[ParsedField, ...]
    outputs: tuple[ParsedField, ...]
    warnings: tuple[str, ...]


class SignatureSyntaxError(ValueError):
    pass


def parse_string_signature(text: str) -> ParsedSignature:
    """DSPy's grammar: exactly one `->`, each side a Python parameter list."""
    if text.count("->") != 1:
        raise SignatureSyntaxError(f"the signature {text!r} must contain exactly one '->'")
    left, right = text.split("->")
    warnings: list[str] = []
    inputs = _parse_side(left, warnings)
    outputs = _parse_side(right, warnings)
    clash = sorted({f.name for f in inputs} & {f.name for f in outputs})
    if clash:
        raise SignatureSyntaxError(
            f"input and output fields must have distinct names, but found duplicates: {', '.join(clash)}"
        )
    return ParsedSignature(inputs, outputs, tuple(warnings))


def _parse_side(side: str, warnings: list[str]) -> tuple[ParsedField, ...]:
    try:
        module = cst.parse_module(f"def f({side}): pass\n")
    except cst.ParserSyntaxError:
        # libcst's message would speak of the `def f(...)` wrapper the user never wrote.
        raise SignatureSyntaxError(
            f"cannot parse {side.strip()!r} as a list of fields (`name` or `name: type`, separated by commas)"
        ) from None
    func = module.body[0]
    assert isinstance(func, cst.FunctionDef)
    params = func.params
    dropped = [p.name.value for p in (*params.posonly_params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            dropped.append(star.name.value)
    if dropped:
        warnings.append(f"DSPy silently drops the fields {', '.join(dropped)} (only plain parameters count)")
    fields: dict[str, ParsedField] = {}
    for param in params.params:
        name = param.name.value
        if param.default is not None:
            warnings.append(f"DSPy ignores the default given to `{name}`")
        if name in fields:
            warnings.append(f"DSPy keeps one field `{name}` of the duplicates, typed as the last")
        annotation = param.annotation.annotation if param.annotation is not None else None
        fields[name] = ParsedField(name, annotation)
    return tuple(fields.values())
