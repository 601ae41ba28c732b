"""Lowering stage: every Rust item the generated code names that it does not define, by
absolute path: the standard library's, and the runtime crate's (runtime/, `dspygen_runtime`),
through which pyo3, serde and serde_json are reached too.

One place, so that a runtime item moved or renamed is one line here; the templates write the
fixed scaffolding around these (`impl ::dspygen_runtime::Signature for ...`).
"""

from __future__ import annotations

from dspygen.lower.rust import Path

RUNTIME_CRATE = "dspygen-runtime"  # the package name in Cargo.toml
# The comment on a Cargo.toml key dspygen writes only while a mapped type needs it: the merge with
# the file on disk (merge.py) drops such a key once dspygen renders it no more.
OWN_KEY = "# dspygen: for a mapped type; removed when none needs it"
RUNTIME = Path("::dspygen_runtime", "dspygen_runtime")


def _std(path: str) -> Path:
    return Path(f"::std::{path}", path.rpartition("::")[2])


def _runtime(path: str, short: str | None = None) -> Path:
    """A runtime item; shown as its path inside the runtime (`pytypes::Date`), or `short`."""
    return Path(f"{RUNTIME}::{path}", short or path)


# The standard library.
STRING = _std("string::String")
VEC = _std("vec::Vec")
OPTION = _std("option::Option")
BOX = _std("boxed::Box")
RESULT = _std("result::Result")
SOME = OPTION.child("Some")
NONE = OPTION.child("None")
OK = RESULT.child("Ok")
ERR = RESULT.child("Err")
DEFAULT = "::std::default::Default::default()"
TAKE = "::std::mem::take"
VEC_MACRO = "::std::vec!"
FORMAT = "::std::format!"

# The crates the runtime re-exports.
PYO3 = _runtime("pyo3")
SERDE = _runtime("serde")
SERDE_JSON = _runtime("serde_json")
INDEXMAP = _runtime("indexmap::IndexMap", "IndexMap")
JSON_VALUE = _runtime("serde_json::Value")
UUID = _runtime("uuid::Uuid")
PY_TYPES = PYO3.child("types")
PY_VALUE_ERROR = PYO3.child("exceptions").child("PyValueError")
PY_TYPE_ERROR = PYO3.child("exceptions").child("PyTypeError")
PY_RESULT_OK = f"{PYO3}::PyResult::Ok"

# The runtime's own items.
ATOM = _runtime("Atom")
REQUIRED = _runtime("required")
COMPUTED = _runtime("computed")
COMPUTED_FLOAT = _runtime("computed_float")
IMPORT_CLASS = _runtime("import_class")
CLASS_CELL = _runtime("ClassCell")  # a `static` holding a class, imported once
MODEL_VALIDATE = _runtime("model_validate")
GETATTR = f"{RUNTIME}::getattr!"  # an attribute by an interned name
EXTRACT_VEC = _runtime("extract_vec")  # a list field, read by index
FIELD = f"{RUNTIME}::field!"  # a model field from its `__dict__`, by an interned name
SET_ITEM = f"{RUNTIME}::set_item!"  # a dict item under an interned key
BUILD_CLASS = _runtime("build_class")
PYTHON_PATH = _runtime("python_path")
PYTHON_SIGNATURE = _runtime("PythonSignature")
STRUCT_SERDE = f"{RUNTIME}::struct_serde!"
ROOT_DESERIALIZE = f"{RUNTIME}::root_deserialize!"
PYTYPES = _runtime("pytypes")
SET = PYTYPES.child("Set")
FROZEN_SET = PYTYPES.child("FrozenSet")
INT_WITHIN = PYTYPES.child("int_within")
OPT_INT_WITHIN = PYTYPES.child("opt_int_within")
FROM_JSON_PY = PYTYPES.child("from_json_py")
TO_JSON_PY = PYTYPES.child("to_json_py")
DECIMAL = PYTYPES.child("Decimal")
JSON_TEXT = PYTYPES.child("Json")  # pydantic.Json[T]
FACTORIES = _runtime("factories")  # what a mirrored `default_factory` computes
UNIONS = _runtime("unions")
CONSTRAINTS = _runtime("constraints")
PATTERN = CONSTRAINTS.child("Pattern")
DSPY_TYPES = _runtime("dspy_types")
FOR_VALIDATION = DSPY_TYPES.child("for_validation")
# Where a crate declares the languages of its `dspy.Code[...]` types (`code_language!`).
LANGUAGES = Path("crate::lang", "lang")
MODELS = Path("crate::models", "")  # a generated model, Enum or union: shown by its name alone

# The runtime items a generated crate re-exports at its root, unless one of its own types has
# the name (a model called `Example` stays `crate::Example`; the module is `crate::runtime::Example`).
EXPORTS = (
    *("Acted", "BestOfN", "ChainOfThought", "Example", "FieldKind", "FieldMeta", "Module", "Predict"),
    *("PredictError", "Prediction", "ReAct", "Reasoned", "Signature", "Step"),
)


def runtime_item(path: str) -> Path:
    """An item by its path inside the runtime crate (`pytypes::Date`)."""
    return _runtime(path)


def model(ident: str) -> Path:
    """A type the crate declares in its `models` module."""
    return Path(f"crate::models::{ident}", ident)
