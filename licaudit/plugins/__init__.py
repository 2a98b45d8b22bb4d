"""Plugins: the subsystems licaudit drives (training, data generation, evaluation) and their gate."""
