"""Clinic Hub: a realtime scheduling hub for medical clinics."""

__version__ = "0.1.0"
