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

class SourceRefused(PolicybotError):
    """A source a moderator asked to add, remove or restore cannot be taken; nothing was changed."""


class UnsafeURL(SourceRefused):
    """Not http(s), or the host (or a redirect's host) resolves to a loopback, private or otherwise internal address."""


class FetchFailed(SourceRefused):
    """The page could not be fetched: unreachable, an HTTP error status, too many redirects, or too slow."""


class TooLarge(SourceRefused):
    """The download or file is over POLICYBOT_MAX_FILE_MB."""


class UnsupportedContent(SourceRefused):
    """Not HTML, plain text, Markdown or PDF."""


class NoArticle(SourceRefused):
    """Nothing quotable could be extracted."""


class DuplicateSource(SourceRefused):
    """The same URL or the same text is already in the corpus."""


class UnknownSource(SourceRefused):
    """No such source in the corpus (or, for a restore, among the removed sources)."""
