"""Ingest: read reports, rebuild their numbered structure, chunk, embed, store."""
