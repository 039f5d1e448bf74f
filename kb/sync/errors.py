"""Errors of `kb sync`, in the KbError family (French messages; the CLI prints them on one line)."""

from __future__ import annotations

from kb.errors import ConfigError, KbError


class SyncError(KbError):
    """The official source could not be read (network, unexpected reply, unreadable dump); nothing was written."""


class PisteAuthError(ConfigError):
    """PISTE refused the credentials, or none were given."""


class ApplyError(SyncError):
    """Writing the synced files failed; every file was put back as it was."""
