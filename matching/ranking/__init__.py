"""What a measure is worth to a firm and how the results are ordered: benefit estimates, windows, score fusion."""
