"""Business rules of the public notice with objections and of the approvals (SPEC.md §3 steps 5–6)."""
