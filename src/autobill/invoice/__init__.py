"""Invoice drafts: what autobill drafted, line by line, and where each line came from."""
