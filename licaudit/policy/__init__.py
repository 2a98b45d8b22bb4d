"""Stage 4: verdicts per intended use, policies and waivers, and the findings a gate reports."""
