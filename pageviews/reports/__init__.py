"""The report path: periods, aggregation and sketches, rollups, building a report, export, the dashboard and API."""
