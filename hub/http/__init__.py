"""The REST edge: routes, error translation, health, API docs and the web client."""
