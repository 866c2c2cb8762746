"""Triggers: webhook event schemas, the inbox dispatcher and the Intacct change poller."""
