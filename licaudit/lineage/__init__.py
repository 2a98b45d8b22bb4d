"""Stage 2: the typed lineage graph and how it is built from sources."""
