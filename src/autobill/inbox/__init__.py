"""The event inbox: accepted trigger events, stored once each."""
