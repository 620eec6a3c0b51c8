"""Writes of the rectification module: `problems` (lists, problems, plans, progress, closure, reopening)
and `checks` (quarterly checks). Callers import from the submodule."""
