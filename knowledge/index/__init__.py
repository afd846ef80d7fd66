"""The search indexes over help-centre passages: lexical (BM25), dense (embeddings), hybrid."""
