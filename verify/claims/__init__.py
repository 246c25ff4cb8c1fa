"""What verify knows about a claim's text: kind, check-worthiness hints, attribution."""
