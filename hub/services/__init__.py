"""Use-cases: validate with the domain schemas, check permissions, call the store.

Both edges (Socket.IO namespaces and REST routes) call these, so the rules live once.
"""
