"""Fuzz: hypothesis writes random model and signature files (fuzzgen.py) within the supported
set: names with Rust keywords and odd casing, type trees of str / int / float / bool /
Optional / list / dict[str, ...] / Literal / str-Enum / nested and forward-referenced models,
defaults of the right type, hostile docstrings and descriptions. Some carry a deliberate mistake.

1. Each example is built on its own (in-process): a valid one must build with no diagnostic, a
   broken one must give the diagnostic its mistake calls for; neither may raise.
2. The valid ones, one module file each, are built into ONE crate (`dspygen build`), which
   must pass clippy -D warnings and `maturin build`, and its generated pytest.
3. Python agrees with the IR: every module imports; pydantic's fields and dspy's fields,
   desc, prefix and instructions are what `dspygen schema` read.
4. Round trips: for every model, hypothesis draws JSON values from its IR (`dspygen schema`),
   pydantic validates them, and the instance goes Python -> Rust -> Python equal, and
   `roundtrip_json` gives `model_dump_json()` back byte for byte.

The default run (in `make test`) is small and derandomized; `make fuzz` sets
DSPYGEN_FUZZ_EXAMPLES for a long, random one.
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import subprocess
import sys
import time
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, dspygen
from fuzzgen import INVALID, ModuleSpec, module_specs, render, rust_type_names
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dspygen import pipeline
from dspygen.config import Target
from dspygen.diagnostics import Level, Sink
from dspygen.diagnostics import render as render_diagnostic

LONG = "DSPYGEN_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("DSPYGEN_FUZZ_EXAMPLES", "16"))
VALUES = 40 if LONG else 12  # hypothesis instances per model in the round trips
PACKAGE = "fuzzpkg"
CRATE = "dspygen_fuzz"
SETTINGS = settings(
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
pytestmark = [
    pytest.mark.cargo,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]


@dataclass
class Run:
    root: Path
    valid: dict[int, str] = field(default_factory=dict)  # example number -> source
    tried: int = 0
    diagnostics: Counter[str] = field(default_factory=Counter)  # code -> how many
    invalid: Counter[str] = field(default_factory=Counter)  # mistake -> how many

    def summary(self) -> str:
        codes = ", ".join(f"{c} x{n}" for c, n in sorted(self.diagnostics.items()))
        return (
            f"[fuzz] {self.tried} examples tried: {len(self.valid)} valid (built into one crate), "
            f"{sum(self.invalid.values())} broken on purpose, all reported ({codes or 'no diagnostics'})"
        )


def build_in_process(path: Path, root: Path) -> tuple[list[str], list[str]]:
    """Run the pipeline on one file; (codes of errors, rendered diagnostics)."""
    sink = Sink()
    target = Target((path,), root / "scratch_out", "fuzz_one", "fuzz_one", None)
    pipeline.generate(target, root, sink)
    errors = [d.code.id for d in sink.items if d.level is Level.ERROR]
    return errors, [render_diagnostic(d) for d in sink.sorted()]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "scratch").mkdir()
    result = Run(root)
    numbers = itertools.count()

    @settings(SETTINGS, max_examples=EXAMPLES)
    @given(spec=module_specs())
    def example(spec: ModuleSpec) -> None:
        n = next(numbers)
        source, names = render(spec, n)
        if spec.invalid is None:
            rust_names = rust_type_names(spec, names)
            assume(len(set(rust_names)) == len(rust_names))
        path = root / "scratch" / f"m{n}.py"
        path.write_text(source, encoding="utf-8")
        errors, shown = build_in_process(path, root)  # an exception fails the test: no tracebacks
        for line in shown:
            head = line.splitlines()[0]
            assert ": error[DSG" in head or ": warning[DSG" in head, head
            assert "\n  hint: " in line, line
        listing = "\n".join(shown) + "\n--- source ---\n" + source
        if spec.invalid is not None:
            assert INVALID[spec.invalid] in errors, f"{spec.invalid}: expected {INVALID[spec.invalid]}\n{listing}"
            result.invalid[spec.invalid] += 1
        else:
            assert not errors, f"a valid example was refused:\n{listing}"
            result.valid[n] = source
        result.diagnostics.update(errors)
        result.tried += 1

    example()
    return result


@dataclass
class Crate:
    run: Run
    out: Path
    schema: dict[str, Any]
    native: Any
    modules: dict[str, Any]


def cargo_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", str(ROOT / "generated" / "target"))
    env.setdefault("PYO3_PYTHON", sys.executable)
    env["CARGO_TERM_COLOR"] = "never"
    env.pop("PYTHONPATH", None)
    return env


def checked(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-6000:]}"
    return done


@pytest.fixture(scope="module")
def crate(run: Run, request: pytest.FixtureRequest) -> Crate:
    assert run.valid, "no valid example at all"
    package = run.root / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    for n, source in run.valid.items():
        (package / f"m{n}.py").write_text(source, encoding="utf-8")
    sources = sorted(f"{PACKAGE}/m{n}.py" for n in run.valid)
    out = run.root / "crate"
    started = time.perf_counter()
    built = dspygen("build", *sources, "--out", "crate", "--crate-name", CRATE, cwd=run.root, timeout=600)
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
    timings = [f"build {time.perf_counter() - started:.1f}s"]

    env = cargo_env()
    started = time.perf_counter()
    checked(["cargo", "clippy", "--all-targets", "--quiet", "--", "-D", "warnings"], out, env)
    timings.append(f"clippy {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    maturin = Path(sys.executable).parent / "maturin"
    checked([str(maturin), "build", "--quiet", "--out", str(run.root / "wheels")], out, env)
    timings.append(f"maturin build {time.perf_counter() - started:.1f}s")
    site = run.root / "site"
    for wheel in (run.root / "wheels").glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)

    schema_run = dspygen("schema", *sources, cwd=run.root)
    assert schema_run.returncode == 0, schema_run.stderr
    for folder in (str(site), str(run.root)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    importlib.invalidate_caches()
    native = importlib.import_module(CRATE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        modules = {f"{PACKAGE}.m{n}": importlib.import_module(f"{PACKAGE}.m{n}") for n in run.valid}
    announce(request, f"\n{run.summary()}\n[fuzz] one crate of {len(run.valid)} modules: {', '.join(timings)}")
    return Crate(run, out, json.loads(schema_run.stdout), native, modules)


def announce(request: pytest.FixtureRequest, text: str) -> None:
    """Print `text` to the terminal past pytest's capture (the counts the issue asks for)."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        print(text)
        return
    with capture.global_and_fixture_disabled():
        print(text)


def test_every_example_builds_or_reports(run: Run) -> None:
    assert run.tried >= min(EXAMPLES, 10) // 2
    assert run.valid, "every example was broken or refused"


def test_the_crate_passes_its_generated_pytest(crate: Crate) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(crate.run.root / "site"), str(crate.run.root)])
    argv = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", "--tb=short", "tests"]
    checked([sys.executable, *argv], crate.out, env)


def _class(crate: Crate, module: str, qualname: str) -> Any:
    obj = crate.modules[module]
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def test_python_agrees_with_the_schema(crate: Crate) -> None:
    """pydantic's and dspy's view of every class equals what dspygen read statically."""
    for model in crate.schema["models"]:
        real = _class(crate, model["module"], model["qualname"])
        assert [f["name"] for f in model["fields"]] == list(real.model_fields), model["qualname"]
        for f in model["fields"]:
            info = real.model_fields[f["name"]]
            assert (f["default"] is None) == info.is_required(), (model["qualname"], f["name"])
            assert f["alias"] == info.alias, (model["qualname"], f["name"])
            assert f["description"] == info.description, (model["qualname"], f["name"])
    for sig in crate.schema["signatures"]:
        real = _class(crate, sig["module"], sig["qualname"]) if sig["form"] == "class" else None
        if real is None:  # a string signature: the module-level variable holding it
            real = getattr(crate.modules[sig["module"]], sig["qualname"])
        fields = {role: [f for f in sig["fields"] if f["role"] == role] for role in ("input", "output")}
        assert [f["name"] for f in fields["input"]] == list(real.input_fields), sig["qualname"]
        assert [f["name"] for f in fields["output"]] == list(real.output_fields), sig["qualname"]
        for f in sig["fields"]:
            extra = real.fields[f["name"]].json_schema_extra
            assert (f["desc"], f["prefix"]) == (extra["desc"], extra["prefix"]), (sig["qualname"], f["name"])
        assert sig["instructions"] == real.instructions, sig["qualname"]


# -- round trips of hypothesis-drawn instances ---------------------------------------------

MAX_DEPTH = 3
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


def values_for(ty: dict[str, Any], schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    """JSON values pydantic accepts for the IR type `ty` (as `dspygen schema` prints it)."""
    kind = ty["kind"]
    if kind == "primitive":
        return {
            "str": TEXT,
            "int": st.integers(-(2**63), 2**63 - 1),
            "float": st.floats(allow_nan=False, allow_infinity=False),
            "bool": st.booleans(),
        }[ty["name"]]
    if kind == "literal":
        return st.sampled_from(ty["values"])
    if kind == "optional":
        if depth >= MAX_DEPTH:
            return st.none()
        return st.none() | values_for(ty["inner"], schema, depth + 1)
    if kind == "list":
        if depth >= MAX_DEPTH:  # recursive models end here (strategies are built eagerly)
            return st.just([])
        return st.lists(values_for(ty["item"], schema, depth + 1), max_size=3)
    if kind == "dict":
        if depth >= MAX_DEPTH:
            return st.just({})
        return st.dictionaries(TEXT, values_for(ty["value"], schema, depth + 1), max_size=3)
    assert kind == "named", kind
    for enum in schema["enums"]:
        if enum["id"] == ty["ref"]:
            return st.sampled_from([m["value"] for m in enum["members"]])
    return model_values(ty["ref"], schema, depth + 1)


def model_values(ref: str, schema: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object for the model `ref`: keys by alias (as pydantic validates), the required
    fields always, fields with a default sometimes."""
    model = next(m for m in schema["models"] if m["id"] == ref)
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for f in model["fields"]:
        key = f["alias"] or f["name"]
        (required if f["default"] is None else optional)[key] = values_for(f["type"], schema, depth)
    return st.fixed_dictionaries(required, optional=optional)


def _round_trip(crate: Crate, cls: Any, name: str, values: st.SearchStrategy[dict[str, Any]]) -> Any:
    @settings(SETTINGS, max_examples=VALUES)
    @given(data=values)
    def round_trip(data: dict[str, Any]) -> None:
        given_json = json.dumps(data, ensure_ascii=False)
        instance = cls.model_validate_json(given_json)
        dumped = instance.model_dump_json()
        try:  # pydantic writes field names, but reads an aliased field under its alias only
            again: str | None = cls.model_validate_json(dumped).model_dump_json()
        except ValueError:  # pydantic's ValidationError
            again = None
        if again is None:
            with pytest.raises(ValueError):
                crate.native.roundtrip_json(name, dumped)
        else:
            assert crate.native.roundtrip_json(name, dumped) == again
        assert crate.native.roundtrip_json(name, given_json) == dumped  # defaults filled as pydantic does
        back = crate.native.roundtrip(instance)
        assert type(back) is cls
        assert back == instance
        assert back.model_dump_json() == dumped

    return round_trip


def test_models_round_trip(crate: Crate, request: pytest.FixtureRequest) -> None:
    assert crate.schema["models"] or crate.schema["signatures"]
    checked_models = 0
    for model in crate.schema["models"]:
        cls = _class(crate, model["module"], model["qualname"])
        round_trip = _round_trip(crate, cls, model["qualname"], model_values(model["id"], crate.schema, 0))
        round_trip()
        checked_models += 1
    announce(request, f"\n[fuzz] {checked_models} models round-tripped, {VALUES} instances each")
