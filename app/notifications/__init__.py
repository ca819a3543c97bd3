"""Email and reminder rules."""
