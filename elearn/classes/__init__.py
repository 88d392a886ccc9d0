"""Blended classes: sessions, attendance, completion."""
