"""The one door to storage for the engine: firm profiles, the embedding cache, saved snapshots, and the loaders and holders that build the plain catalogue and population from them."""
