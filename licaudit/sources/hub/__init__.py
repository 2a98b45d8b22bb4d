"""The Hugging Face Hub as a source: its client, its SQLite cache and how it is read (settings)."""
