"""The spaCy pipeline the bot's NLU uses, built from code (no pretrained model exists here)."""
