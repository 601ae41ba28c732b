"""Builds a crate from every file that reads, and checks them all with one `cargo check`.

All crates go into one generated Cargo workspace in the cache (one dependency build for all,
which matters on a shared 2-core machine); `--keep-going` lets one broken crate not hide the
others, and cargo's JSON messages tell which crates compiled.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from dspygen import runtime_crate

BUILD_TIMEOUT = 120.0
CHECK_TIMEOUT = 3600.0
SEED_LOCK = Path(__file__).resolve().parent.parent / "generated" / "Cargo.lock"


@dataclass
class Crate:
    package: str
    path: str  # the source file, relative to its project root
    name: str
    built: bool = False
    error: str = ""
    compiles: bool | None = None  # None: not checked


def crate_name(package_slug: str, path: str, taken: set[str]) -> str:
    """corpus_<package>_<file>: a valid Rust and Python identifier, unique in the workspace."""
    stem = re.sub(r"[^a-z0-9]+", "_", path.removesuffix(".py").lower()).strip("_")
    base = f"corpus_{package_slug}_{stem}"[:60].rstrip("_")
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


# Every crate depends on the runtime dspygen ships, used where it is: one workspace holds one
# package of that name (a copy per crate would be several).
RUNTIME = runtime_crate.shipped()
BUILD = [sys.executable, "-m", "dspygen", "build"]


def build(root: Path, crate: Crate, crates_dir: Path) -> Crate:
    out = crates_dir / crate.name
    if out.exists():
        shutil.rmtree(out)  # a fresh build each run: the measurement is of this dspygen
    try:
        proc = subprocess.run(
            [*BUILD, crate.path, "--out", str(out), "--crate-name", crate.name, "--runtime", str(RUNTIME)],
            cwd=root,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=BUILD_TIMEOUT,
            env={**os.environ, "NO_COLOR": "1"},
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        crate.error = f"dspygen build timed out after {BUILD_TIMEOUT:.0f} s"
        return crate
    crate.built = proc.returncode == 0 and (out / "Cargo.toml").is_file()
    if not crate.built:
        crate.error = "\n".join(proc.stderr.strip().splitlines()[-4:])
    return crate


def write_workspace(crates_dir: Path, crates: list[Crate]) -> None:
    members = sorted(c.name for c in crates if c.built)
    # Remove crates of earlier runs that this run did not build, so they are not checked.
    for child in crates_dir.iterdir():
        if child.is_dir() and child.name not in members and child.name != "target":
            shutil.rmtree(child)
    lines = ["# Written by `python -m corpus`: every crate built from the corpus.", "[workspace]", 'resolver = "2"']
    lines.append("members = [" + ", ".join(json.dumps(m) for m in members) + "]")
    (crates_dir / "Cargo.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lock = crates_dir / "Cargo.lock"
    if not lock.exists() and SEED_LOCK.is_file():
        # The versions this repository tests with: cargo adds what the corpus needs beyond them.
        shutil.copyfile(SEED_LOCK, lock)


def check(crates_dir: Path, crates: list[Crate], target_dir: Path) -> str:
    """`cargo check --workspace --keep-going`; sets each built crate's `compiles`. Returns the
    first lines of the errors, or why the check did not run."""
    built = [c for c in crates if c.built]
    if not built:
        return ""
    if shutil.which("cargo") is None:
        return "cargo not found: crates not checked"
    env = {
        **os.environ,
        "CARGO_TARGET_DIR": str(target_dir),
        "CARGO_TERM_COLOR": "never",
        "PYO3_PYTHON": os.environ.get("PYO3_PYTHON", sys.executable),
    }
    try:
        proc = subprocess.run(
            ["cargo", "check", "--workspace", "--lib", "--keep-going", "--message-format=json"],
            cwd=crates_dir,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=CHECK_TIMEOUT,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"cargo check timed out after {CHECK_TIMEOUT:.0f} s"
    compiled: set[str] = set()
    failed: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        name = message.get("target", {}).get("name", "")
        if message.get("reason") == "compiler-artifact" and "lib" in message["target"].get("kind", []):
            compiled.add(name)
        elif message.get("reason") == "compiler-message" and message["message"].get("level") == "error":
            failed.setdefault(name, message["message"].get("rendered") or message["message"].get("message", ""))
    for crate in built:
        crate.compiles = crate.name in compiled and crate.name not in failed
        if not crate.compiles:
            crate.error = failed.get(crate.name, "no artifact (a dependency failed?)")[:2000]
    if proc.returncode != 0 and not failed:
        return "\n".join(proc.stderr.strip().splitlines()[-10:])
    return ""
