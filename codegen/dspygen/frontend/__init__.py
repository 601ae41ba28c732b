"""Frontends: read Python source into the IR."""
