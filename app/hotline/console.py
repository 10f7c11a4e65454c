"""Counselor console for hotline cases."""
