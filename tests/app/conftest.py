"""Fixtures of the app tier."""

from __future__ import annotations

import pytest

from tests.app.support import Clinic, build_clinic
from tests.conftest import Hub


@pytest.fixture
async def clinic(hub: Hub) -> Clinic:
    """Two doctors, a patient, an appointment per doctor and an account per role, on a running hub."""
    return await build_clinic(hub)
