"""Products: the catalogue."""
