"""Lowering: every Rust decision, made in Python, into a render-ready view."""
