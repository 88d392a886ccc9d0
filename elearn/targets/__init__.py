"""Standardization targets, class quotas and dashboards."""
