"""Business rules of a selection round up to the qualification review (SPEC.md §3 steps 1–3)."""
