"""licaudit: license and provenance auditing for machine-learning models and datasets."""

__version__ = "0.1.0"
