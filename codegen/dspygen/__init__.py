"""dspygen: typed Rust bindings for DSPy signatures and pydantic v2 models."""

__version__ = "0.1.0"
