"""Signals the import sends (defined in core: the team apps' services send the same one)."""

from vigil.core.signals import records_imported

__all__ = ["records_imported"]
