"""The landing summary: what the tracker holds, per city."""
