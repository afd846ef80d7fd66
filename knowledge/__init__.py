"""The knowledge service: the shop's help centre, indexed for hybrid search."""
