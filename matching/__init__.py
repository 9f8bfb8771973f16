"""The engine: firm facts, eligibility, ranking, the compiled catalogue, text and vectors, reverse matching,
notifications and storage. The API enters through `matching.usecases` (and `store` and `notifications` for state)."""
