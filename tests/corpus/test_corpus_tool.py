"""The corpus tool on archives and sources made here: hostile archives never write outside the
extraction folder nor crash the tool, a hash mismatch is an error, the scan finds what DSPy and
pydantic would see, and each declaration gets its outcome from a real `dspygen schema` run."""

from __future__ import annotations

import hashlib
import io
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

from corpus.classify import LEFT_OUT, READ, REFUSED, run_schema
from corpus.fetch import MAX_MEMBER, FetchError, download, extract, safe_relative
from corpus.pins import Package
from corpus.scan import MODEL, SIGNATURE, STRING_SIGNATURE, scan


def _wheel(folder: Path, payload: str) -> Path:
    """A minimal valid wheel of the package `p` 1, which pip can download from a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / "p-1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("p/__init__.py", payload)
        archive.writestr("p-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: p\nVersion: 1\n")
        archive.writestr(
            "p-1.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        archive.writestr("p-1.dist-info/RECORD", "")
    return wheel


def _package(sha256: str) -> Package:
    return Package(name="p", version="1", category="tools", filename="p-1-py3-none-any.whl", sha256=sha256)


def test_a_hash_mismatch_is_an_error_and_nothing_is_kept(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "index", "X = 1\n")
    cache = tmp_path / "cache"
    with pytest.raises(FetchError, match="refusing to use it"):
        download(_package("0" * 64), cache, find_links=wheel.parent)
    assert not any(p.is_file() for p in cache.rglob("*"))
    good = hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert download(_package(good), cache, find_links=wheel.parent).read_bytes() == wheel.read_bytes()


def test_a_corrupted_cache_entry_is_fetched_again(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "index", "the real code = 1\n")
    package = _package(hashlib.sha256(wheel.read_bytes()).hexdigest())
    cached = download(package, tmp_path / "cache", find_links=wheel.parent)
    cached.write_bytes(b"tampered")
    assert download(package, tmp_path / "cache", find_links=wheel.parent).read_bytes() == wheel.read_bytes()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("pkg/models.py", True),
        ("./pkg/./models.py", True),
        ("../evil.py", False),
        ("pkg/../../evil.py", False),
        ("/etc/evil.py", False),
        ("C:/evil.py", False),
        ("pkg\\..\\evil.py", False),
        ("pkg/\x00.py", False),
        ("", False),
    ],
)
def test_safe_relative(name: str, safe: bool) -> None:
    assert (safe_relative(name) is not None) is safe


def test_a_hostile_wheel_extracts_only_its_safe_sources(tmp_path: Path) -> None:
    archive = tmp_path / "p-1-py3-none-any.whl"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("pkg/models.py", "x = 1\n")
        z.writestr("../outside.py", "x = 1\n")
        z.writestr("/abs.py", "x = 1\n")
        link = zipfile.ZipInfo("pkg/link.py")
        link.external_attr = (0o120777 << 16) | 0  # a symbolic link to /etc/passwd
        z.writestr(link, "/etc/passwd")
        z.writestr("pkg/huge.py", b"#" * (MAX_MEMBER + 10))  # compresses to almost nothing
        z.writestr("pkg/data.bin", b"\x00" * 100)
        z.writestr("pkg/models.py/inner.py", "x = 1\n")  # a file where a folder would have to be
    dest = tmp_path / "out" / "p"
    dest.parent.mkdir()
    result = extract(archive, dest)
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == [".complete", "pkg/models.py"]
    assert not (tmp_path / "outside.py").exists()
    assert result.skipped == {"unsafe path": 2, "not a regular file": 1, "too large": 1, "unwritable path": 1}
    assert extract(archive, dest).skipped == result.skipped  # the cache remembers


def test_a_hostile_sdist_extracts_only_regular_files(tmp_path: Path) -> None:
    archive = tmp_path / "p-1.tar.gz"
    with tarfile.open(archive, "w:gz") as t:

        def add(name: str, data: bytes = b"x = 1\n", kind: bytes = tarfile.REGTYPE, target: str = "") -> None:
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.size = kind, target, len(data) if kind == tarfile.REGTYPE else 0
            t.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)

        add("p-1/pkg/models.py")
        add("p-1/pyproject.toml", b"[project]\nname = 'p'\n")
        add("p-1/pkg/sym.py", kind=tarfile.SYMTYPE, target="/etc/passwd")
        add("p-1/pkg/hard.py", kind=tarfile.LNKTYPE, target="/etc/passwd")
        add("p-1/pkg/dev.py", kind=tarfile.CHRTYPE)
        add("p-1/../../escape.py")
    dest = tmp_path / "out" / "p"
    dest.parent.mkdir()
    result = extract(archive, dest)
    assert result.root == dest / "p-1"  # an sdist's top folder is the project's root
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == [".complete", "p-1/pkg/models.py", "p-1/pyproject.toml"]
    assert result.skipped == {"not a regular file": 3, "unsafe path": 1}


def test_a_broken_archive_is_a_fetch_error(tmp_path: Path) -> None:
    archive = tmp_path / "p-1-py3-none-any.whl"
    archive.write_bytes(b"PK\x03\x04 truncated")
    (tmp_path / "out").mkdir()
    with pytest.raises(FetchError):
        extract(archive, tmp_path / "out" / "p")
    assert list((tmp_path / "out").iterdir()) == []


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_scan_finds_declarations_directly_and_through_the_package(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/base.py": """\
                from pydantic import BaseModel
                class Base(BaseModel):
                    id: int
            """,
            "app/models.py": """\
                import dspy
                import pydantic
                from app.base import Base

                class Ticket(Base):
                    title: str

                @some_decorator
                class Page(pydantic.RootModel[list[str]]):
                    pass

                class QA(dspy.Signature):
                    question: str = dspy.InputField()
                    answer: str = dspy.OutputField()

                class Terse(QA):
                    pass

                def run():
                    class Local(dspy.Signature):
                        q: str = dspy.InputField()
                        a: str = dspy.OutputField()
                    return dspy.ChainOfThought("question -> answer")

                class Urgent(Ticket):  # its root is reached only through app/base.py
                    level: int

                if dspy is not None:
                    class Guarded(dspy.Signature):
                        q: str = dspy.InputField()
                        a: str = dspy.OutputField()

                summarize = dspy.Predict("document -> summary")
                plain = dspy.Predict(QA)
                not_a_signature = dspy.Predict("no arrow here")
            """,
            "app/broken.py": "class (:\n",
        },
    )
    found = scan(root)
    assert found.unparsable == 1
    by_name = {d.name: d for d in found.files["app/models.py"]}
    assert {n: d.kind for n, d in by_name.items()} == {
        "Ticket": MODEL,
        "Page": MODEL,
        "QA": SIGNATURE,
        "Terse": SIGNATURE,
        "Local": SIGNATURE,
        "Urgent": MODEL,
        "Guarded": SIGNATURE,
        "question -> answer": STRING_SIGNATURE,
        "document -> summary": STRING_SIGNATURE,
    }
    assert by_name["Ticket"].base_elsewhere and by_name["Urgent"].base_elsewhere
    assert not by_name["Terse"].base_elsewhere and not by_name["Page"].base_elsewhere
    assert by_name["Guarded"].scope == "block"
    assert by_name["Page"].line == 8  # its decorator's line
    assert by_name["Local"].scope == by_name["question -> answer"].scope == "function"
    assert [d.name for d in found.files["app/base.py"]] == ["Base"]


def test_each_declaration_gets_its_outcome_from_dspygen(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "good.py": """\
                import dspy
                from pydantic import BaseModel

                class Answer(BaseModel):
                    text: str

                class QA(dspy.Signature):
                    question: str = dspy.InputField()
                    answer: Answer = dspy.OutputField()
            """,
            "bad.py": """\
                from typing import Callable

                from pydantic import BaseModel

                class Fine(BaseModel):
                    name: str

                class Link(BaseModel):
                    on_click: Callable[[int], int]
            """,
        },
    )
    good = {d.name: d for d in scan(root).files["good.py"]}
    run = run_schema(root, "good.py", list(good.values()))
    assert run.ok and [o.status for o in run.outcomes] == [READ, READ]
    bad = scan(root).files["bad.py"]
    run = run_schema(root, "bad.py", bad)
    outcomes = {o.declaration.name: o for o in run.outcomes}
    assert run.exit_code == 1 and not run.crash
    assert outcomes["Link"].status == REFUSED and outcomes["Link"].cause == "unsupported construct (DSG010)"
    assert outcomes["Fine"].status == REFUSED and outcomes["Fine"].cause == "blocked by another error in the file"


def test_a_declaration_the_run_succeeds_without_is_left_out(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "inner.py": """\
                import dspy

                def make():
                    class Local(dspy.Signature):
                        q: str = dspy.InputField()
                        a: str = dspy.OutputField()
                    return Local
            """,
            # Not DSPy's Signature: the scan counts it, dspygen rightly passes it over.
            "other.py": """\
                from inspect import Signature

                class Call(Signature):
                    pass
            """,
        },
    )
    [local] = run_schema(root, "inner.py", scan(root).files["inner.py"]).outcomes
    assert local.status == LEFT_OUT
    assert local.cause == "left out with a warning (DSG027)"
    [call] = run_schema(root, "other.py", scan(root).files["other.py"]).outcomes
    assert (call.status, call.cause) == (LEFT_OUT, "absent without a diagnostic (at module level)")
