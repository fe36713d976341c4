"""The ReQL entry point shared by this backend: the official driver in asyncio mode."""

from __future__ import annotations

from rethinkdb import RethinkDB

r = RethinkDB()
r.set_loop_type("asyncio")

# Options every query runs with: times come back as raw pseudo-types and the codec
# decodes them exactly (the driver's own conversion goes through float seconds).
RUN_OPTIONS = {"time_format": "raw"}
