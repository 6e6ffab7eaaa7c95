"""Shared infrastructure: settings, database session, schema base class, domain errors."""
