"""Benchmarks for dspygen: the compiler's speed and scaling, and the generated bindings (`make bench`)."""
