"""The catalogue of support measures: schema, curation workflow, import and export."""
