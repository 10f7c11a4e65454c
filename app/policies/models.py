"""policies models."""
