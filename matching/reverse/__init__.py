"""Reverse matching: stored firms held as columns, ranked for one measure; the drafting sandbox."""
