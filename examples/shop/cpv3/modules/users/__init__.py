"""Users: customer accounts."""
