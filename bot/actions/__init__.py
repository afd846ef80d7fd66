"""Custom actions, one module per concern; the action server loads this package."""
