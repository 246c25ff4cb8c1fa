"""Reports for editors and producers: progress, unsupported assertions, the appendix."""
