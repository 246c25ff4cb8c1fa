"""Finding passages: full-text search and evidence suggestions."""
