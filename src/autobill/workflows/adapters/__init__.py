"""The real implementations of the workflow ports: our database, Intacct and the core."""
