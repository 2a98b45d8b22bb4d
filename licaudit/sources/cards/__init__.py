"""Model and dataset cards: front matter parsed safely, then read into facts by one reader."""
