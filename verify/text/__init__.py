"""Text safety shared by every output channel."""
