"""The built-in subsystems; each registers through the `licaudit.plugins` entry-point group."""
