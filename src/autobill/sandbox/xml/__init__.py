"""The XML gateway's wire format: parsing requests, building responses and error records."""
