"""Schemas and rules of the clinic. Pure: no I/O, imports nothing of ours but ``hub.errors``."""
