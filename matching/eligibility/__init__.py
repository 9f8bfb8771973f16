"""Whether a firm meets a measure's criteria: the scalar rules, the same compiled to columns, and what to change."""
