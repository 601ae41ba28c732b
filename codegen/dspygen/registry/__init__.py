"""The registry of the scalar types dspygen supports: one entry per type, every fact about it.

Each table the stages consult (which Python spellings mean the type, how DSPy and pydantic
name it, its Rust type and runtime feature, its samples, how a union ranks it, ...) is derived
from here; tests/unit/test_registry.py checks that every entry has every facet and that the
facets agree with pydantic, dspy and the runtime crate. Adding a scalar is one entry (scalars.py),
its Rust in the runtime crate, a fixture and its differential test.

A catalogue beside the IR, importable by every stage: it imports nothing of dspygen.
"""
