"""The claims database: models, engine and migrations."""
