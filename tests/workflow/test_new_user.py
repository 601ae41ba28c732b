"""A new user's first hour, played end to end (issue 16), as the README's quick start tells it:

1. a fresh virtualenv with the `dspygen` command from a built wheel (its dependencies, dspy and
   pydantic, come from this checkout's virtualenv through a `.pth` line, so nothing is downloaded);
2. a project whose `app/signatures.py` imports its models from `app/models.py`, and
   `dspygen build app/signatures.py` with no other option;
3. a Rust program in another folder, written as the README's recipe writes it (`build.rs` linking
   the virtualenv's own libpython; `embed::start(PYTHON_ROOTS)`; a scripted test LM set from Rust);
4. the program run from yet another folder, with no PYTHONPATH, LD_LIBRARY_PATH or VIRTUAL_ENV:
   it must print the typed output, and the interpreter it runs must be the virtualenv's (this
   machine also has a system libpython of another patch version, which an unlinked binary loads).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = """\
from enum import Enum

from pydantic import BaseModel


class Team(str, Enum):
    BILLING = "billing"
    SUPPORT = "support"


class Ticket(BaseModel):
    title: str
    body: str = ""
"""
SIGNATURES = """\
import dspy

from app.models import Team, Ticket


class Triage(dspy.Signature):
    \"\"\"Route a ticket to the team that handles it.\"\"\"

    ticket: Ticket = dspy.InputField()
    team: Team = dspy.OutputField()
    reason: str = dspy.OutputField()
"""
# The README's recipe (section "A Rust program that runs DSPy"), with the crate's name filled in.
CARGO_TOML = """\
[package]
name = "triage"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
app_rs = {{ path = "{crate}", features = ["embed"] }}
pyo3 = "0.29"  # the runtime's; named here so that build.rs can ask pyo3 which interpreter it built for

[build-dependencies]
pyo3-build-config = "0.29"
"""
BUILD_RS = """\
fn main() {
    // Load the libpython of the interpreter pyo3 built against (PYO3_PYTHON), not the system's.
    pyo3_build_config::add_libpython_rpath_link_args();
}
"""
MAIN_RS = """\
use app_rs::runtime::{embed, Lm, Settings};
use app_rs::{Predict, Team, Ticket, Triage, TriageInput, TriageOutput};
use pyo3::prelude::*;

fn main() -> PyResult<()> {
    embed::start(app_rs::PYTHON_ROOTS)?;
    Python::attach(|py| {
        let version: String = py.import("platform")?.call_method0("python_version")?.extract()?;
        println!("python {version}");
        // A test LM, scripted with typed answers; a real one is `Lm::new(py, "openai/gpt-4o-mini")?`.
        let answer = TriageOutput { team: Team::Billing, reason: "a refund".into() };
        let lm = Lm::scripted::<Triage>(py, &[answer])?;
        Settings::new(py).lm(py, &lm)?.configure(py)?;

        let triage = Predict::<Triage>::new(py)?;
        let ticket = Ticket { title: "Refund my order".into(), body: String::new() };
        let pred = triage.call(py, &TriageInput { ticket })?;
        println!("team: {:?}, reason: {}", pred.team, pred.reason);
        Ok(())
    })
}
"""

# The README's async program (section "From async Rust"): its dependencies, added to the same
# Cargo.toml, and its main, a second binary of the program.
ASYNC_DEPENDENCIES = """\
dspygen-runtime = {{ path = "{crate}/dspygen-runtime", features = ["async"] }}  # the copy dspygen wrote
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
"""
ASYNC_MAIN_RS = """\
use std::time::Duration;

use app_rs::runtime::aio::{BatchOptions, StreamEvent, StreamExt};
use app_rs::runtime::{embed, Lm, Settings};
use app_rs::{Predict, Team, Ticket, Triage, TriageInput, TriageOutput};
use pyo3::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    embed::start(app_rs::PYTHON_ROOTS)?;
    let (triage, settings) = Python::attach(|py| -> PyResult<_> {
        // A test LM answering typed outputs after 20 ms; a real one is `Lm::new(py, "openai/gpt-4o-mini")?`.
        let lm = Lm::answering::<Triage, _>(py, "test/triage", Duration::from_millis(20), |prompt| {
            let team = if prompt.contains("Refund") { Team::Billing } else { Team::Support };
            Ok(TriageOutput { team, reason: "a refund".into() })
        })?;
        Ok((Predict::<Triage>::new(py)?, Settings::new(py).lm(py, &lm)?))
    })?;

    // One call: DSPy's acall runs on an asyncio loop the runtime owns; waiting holds no GIL.
    let ticket = Ticket { title: "Refund my order".into(), body: String::new() };
    let pred = settings.scope_future(triage.acall(&TriageInput { ticket })).await?;
    println!("team: {:?}, reason: {}", pred.team, pred.reason);

    // Many: in input order, 16 at a time, each result its own.
    let inputs: Vec<TriageInput> = ["Refund twice", "Login fails"]
        .iter()
        .map(|title| TriageInput { ticket: Ticket { title: title.to_string(), body: String::new() } })
        .collect();
    for result in settings.scope_future(triage.batch(&inputs, BatchOptions::default())).await {
        println!("{:?}", result?.team);
    }

    // Streamed: a str field's text as the LM writes it, each field's value once complete, then
    // the prediction. The stream is polled inside the scope, where its call starts.
    let ticket = Ticket { title: "Refund my order".into(), body: String::new() };
    let mut events = triage.stream(&TriageInput { ticket });
    settings
        .scope_future(async {
            while let Some(event) = events.next().await {
                match event? {
                    StreamEvent::Chunk { text, .. } => print!("{text}"), // the reason, word by word
                    StreamEvent::Field(field) if field.name == "team" => {
                        println!("team: {:?}", field.extract::<Team>()?)
                    }
                    StreamEvent::Field(field) => println!(" ({} complete)", field.name),
                    StreamEvent::Done(pred) => println!("done: {:?}", pred.team),
                }
            }
            Ok::<_, Box<dyn std::error::Error>>(())
        })
        .await?;
    Ok(())
}
"""


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, f"{argv}\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done.stdout


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a new shell: none of this test run's Python settings."""
    drop = {"PYTHONPATH", "PYTHONHOME", "LD_LIBRARY_PATH", "VIRTUAL_ENV", "CARGO_TARGET_DIR", "PYO3_PYTHON"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


@pytest.mark.cargo
def test_a_new_user_builds_and_runs_a_rust_program(tmp_path: Path) -> None:
    # 1. a wheel, and a fresh virtualenv holding it
    run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", "dist", str(ROOT)],
        tmp_path,
    )
    [wheel] = (tmp_path / "dist").glob("dspygen_rs-*.whl")
    base = getattr(sys, "_base_executable", sys.executable)
    run([base, "-m", "venv", "venv"], tmp_path)
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path).strip())
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], tmp_path)
    found = run([str(python), "-c", "import dspygen; print(dspygen.__file__)"], tmp_path)
    assert found.startswith(str(site)), found  # the wheel's code, not this checkout's

    # 2. the project, and `dspygen build app/signatures.py` as written
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "__init__.py").write_text("")
    (project / "app" / "models.py").write_text(MODELS)
    (project / "app" / "signatures.py").write_text(SIGNATURES)
    shell = clean_env(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    out = run(["dspygen", "build", "app/signatures.py"], project, shell)
    assert "the crate `app_rs` in app_rs" in out, out

    # 3. the README's Rust program, in a folder of its own
    program = tmp_path / "program"
    (program / "src").mkdir(parents=True)
    cargo_toml = CARGO_TOML.format(crate=project / "app_rs")
    dependencies = ASYNC_DEPENDENCIES.format(crate=project / "app_rs")
    (program / "Cargo.toml").write_text(
        cargo_toml.replace("\n[build-dependencies]", dependencies + "\n[build-dependencies]")
    )
    (program / "build.rs").write_text(BUILD_RS)
    (program / "src" / "main.rs").write_text(MAIN_RS)
    (program / "src" / "bin").mkdir()
    (program / "src" / "bin" / "triage_async.rs").write_text(ASYNC_MAIN_RS)
    target = ROOT / "generated" / "target" / "new-user"  # kept warm between runs; pyo3 built for this venv
    run(["cargo", "build", "--quiet"], program, {**shell, "PYO3_PYTHON": str(python), "CARGO_TARGET_DIR": str(target)})

    # 4. run from elsewhere, in a clean environment
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    printed = run([str(target / "debug" / "triage")], elsewhere, clean_env())
    expected_version = run([str(python), "-c", "import platform; print(platform.python_version())"], tmp_path).strip()
    assert re.search(rf"^python {re.escape(expected_version)}$", printed, re.MULTILINE), printed
    assert "team: Billing, reason: a refund" in printed, printed
    printed = run([str(target / "debug" / "triage_async")], elsewhere, clean_env())
    assert printed.splitlines() == [
        "team: Billing, reason: a refund",
        "Billing",
        "Support",
        "team: Billing",
        "a refund (reason complete)",
        "done: Billing",
    ], printed


def test_the_readme_gives_this_recipe() -> None:
    """The README's quick start shows the program this test builds, so the two cannot drift."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in (
        BUILD_RS,
        MAIN_RS,
        CARGO_TOML.format(crate="../app_rs"),
        ASYNC_DEPENDENCIES.format(crate="../app_rs"),
        ASYNC_MAIN_RS,
    ):
        body = textwrap.dedent(text).strip()
        assert body in readme, f"the README lacks:\n{body}"
