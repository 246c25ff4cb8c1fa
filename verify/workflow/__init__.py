"""Workflow: the rules for status changes and the services that change claims."""
