"""Folders on this machine: model folders before they are published and the outputs of licaudit runs."""
