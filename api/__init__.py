"""HTTP layer: the composition root and the only code that knows HTTP."""
