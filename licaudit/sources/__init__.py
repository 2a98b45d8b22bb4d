"""Stage 1: facts about single artifacts, each with its evidence (registry, Hub, local folders)."""
