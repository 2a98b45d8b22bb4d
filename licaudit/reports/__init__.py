"""Stage 5: rendering only. Reports read a `TraceResult`; they decide nothing."""
