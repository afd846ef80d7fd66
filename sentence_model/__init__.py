"""all-MiniLM-L6-v2, the sentence model the bot's NLU, the knowledge search and the handoff
detector share: where it lies, its fingerprint, and its embeddings on ONNX Runtime (the core:
`settings`, `model_dir`, `encoder`; no torch, so both environments import it), and the parts
that need torch (`export`, `torch_encoder`, `adapt`), which run in the services' environment.

Importing the package imports nothing heavy; each module imports its runtime when used.
"""
