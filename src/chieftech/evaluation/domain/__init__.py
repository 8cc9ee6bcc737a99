"""Business rules of the expert committee: scoring, aggregation, ranking and the proposed list (SPEC.md §3 step 4)."""
