"""officers feature."""
