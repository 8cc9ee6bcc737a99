"""Printable documents of the notice stage: the notice each applying enterprise posts on its premises."""
