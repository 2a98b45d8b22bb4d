"""Stage 4: verdicts per intended use, findings, and (later) policies and waivers."""
