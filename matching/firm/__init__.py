"""A firm as a portal describes it (profile, credit code) and the facts derived from it as of a date."""
