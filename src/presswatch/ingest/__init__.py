"""Ingestion: files, pages and records -> Article/Reject records (readers, dates, cleaning)."""
