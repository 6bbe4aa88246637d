"""Temporal serverless workers as a Pulumi stack."""
