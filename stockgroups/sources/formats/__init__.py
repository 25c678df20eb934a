"""sources.formats."""
