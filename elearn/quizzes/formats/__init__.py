"""formats feature package."""
