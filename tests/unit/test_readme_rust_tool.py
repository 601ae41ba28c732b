"""The README's Rust-tool example is the code demo/tests/agents.rs compiles and runs."""

import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_shows_the_rust_tool_example_the_demo_runs() -> None:
    demo = (ROOT / "demo" / "tests" / "agents.rs").read_text(encoding="utf-8")
    start = demo.index("// README: rust-tool\n") + len("// README: rust-tool\n")
    end = demo.index("// README: end", start)
    # The demo's copy sits in a module (so its imports are its own) and is `pub` for the test.
    body = textwrap.dedent(demo[start:end]).strip().replace("pub fn ", "fn ")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```rust\n{body}\n```" in readme, f"the README lacks:\n{body}"
