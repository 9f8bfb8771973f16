"""Firm profiles, eligibility, encoders, indexes and ranking."""
