"""The pure billing domain: money, calendar, records, billing and revenue recognition."""
