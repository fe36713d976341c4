"""Passwords, tokens, roles and the login routes."""
