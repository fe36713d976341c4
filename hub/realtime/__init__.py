"""The Socket.IO edge: connect auth, namespaces, and (later) rooms fed by store changes."""
