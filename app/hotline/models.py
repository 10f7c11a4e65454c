"""hotline models."""
