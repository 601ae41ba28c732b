"""Rendering: the view through Jinja templates into file texts."""
