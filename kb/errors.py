"""One exception family. Lower-layer errors are wrapped here; only the CLI and the app
turn them into user messages (in French)."""


class KbError(Exception):
    """Base of every error the package raises on purpose. Its message is French, for users."""

    exit_code = 1


class ConfigError(KbError):
    """A setting is missing or invalid."""

    exit_code = 2


class CorpusError(KbError):
    """A corpus file cannot be used (unreadable, no front matter, duplicate id, not UTF-8...)."""

    def __init__(self, path, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class IndexMissingError(KbError):
    """No index has been built yet, or it was built with other settings."""

    exit_code = 3


class EmbeddingServiceError(KbError):
    """The embedding service (KB_EMBEDDER=openai:…) is down, refused the request or answered nonsense."""


class ExportError(KbError):
    """An export could not be written."""


class LlmError(KbError):
    """The configured LLM endpoint failed (time-out, HTTP error, bad reply)."""


class CitationError(KbError):
    """A quote failed its verbatim check: a bug in the answer path, never an answer to show. The app logs it in
    full and tells the user briefly."""


class SealError(KbError):
    """An official text differs from what `corpus/official.sha256` sealed: nothing is indexed until it is restored
    or deliberately re-sealed (`kb seal`)."""


class QuestionsError(KbError):
    """The questions file does not follow the format (the message names each faulty item)."""

    exit_code = 2


class ThresholdsError(KbError):
    """The thresholds file cannot be read or names an unknown split or metric."""

    exit_code = 2


class OffsetError(KbError, ValueError):
    """A citation's offsets fall outside its document text: the index and the text disagree (a bug, or a stale
    index), so no context can be shown. Also a ValueError, as callers expected before it had a name."""


class AppError(KbError):
    """The app or the browser could not be started (browser test, app benchmark)."""
