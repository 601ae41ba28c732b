"""The printed table, the JSON summary and the recorded run in docs/corpus.md."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from corpus.measure import Result
from corpus.themes import detail, theme

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "corpus.md"
BEGIN, END = "<!-- corpus:begin (written by `make corpus CORPUS_ARGS=--record`) -->", "<!-- corpus:end -->"
FIGURES = ("files", "declarations", "read", "refused", "left_out", "crashed", "crates_built", "crates_compiling")


def pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def totals(results: list[Result]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for r in results:
        total.update(r.figures())
    return dict(total)


def template(message: str) -> str:
    """A message with its names masked, so the same problem in many places groups as one:
    `Foo` -> `…`, quoted text -> '…', numbers -> N."""
    text = re.sub(r"`[^`]*`", "`…`", message)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    return re.sub(r"\b\d+\b", "N", text)


def top_causes(results: list[Result]) -> list[dict[str, Any]]:
    """Every error and warning of every run, grouped by code and masked message: how many
    times it was reported, how many declarations it decided, and two example messages."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in results:
        for run in r.runs:
            deciding = Counter(id(o.diagnostic) for o in run.outcomes if o.diagnostic is not None)
            for d in run.diagnostics:
                key = (d.level, d.code, template(d.message))
                group = groups.setdefault(
                    key,
                    {"level": d.level, "code": d.code, "message": key[2], "reported": 0, "decided": 0, "examples": []},
                )
                group["reported"] += 1
                group["decided"] += deciding[id(d)]
                if len(group["examples"]) < 2 and all(r.package.name not in e for e in group["examples"]):
                    group["examples"].append(f"{r.package.name}: {d.path}:{d.line}: {d.message}")
    return sorted(groups.values(), key=lambda g: (-g["decided"], -g["reported"], g["code"], g["message"]))


def by_theme(results: list[Result]) -> list[dict[str, Any]]:
    """Each theme: declarations it decided, times reported, and `sole`: declarations of the
    files whose errors are all of this theme (they would read if it alone were fixed)."""
    rows: dict[str, dict[str, Any]] = {}

    def row(name: str) -> dict[str, Any]:
        return rows.setdefault(
            name, {"theme": name, "types": [], "decided": 0, "reported": 0, "sole": 0, "example": ""}
        )

    for r in results:
        for run in r.runs:
            for o in run.outcomes:
                if o.diagnostic is not None:
                    row(theme(o.diagnostic))["decided"] += 1
            errors = [d for d in run.diagnostics if d.level == "error"]
            for d in run.diagnostics:
                entry = row(theme(d))
                entry["reported"] += 1
                if (name := detail(d)) and name not in entry["types"]:
                    entry["types"].append(name)
                entry["example"] = entry["example"] or f"{r.package.name}: {d.path}:{d.line}: {d.message}"
            themes = {theme(d) for d in errors}
            if len(themes) == 1:
                row(themes.pop())["sole"] += len(run.outcomes)
    return sorted(rows.values(), key=lambda t: (-t["decided"], -t["sole"], -t["reported"], t["theme"]))


def theme_table(results: list[Result]) -> str:
    lines = [
        "| theme | declarations decided | declarations of files with only this theme | reported | example |",
        "|---|---:|---:|---:|---|",
    ]
    for t in by_theme(results):
        name = f"{t['theme']}: {', '.join(sorted(t['types']))}" if t["types"] else t["theme"]
        lines.append(f"| {_cell(name)} | {t['decided']} | {t['sole']} | {t['reported']} | {_cell(t['example'])} |")
    return "\n".join(lines)


def summary(results: list[Result], info: dict[str, str]) -> dict[str, Any]:
    by_cause: Counter[str] = Counter()
    for r in results:
        by_cause.update(r.causes())
    return {
        "run": info,
        "totals": totals(results),
        "by_cause": dict(by_cause.most_common()),
        "themes": by_theme(results),
        "top_causes": top_causes(results),
        "packages": [
            {
                "name": r.package.name,
                "version": r.package.version,
                "category": r.package.category,
                "error": r.error,
                "python_files": r.python_files,
                "unparsable_files": r.unparsable,
                "skipped_members": r.skipped_members,
                **r.figures(),
                "causes": dict(r.causes().most_common()),
                "files": [
                    {
                        "path": run.path,
                        "exit_code": run.exit_code,
                        "seconds": round(run.seconds, 3),
                        "crash": run.crash,
                        "diagnostics": [
                            {"level": d.level, "code": d.code, "path": d.path, "line": d.line, "message": d.message}
                            for d in run.diagnostics
                        ],
                        "declarations": [
                            {
                                "kind": o.declaration.kind,
                                "name": o.declaration.name,
                                "line": o.declaration.line,
                                "status": o.status,
                                "cause": o.cause,
                                "message": o.diagnostic.message if o.diagnostic else "",
                            }
                            for o in run.outcomes
                        ],
                    }
                    for run in r.runs
                ],
                "crates": [
                    {"name": c.name, "path": c.path, "built": c.built, "compiles": c.compiles, "error": c.error}
                    for c in r.crates
                ],
            }
            for r in results
        ],
    }


def package_table(results: list[Result], checked: bool) -> str:
    lines = [
        "| package | version | category | files | declarations | read | refused | left out | crashed "
        "| crates built | crates compiling |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, version: str, category: str, f: dict[str, int]) -> str:
        compiling = str(f["crates_compiling"]) if checked else "(not checked)"
        return (
            f"| {name} | {version} | {category} | {f['files']} | {f['declarations']} "
            f"| {f['read']} ({pct(f['read'], f['declarations'])}) | {f['refused']} | {f['left_out']} "
            f"| {f['crashed']} | {f['crates_built']} | {compiling} |"
        )

    for r in results:
        if r.error:
            lines.append(f"| {r.package.name} | {r.package.version} | {r.package.category} | not measured: {r.error} |")
        else:
            lines.append(row(r.package.name, r.package.version, r.package.category, r.figures()))
    lines.append(row(f"**total ({len(results)} packages)**", "", "", totals(results)))
    return "\n".join(lines)


def kind_table(results: list[Result]) -> str:
    t = totals(results)
    lines = ["| kind | found | read | share read |", "|---|---:|---:|---:|"]
    for key, label in (
        ("signatures", "class signatures"),
        ("string_signatures", "string signatures"),
        ("models", "pydantic models"),
    ):
        lines.append(f"| {label} | {t[key]} | {t[key + '_read']} | {pct(t[key + '_read'], t[key])} |")
    return "\n".join(lines)


def cause_table(results: list[Result]) -> str:
    by_cause: Counter[str] = Counter()
    for r in results:
        by_cause.update(r.causes())
    packages: dict[str, set[str]] = defaultdict(set)
    for r in results:
        for cause in r.causes():
            packages[cause].add(r.package.name)
    total = sum(by_cause.values())
    lines = ["| outcome: cause | declarations | share of the not read | packages |", "|---|---:|---:|---:|"]
    for cause, n in by_cause.most_common():
        lines.append(f"| {cause} | {n} | {pct(n, total)} | {len(packages[cause])} |")
    return "\n".join(lines)


def causes_table(results: list[Result], limit: int = 25) -> str:
    lines = [
        "| code | message (names masked) | declarations decided | reported | examples |",
        "|---|---|---:|---:|---|",
    ]
    for g in top_causes(results)[:limit]:
        examples = "<br>".join(_cell(e) for e in g["examples"])
        lines.append(
            f"| {g['level']}[{g['code']}] | {_cell(g['message'])} | {g['decided']} | {g['reported']} | {examples} |"
        )
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def crashes(results: list[Result]) -> list[str]:
    return [f"{r.package.name}: {run.path}: {run.crash}" for r in results for run in r.runs if run.crash]


def record(report: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Corpus\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{BEGIN}\n{report}\n{END}{tail}", encoding="utf-8")


def render(results: list[Result], info: dict[str, str], checked: bool) -> str:
    t = totals(results)
    not_read = t["declarations"] - t["read"]
    parts = [
        f"Run of {info['date']}: dspygen {info['dspygen']}; Python {info['python']}; {info['cargo']}. "
        f"{len(results)} packages, {t['files']} files holding declarations; the run took {info['seconds']} s.",
        "",
        f"**{t['read']} of {t['declarations']} declarations read ({pct(t['read'], t['declarations'])})**; "
        f"{t['refused']} refused, {t['left_out']} left out, {t['crashed']} crashed "
        f"({len(crashes(results))} files with a traceback, a timeout or no diagnostic). "
        f"{t['files_read']} of {t['files']} files read without errors; {t['crates_built']} crates built, "
        + (f"{t['crates_compiling']} compile (`cargo check`)." if checked else "not checked with cargo."),
        "",
        kind_table(results),
        "",
        f"Declarations not read, by outcome and cause (each decided by the first error inside it; {not_read} in all):",
        "",
        cause_table(results),
        "",
        "By theme (what a fix in dspygen would be about; all errors and warnings of all runs):",
        "",
        theme_table(results),
        "",
        "Top diagnostics (grouped by code and message, names masked):",
        "",
        causes_table(results),
        "",
        "Per package:",
        "",
        package_table(results, checked),
    ]
    return "\n".join(parts)
