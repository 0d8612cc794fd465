"""Speeches: reading a speech in, with its directives, and showing it."""
