"""api models."""
