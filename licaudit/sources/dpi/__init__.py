"""The Data Provenance Collection as a curated layer: below the registry, above card facts."""
