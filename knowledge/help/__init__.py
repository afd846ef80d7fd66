"""The help centre as pages: categories, search, articles and their "Was this helpful?" votes."""
