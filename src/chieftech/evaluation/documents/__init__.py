"""The committee's documents: its score sheets in Excel and its record as a PDF."""
