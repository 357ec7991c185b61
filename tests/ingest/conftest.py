import pytest

from vigil.ingest.signals import records_imported


@pytest.fixture(autouse=True)
def no_import_receivers():
    """Import tests run without other apps' receivers (the rules test their own)."""
    saved = records_imported.receivers[:]
    records_imported.receivers = []
    records_imported.sender_receivers_cache.clear()
    yield
    records_imported.receivers = saved
    records_imported.sender_receivers_cache.clear()
