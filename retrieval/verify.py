"""Check a circulating quote against the sources: the true wording, and how the claim differs.

A claim is text like `Vance said ICE officers have absolute immunity`: an optional
claimed speaker and the claimed words. The claimed words are aligned, word by
word, with runs of one to three sentences of candidate passages (dense and BM25
candidates, as for /ask); the best aligned runs are the matches, each a verbatim
span of one document (`doc.text[start:end]`) with the sentence before and after.

Verdicts:
- exact: the claimed words appear in that order in the source, as the claimed
  speaker's own words (a direct quote, or a quoted fragment inside a report);
- close: the speaker's own words with a few small changes (at most a fifth of the
  words, and never more than four);
- differs: the source exists, but the wording differs more, the words are someone
  else's, or the source only reports or narrates them;
- not_found: no source says anything close; nothing is guessed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .errors import EmptyQuestion
from .index import Generation
from .query import name_key
from .timeline import SPEAKER_LABEL, near_duplicate, shingles

Verdict = Literal["exact", "close", "differs", "not_found"]

_NAME_WORD = r"(?:[A-Z][\w'’.-]*|de|van|von|al|bin)"
_NAME = rf"(?:{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}})"
_ADVERB = r"(?:(?:once|also|reportedly|allegedly|supposedly|famously|actually|really|publicly|has|had|did|have|just|then|later|earlier)\s+)*"
_VERB = (
    r"(?:said|says|say|claimed|claims|claim|stated|states|argued|argues|insisted|insists|declared|declares|"
    r"told\s+\w+(?:\s+\w+)?|tells\s+\w+|tweeted|tweets|posted|wrote|writes|warned|warns|suggested|suggests|"
    r"admitted|admits|promised|promises|added|announced|announces|asserted|asserts|maintained|maintains|"
    r"remarked|noted|explained|believes|believed|thinks|thought|called|calls|described|describes|"
    r"vowed|vows|pledged|pledges|boasted|conceded|concedes|acknowledged|acknowledges|"
    r"was\s+quoted\s+(?:as\s+)?saying|is\s+quoted\s+(?:as\s+)?saying)"
)
_QUOTED = r"[\"“‘'].+[\"”’']"
_CLAIM_FORMS = [
    # Vance said (that) ICE officers have absolute immunity / Vance once said: "..."
    re.compile(rf"^(?P<speaker>{_NAME})\s+{_ADVERB}{_VERB}\s*[,:]?\s*(?:that\s+)?(?P<content>.+)$", re.S),
    # According to Vance, ...
    re.compile(rf"^(?:according\s+to|per)\s+(?P<speaker>{_NAME})\s*[,:]\s*(?P<content>.+)$", re.S | re.I),
    # Vance: "..."
    re.compile(rf"^(?P<speaker>{_NAME})\s*:\s*(?P<content>.+)$", re.S),
    # "..." - Vance / "...," Vance said / "...," said Vance
    re.compile(rf"^(?P<content>{_QUOTED})\s*(?:[-–—~]+\s*|,\s*)?(?P<speaker>{_NAME})\s*(?:{_VERB})?\s*\.?$", re.S),
    re.compile(rf"^(?P<content>{_QUOTED})\s*,?\s*(?:{_VERB})\s+(?P<speaker>{_NAME})\s*\.?$", re.S),
]
_NOT_NAMES = frozenset(
    "i we he she they it you the this that someone somebody people everyone everybody nobody who one "
    "a an some many most critics officials reports report sources".split()
)
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_QUOTES = "\"“”‘’'"
_FRAGMENT = re.compile(r"[“\"]([^”\"]{2,}?)[”\"]")
_STOP = frozenset(
    "a an the of to in on for and or but is are was were be been being it its this that these those with as at by "
    "from we you he she they i our your his her their my me us them so do does did have has had will would "
    "can could should not no just very all any there here what which who".split()
)


VERDICT_LINES = {
    "exact": "Exact: the claimed words are in the source, as the speaker's own words.",
    "close": "Close: the speaker said nearly this; the true wording differs slightly.",
    "differs": "Differs: the source says something else, or someone else said it, or it only reports it. The true wording is below.",
    "not_found": "Not found: no statement in the corpus matches this claim, so there is nothing to check it against.",
}


@dataclass(frozen=True)
class Match:
    text: str
    source: str
    start: int
    end: int
    speaker: str | None
    published: str | None
    similarity: float
    differences: list[str]
    title: str = ""
    outlet: str | None = None
    url: str | None = None
    paragraph: int = 0
    mode: str = "none"
    before: str = ""
    after: str = ""
    verbatim: bool = False  # the claimed words appear in this order in the text
    claim_length: int = 0
    reworded: bool = False  # a word of substance is replaced ("raises" for "reduces"), not just dropped or added
    edits: int = 0  # words added, dropped or changed between the claim and the part of the text it quotes
    related: bool = False  # on the subject, but not the claimed words

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "published": self.published,
            "similarity": round(float(self.similarity), 4),
            "differences": self.differences,
            "title": self.title,
            "mode": self.mode,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class Verification:
    claim: str
    verdict: Verdict
    matches: list[Match] = field(default_factory=list)
    claimed_speaker: str | None = None
    claimed_words: str = ""

    def to_json(self) -> dict:
        return {"claim": self.claim, "matches": [m.to_json() for m in self.matches], "verdict": self.verdict}


@dataclass(frozen=True)
class VerifyParams:
    candidates: int = 30  # dense and BM25 passages each
    windows: int = 32  # sentence runs embedded per claim
    max_sentences: int = 3
    limit: int = 3  # matches shown
    # A run of sentences is a source of the claim when it shares most of the claim's content
    # words and means much the same, or when it means the same in other words.
    min_cosine: float = 0.45
    min_content: float = 0.6  # of the claim's content words, anywhere in the run
    min_coverage: float = 0.5  # of all the claim's words, in order
    paraphrase_cosine: float = 0.78
    # Other statements shown beside the best one: on the same subject, by the claimed speaker.
    related_cosine: float = 0.45
    close_edits: int = 4


def parse_claim(claim: str) -> tuple[str | None, str]:
    """(claimed speaker, claimed words) of "Vance said ICE officers have absolute immunity"."""
    claim = " ".join(claim.split())
    for form in _CLAIM_FORMS:
        match = form.match(claim)
        if not match:
            continue
        speaker = match.group("speaker").strip()
        content = _strip_quotes(match.group("content"))
        if content:
            # "He said ..." names nobody, but its words are still the claimed words.
            return (speaker if _is_name(speaker) else None), content
    return None, _strip_quotes(claim)


def _strip_quotes(text: str) -> str:
    text = text.strip().rstrip(".").strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES + ".,":
        text = text.strip(_QUOTES + " .,")
    elif text[:1] in _QUOTES and text[1:].count(text[0]) == 0:
        text = text[1:]
    return text.strip()


def _is_name(name: str) -> bool:
    words = [w.lower().strip(".,'’") for w in name.split()]
    return bool(words) and not all(w in _NOT_NAMES for w in words)


def words(text: str) -> list[str]:
    """Lower-cased words, apostrophes unified; "99%" is "99 percent"."""
    out = []
    for m in _WORD.finditer(text):
        out.append(m.group().replace("’", "'").lower())
        if text.startswith("%", m.end()):
            out.append("percent")
    return out


def _word_spans(text: str) -> list[tuple[int, int]]:
    """The character span of each of `words(text)`."""
    out = []
    for m in _WORD.finditer(text):
        out.append(m.span())
        if text.startswith("%", m.end()):
            out.append((m.end(), m.end() + 1))
    return out


def verify(gen: Generation, embedder, claim: str, params: VerifyParams = VerifyParams()) -> Verification:
    claim = " ".join((claim or "").split())
    if not claim:
        raise EmptyQuestion("the claim is empty; paste the quote, e.g. Vance said ICE officers have absolute immunity")
    speaker, content = parse_claim(claim)
    claim_words = words(content)
    if not claim_words or not gen.passages:
        return Verification(claim, "not_found", [], speaker, content)
    content_words = {w for w in claim_words if w not in _STOP} or set(claim_words)

    vector = embedder.encode_query(content)
    rows = _candidates(gen, content, vector, params.candidates)
    # Every run of one to three sentences of each candidate passage; cheap word alignment first.
    windows = []
    for row in rows:  # at most 2 * params.candidates passages
        passage = gen.passages[row]
        text = gen.documents[passage.source].text
        for start, end in _sentence_windows(text, passage, params.max_sentences):
            source_words = words(text[start:end])
            coverage, precision = _alignment(claim_words, source_words)
            share = len(content_words & set(source_words)) / len(content_words)
            windows.append([row, start, end, source_words, coverage, precision, share])
    if not windows:
        return Verification(claim, "not_found", [], speaker, content)
    passage_cos = gen.embeddings[[w[0] for w in windows]] @ vector
    prescore = np.array([0.5 * c + 0.5 * w[4] + 0.05 * w[5] for w, c in zip(windows, passage_cos)])
    keep = np.argsort(-prescore, kind="stable")[: params.windows]
    windows = [windows[i] for i in keep]
    texts = [gen.documents[gen.passages[w[0]].source].text[w[1] : w[2]] for w in windows]
    cosines = embedder.encode(texts) @ vector

    scored = []
    for (row, start, end, source_words, coverage, precision, content_share), cosine, text in zip(windows, cosines, texts):
        similarity = 0.5 * float(cosine) + 0.5 * coverage
        is_source = (
            cosine >= params.min_cosine and content_share >= params.min_content and coverage >= params.min_coverage
        ) or cosine >= params.paraphrase_cosine
        scored.append((similarity + 0.05 * precision, similarity, float(cosine), coverage, is_source, row, start, end, text))
    scored.sort(key=lambda s: -s[0])

    sources = [s for s in scored if s[4]]
    if not sources:
        return Verification(claim, "not_found", [], speaker, content)
    # The claim's source: the claimed speaker's words first, then anyone's.
    attributed = [s for s in sources if _same_person(speaker, gen.passages[s[5]].speaker)]
    lead_pool = attributed or sources
    verbatim_pool = [s for s in lead_pool if _contains(words(s[8]), claim_words)]
    lead = (verbatim_pool or lead_pool)[0]

    chosen = [lead]
    for s in scored:
        if len(chosen) >= params.limit:
            break
        if s is lead or any(_overlaps(gen, s, c) for c in chosen):
            continue
        same_speaker = _same_person(speaker, gen.passages[s[5]].speaker) if speaker else _same_person(
            gen.passages[lead[5]].speaker, gen.passages[s[5]].speaker)
        if not (s[4] or (same_speaker and s[2] >= params.related_cosine)):
            continue
        if any(near_duplicate(shingles(s[8]), shingles(c[8])) for c in chosen):
            continue
        chosen.append(s)

    matches = [_match(gen, s, claim_words, content, speaker, related=not s[4]) for s in chosen]
    verdict = _verdict(matches[0], speaker, params)
    return Verification(claim, verdict, matches, speaker, content)


def _candidates(gen: Generation, content: str, vector: np.ndarray, k: int) -> list[int]:
    k = min(k, len(gen.passages))
    rows: dict[int, None] = {}
    rows.update((r, None) for r in gen.nearest(vector, k))
    lexical = gen.bm25.scores(gen.bm25.query_terms(content))
    if lexical.any():
        top = np.argpartition(-lexical, k - 1)[:k] if k < len(lexical) else np.arange(len(lexical))
        rows.update((int(r), None) for r in top if lexical[r] > 0)
    return list(rows)


def _overlaps(gen: Generation, a, b) -> bool:
    return gen.passages[a[5]].source == gen.passages[b[5]].source and a[6] < b[7] and b[6] < a[7]


def _match(gen: Generation, s, claim_words, content, claimed, related: bool) -> Match:
    _, similarity, cosine, coverage, is_source, row, start, end, text = s
    passage = gen.passages[row]
    doc = gen.documents[passage.source]
    before, after = _context(gen, passage.source, start, end)
    verbatim = _contains(words(text), claim_words)
    fragment = _quoted_fragment(text, claim_words) if passage.mode == "reported" else None
    source_words = words(text)
    edits = _edits(claim_words, source_words)
    related = related or coverage < 0.5 or edits > len(claim_words)
    differences = _differences(claim_words, content, text, claimed, passage.speaker, passage.mode, coverage, related)
    return Match(
        text=text, source=passage.source, start=start, end=end, speaker=passage.speaker,
        published=doc.published, similarity=similarity, differences=differences, title=doc.title,
        outlet=doc.outlet, url=doc.url, paragraph=passage.paragraph,
        mode="quoted" if fragment == "whole" else passage.mode, before=before, after=after,
        verbatim=verbatim, related=related, claim_length=len(claim_words), edits=edits,
        reworded=_reworded(claim_words, source_words),
    )


def _sentence_windows(text: str, passage, max_sentences: int):
    starts = list(passage.sentence_starts) or [passage.start]
    label = SPEAKER_LABEL.match(text, starts[0], passage.end)  # "THE PRESIDENT:  " is not part of the words
    if label:
        starts[0] = label.end()
    ends = [_trim(text, s, e) for s, e in zip(starts, starts[1:] + [passage.end])]
    for i in range(len(starts)):
        for j in range(i, min(i + max_sentences, len(starts))):
            if starts[i] < ends[j]:
                yield starts[i], ends[j]


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _alignment(claim: list[str], source: list[str]) -> tuple[float, float]:
    """Share of the claim's words found, in order, in the source; and the share of the source they cover."""
    if not claim or not source:
        return 0.0, 0.0
    blocks = difflib.SequenceMatcher(None, claim, source, autojunk=False).get_matching_blocks()
    matched = sum(b.size for b in blocks)
    return matched / len(claim), matched / len(source)


def _contains(source: list[str], claim: list[str]) -> bool:
    n = len(claim)
    return n > 0 and any(source[i : i + n] == claim for i in range(len(source) - n + 1))


def _same_person(claimed: str | None, actual: str | None) -> bool:
    if not claimed:
        return True
    claimed_surname, claimed_first = name_key(claimed)
    surname, first = name_key(actual)
    if claimed_surname != surname:
        return False
    if not (claimed_first and first) or claimed_first == first:
        return True
    a, b = claimed_first.rstrip("."), first.rstrip(".")
    return (len(a) <= 2 and b.startswith(a[0])) or (len(b) <= 2 and a.startswith(b[0]))


def _quoted_fragment(text: str, claim_words: list[str]) -> str | None:
    """For a reported sentence: "whole" if all the claimed words are inside its quotation marks,
    else the quoted words it has (joined with " … "), else None."""
    fragments = [m.group(1).strip(" ,.") for m in _FRAGMENT.finditer(text)]
    if any(_contains(words(f), claim_words) for f in fragments):
        return "whole"
    return " … ".join(f"“{f}”" for f in fragments) or None


def _differences(claim_words, claim_text, source_text, claimed, speaker, mode, coverage, related) -> list[str]:
    out = []
    source_words = words(source_text)
    if related or coverage < 0.5 or _edits(claim_words, source_words) > len(claim_words):
        shared = sum(b.size for b in difflib.SequenceMatcher(None, claim_words, source_words, autojunk=False).get_matching_blocks())
        out.append(f"another statement on the subject, not the claimed words (it shares {shared} of the claim's {len(claim_words)} words)")
    else:
        out.extend(_word_changes(claim_words, claim_text, source_words, source_text))
    if claimed and not _same_person(claimed, speaker):
        out.append(
            f"a different speaker: the source attributes these words to {speaker}, not {claimed}"
            if speaker else f"a different speaker: the source does not attribute these words to {claimed}"
        )
    if mode == "reported":
        fragment = _quoted_fragment(source_text, claim_words)
        who = speaker or "the speaker"
        if fragment == "whole":
            out.append(f"quoted inside a report: the claimed words are in quotation marks as {who}'s, within the article's paraphrase")
        elif fragment:
            out.append(f"reported, not said: the source paraphrases {who}; only {fragment} is quoted as {who}'s own words")
        else:
            out.append(f"reported, not said: the source paraphrases {who}; none of it is {who}'s own words")
    elif mode == "none":
        out.append("not a quote: these are the article's own words, not anyone's statement")
    return out


_MAX_CHANGES = 6


def _word_changes(claim_words, claim_text, source_words, source_text) -> list[str]:
    """Words added, missing or changed, shown as written in the claim and the source."""
    bounds = _quoted_part(claim_words, source_words)
    if bounds is None:
        return ["no wording in common with the claim"]
    claim_spans, source_spans = _word_spans(claim_text), _word_spans(source_text)
    lo, hi = bounds

    def said(i1, i2):
        return claim_text[claim_spans[i1][0] : claim_spans[i2 - 1][1]] if i2 > i1 and len(claim_spans) == len(claim_words) else " ".join(claim_words[i1:i2])

    def source(j1, j2):
        return source_text[source_spans[j1][0] : source_spans[j2 - 1][1]] if j2 > j1 else ""

    out = []
    # Compare the claim with the part of the source it quotes, not the whole sentence.
    opcodes = difflib.SequenceMatcher(None, claim_words, source_words[lo:hi], autojunk=False).get_opcodes()
    moved = _moved(claim_words, source_words[lo:hi], opcodes)
    for words_moved in moved:
        out.append(f"word order changed: “{' '.join(words_moved)}” stands elsewhere in the source")
    for tag, i1, i2, j1, j2 in opcodes:
        if tag in ("insert", "delete") and (tuple(source_words[lo + j1 : lo + j2]) in moved or tuple(claim_words[i1:i2]) in moved):
            continue
        if tag == "replace":
            out.append(f"changed: the source says “{source(lo + j1, lo + j2)}” where the claim says “{said(i1, i2)}”")
        elif tag == "insert":
            out.append(f"missing from the claim: “{source(lo + j1, lo + j2)}”")
        elif tag == "delete":
            out.append(f"added by the claim: “{said(i1, i2)}”")
    if len(out) > _MAX_CHANGES:
        out = out[:_MAX_CHANGES] + [f"and {len(out) - _MAX_CHANGES} more changes"]
    return out


def _quoted_part(claim_words: list[str], source_words: list[str]) -> tuple[int, int] | None:
    """The run of the source that the claim quotes: from its first to its last matching word, widened by
    the claim's unmatched words at either end (so a changed last word shows as changed, not added)."""
    blocks = [b for b in difflib.SequenceMatcher(None, claim_words, source_words, autojunk=False).get_matching_blocks() if b.size]
    if not blocks:
        return None
    first, last = blocks[0], blocks[-1]
    lo = max(0, first.b - first.a)
    hi = min(len(source_words), last.b + last.size + (len(claim_words) - last.a - last.size))
    return lo, hi


def _reworded(claim_words: list[str], source_words: list[str]) -> bool:
    bounds = _quoted_part(claim_words, source_words)
    if bounds is None:
        return True
    part = source_words[bounds[0] : bounds[1]]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, claim_words, part, autojunk=False).get_opcodes():
        if tag == "replace" and any(w not in _STOP for w in claim_words[i1:i2] + part[j1:j2]):
            return True
    return False


def _moved(claim_words, part, opcodes) -> list[tuple[str, ...]]:
    """Runs of words the claim drops in one place and adds in another: a change of word order."""
    deleted = [tuple(claim_words[i1:i2]) for tag, i1, i2, _, _ in opcodes if tag == "delete"]
    inserted = [tuple(part[j1:j2]) for tag, _, _, j1, j2 in opcodes if tag == "insert"]
    return [run for run in deleted if run in inserted]


def _edits(claim_words: list[str], source_words: list[str]) -> int:
    """Words added, dropped or changed between the claim and the part of the source it quotes."""
    bounds = _quoted_part(claim_words, source_words)
    if bounds is None:
        return len(claim_words)
    part = source_words[bounds[0] : bounds[1]]
    edits = 0
    opcodes = difflib.SequenceMatcher(None, claim_words, part, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "equal":
            edits += max(i2 - i1, j2 - j1)
    # A moved run counts once, not as dropped and added.
    return edits - sum(len(run) for run in _moved(claim_words, part, opcodes))


def _verdict(best: Match, claimed: str | None, params: VerifyParams) -> Verdict:
    if best.related:
        return "differs"
    attributed = _same_person(claimed, best.speaker) and best.speaker is not None if claimed else best.speaker is not None
    own_words = best.mode in ("direct", "quoted")
    if not (attributed and own_words):
        return "differs"
    if best.verbatim:
        return "exact"
    if best.reworded:
        return "differs"  # one changed word can turn a statement into its opposite
    return "close" if best.edits <= min(params.close_edits, max(2, best.claim_length // 4)) else "differs"


def _context(gen: Generation, source: str, start: int, end: int) -> tuple[str, str]:
    """The sentence before and the sentence after, from the same document."""
    text = gen.documents[source].text
    rows = gen.passages_of_source.get(source, range(0))
    before = after = ""
    for row in rows:  # one document's passages
        passage = gen.passages[row]
        starts = list(passage.sentence_starts) or [passage.start]
        for s, e in zip(starts, starts[1:] + [passage.end]):
            e = _trim(text, s, e)
            if e <= start:
                before = text[s:e]
            elif s >= end and not after:
                after = text[s:e]
                return before, after
    return before, after
