"""Storage plumbing: the declarative base, portable column types and session handling."""
