"""The Valkey read cache that wraps any store (see ``hub.store.cache.store``)."""

from hub.store.cache.store import CachingStore

__all__ = ["CachingStore"]
