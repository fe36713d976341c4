"""Persistence behind one interface; which database is in use stays in here."""
