"""Billing from Intacct: what an event bills, read from Intacct and computed with the core."""
