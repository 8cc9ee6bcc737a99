"""Operations on the management period (SPEC.md §4). Each module covers one seam of it."""
