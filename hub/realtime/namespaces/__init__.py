"""One namespace class per kind of record."""
