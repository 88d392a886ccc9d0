"""orgs feature."""
