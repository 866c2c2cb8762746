"""Operator commands: ``autobill up``, ``serve``, ``run``, ``schedule`` and ``drafts``."""
