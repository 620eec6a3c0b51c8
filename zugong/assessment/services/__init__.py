"""Writes of the assessment app; callers import from the submodule (campaigns, ratings)."""
