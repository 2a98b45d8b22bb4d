"""Imported Hub card dumps: rows read from JSON Lines or Parquet, their facts, the SQLite store."""
