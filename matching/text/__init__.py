"""Text and vectors: encoders (bundled model, ONNX export), exact vector scoring, Chinese/English tokens, BM25, place names."""
