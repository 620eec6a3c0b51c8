"""Writes of the selection app: `services.problems` (the archive, R18) and `services.selections` (the stages)."""
