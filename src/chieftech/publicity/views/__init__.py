"""The publicity area's pages, one module per area: the public notice pages, the notice staff pages, approval."""
