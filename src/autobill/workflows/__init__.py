"""Temporal orchestration: invoice and billing-run workflows, their activities and worker."""
