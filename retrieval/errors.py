"""Exceptions that the edges (CLI, Discord) turn into one-line user messages."""


class PolicybotError(Exception):
    """Base class: its message is safe and meant to be shown to a user."""


class EmptyQuestion(PolicybotError):
    pass


class CorpusError(PolicybotError):
    """The corpus directory is missing or holds no readable document."""


class IndexMismatch(PolicybotError):
    """The index was built with another embedding model or chunker."""


class IndexMissing(PolicybotError):
    pass


class ReloadInProgress(PolicybotError):
    """Another process or task holds the reload lock."""


class BadDocument(PolicybotError):
    """One file cannot be loaded; the message is the reason shown in the ingest report."""


class FeedbackUnavailable(PolicybotError):
    """feedback.sqlite cannot be read or written (corrupt, locked, unwritable); answers go on without it."""


class UnknownAnswer(PolicybotError):
    """A button names an answer that the feedback store has no record of."""


class SourceGone(PolicybotError):
    """A quote's document was removed from the corpus after the quote was given."""


class SourceChanged(PolicybotError):
    """A quote's document was edited after the quote was given: its words are no longer at those offsets."""
