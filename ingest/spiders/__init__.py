"""The generic news spider."""
