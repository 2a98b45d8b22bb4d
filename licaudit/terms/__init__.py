"""Stage 3: license terms as data, license expressions, and how terms propagate."""
