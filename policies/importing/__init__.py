"""Bulk import and export of the catalogue in JSON, YAML and CSV."""
