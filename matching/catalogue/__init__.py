"""The published catalogue compiled for matching: an immutable snapshot of views, rules, vectors and columns."""
