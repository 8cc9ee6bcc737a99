"""The evaluation stage's pages, one module per area: committee, scoring, results."""
