"""Exports (json, jsonl, csv, ClaimReview, CSL-JSON) and the import that restores a json export."""
