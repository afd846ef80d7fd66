"""all-MiniLM-L6-v2 run with NumPy: its WordPiece tokenizer and its forward pass."""
