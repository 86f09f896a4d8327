"""The answer log and the votes on it, in `feedback.sqlite` beside the index.

An answer is recorded when it is sent, so that its buttons (context, more, votes) and
replies to it keep working after a restart or a reload: the record holds the question,
each quote's source and offsets (with a fingerprint of its words), and who asked for an
ephemeral page. Votes are one per member per answer; a new vote replaces the old one.
Nothing else of a message is stored.

Every call opens its own short connection, so the store can be used from any thread
and by the CLI while the bot runs. A corrupt, locked or unwritable file raises
`FeedbackUnavailable`; callers report it and carry on answering.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .errors import FeedbackUnavailable, UnknownAnswer
from .models import QuoteRef

log = logging.getLogger(__name__)

FEEDBACK_FILE = "feedback.sqlite"
UP, DOWN = 1, -1
ANSWER_ID_CHARS = 16  # hex; short enough for a button's 100-character custom_id

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    speaker TEXT,
    quotes TEXT NOT NULL,
    shown_before INTEGER NOT NULL DEFAULT 0,
    page INTEGER NOT NULL,
    parent TEXT,
    owner_id INTEGER,
    guild_id INTEGER,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL REFERENCES answers(id),
    member_id INTEGER NOT NULL,
    guild_id INTEGER,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    time TEXT NOT NULL,
    PRIMARY KEY (answer_id, member_id)
);
"""


@dataclass(frozen=True)
class AnswerRecord:
    id: str
    question: str  # as answered (a follow-up is stored as it was read, with the speaker and topic filled in)
    speaker: str | None  # who the answer was about: the asked speaker, else the first quote's
    quotes: tuple[QuoteRef, ...]
    shown_before: int  # quotes shown on the pages before this one ("More" pages)
    page: int  # how many quotes a page holds
    parent: str | None  # the page "More" was pressed on
    owner_id: int | None  # set for an ephemeral page: only this member sees it
    guild_id: int | None
    created: str


@dataclass(frozen=True)
class VoteRecord:
    answer: AnswerRecord
    member_id: int
    guild_id: int | None
    vote: int  # UP or DOWN
    time: str

    def to_json(self) -> dict:
        return {
            "answer": self.answer.id,
            "question": self.answer.question,
            "quotes": [{"source": q.source, "start": q.start, "end": q.end} for q in self.answer.quotes],
            "vote": "up" if self.vote == UP else "down",
            "member_id": str(self.member_id),
            "guild_id": str(self.guild_id) if self.guild_id is not None else None,
            "time": self.time,
        }


@dataclass(frozen=True)
class VoteResult:
    vote: int
    previous: int | None  # the member's earlier vote on this answer, if any


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _quotes_json(quotes: tuple[QuoteRef, ...]) -> str:
    return json.dumps([[q.source, q.start, q.end, q.digest] for q in quotes], ensure_ascii=False)


def _quotes_from(raw: str) -> tuple[QuoteRef, ...]:
    return tuple(QuoteRef(str(s), int(a), int(b), str(d)) for s, a, b, d in json.loads(raw))


def _record(row: sqlite3.Row) -> AnswerRecord:
    return AnswerRecord(
        id=row["id"],
        question=row["question"],
        speaker=row["speaker"],
        quotes=_quotes_from(row["quotes"]),
        shown_before=row["shown_before"],
        page=row["page"],
        parent=row["parent"],
        owner_id=row["owner_id"],
        guild_id=row["guild_id"],
        created=row["created"],
    )


class FeedbackStore:
    def __init__(self, path: Path, timeout: float = 1.5) -> None:
        self.path = Path(path)
        # Short: a vote must be answered within Discord's three seconds even when the file is locked.
        self.timeout = timeout

    def _problem(self, exc: BaseException) -> FeedbackUnavailable:
        log.error("feedback store %s unavailable: %s", self.path, exc)
        return FeedbackUnavailable(f"The feedback store is unavailable ({exc}); answers are not affected.")

    @contextmanager
    def _connect(self, create: bool = True) -> Iterator[sqlite3.Connection | None]:
        if not create and not self.path.exists():
            yield None
            return
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.timeout)
        except (sqlite3.Error, OSError) as exc:
            raise self._problem(exc) from exc
        try:
            conn.row_factory = sqlite3.Row
            conn.executescript(_SCHEMA)
            with conn:
                yield conn
        except (sqlite3.Error, OSError, ValueError) as exc:
            # ValueError: a row whose quotes column is not the JSON written here.
            raise self._problem(exc) from exc
        finally:
            conn.close()

    # --- answers --------------------------------------------------------------------------

    def record_answer(
        self,
        question: str,
        speaker: str | None,
        quotes: tuple[QuoteRef, ...] | list[QuoteRef],
        *,
        page: int,
        shown_before: int = 0,
        parent: str | None = None,
        owner_id: int | None = None,
        guild_id: int | None = None,
    ) -> AnswerRecord:
        record = AnswerRecord(
            id=secrets.token_hex(ANSWER_ID_CHARS // 2),
            question=question,
            speaker=speaker,
            quotes=tuple(quotes),
            shown_before=shown_before,
            page=page,
            parent=parent,
            owner_id=owner_id,
            guild_id=guild_id,
            created=_now(),
        )
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO answers (id, question, speaker, quotes, shown_before, page, parent, owner_id, guild_id, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.id, record.question, record.speaker, _quotes_json(record.quotes), record.shown_before,
                 record.page, record.parent, record.owner_id, record.guild_id, record.created),
            )
        return record

    def answer(self, answer_id: str) -> AnswerRecord:
        with self._connect(create=False) as conn:
            row = conn.execute("SELECT * FROM answers WHERE id = ?", (answer_id,)).fetchone() if conn else None
        if row is None:
            raise UnknownAnswer("I no longer have a record of that answer; please ask the question again.")
        return _record(row)

    def seen(self, record: AnswerRecord) -> list[QuoteRef]:
        """Every quote shown for this question up to and including this page, first page first."""
        pages = [record]
        with self._connect(create=False) as conn:
            while conn is not None and pages[-1].parent and len(pages) < 100:
                row = conn.execute("SELECT * FROM answers WHERE id = ?", (pages[-1].parent,)).fetchone()
                if row is None:
                    break
                pages.append(_record(row))
        return [q for page in reversed(pages) for q in page.quotes]

    # --- votes ----------------------------------------------------------------------------

    def vote(self, answer_id: str, member_id: int, guild_id: int | None, vote: int) -> VoteResult:
        if vote not in (UP, DOWN):
            raise ValueError(f"a vote is {UP} or {DOWN}, not {vote!r}")
        with self._connect() as conn:
            if conn.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
                raise UnknownAnswer("I no longer have a record of that answer, so the vote cannot be saved.")
            row = conn.execute(
                "SELECT vote FROM votes WHERE answer_id = ? AND member_id = ?", (answer_id, member_id)
            ).fetchone()
            conn.execute(
                "INSERT INTO votes (answer_id, member_id, guild_id, vote, time) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (answer_id, member_id) DO UPDATE SET vote = excluded.vote, time = excluded.time,"
                " guild_id = excluded.guild_id",
                (answer_id, member_id, guild_id, vote, _now()),
            )
        return VoteResult(vote, row["vote"] if row else None)

    def votes(self) -> list[VoteRecord]:
        """Every vote, oldest first."""
        with self._connect(create=False) as conn:
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT a.*, v.member_id AS v_member, v.guild_id AS v_guild, v.vote AS v_vote, v.time AS v_time"
                " FROM votes v JOIN answers a ON a.id = v.answer_id ORDER BY v.time, v.rowid"
            ).fetchall()
            return [VoteRecord(_record(r), r["v_member"], r["v_guild"], r["v_vote"], r["v_time"]) for r in rows]

    def tally(self, answer_id: str) -> tuple[int, int]:
        """(up votes, down votes) on one answer."""
        with self._connect(create=False) as conn:
            if conn is None:
                return 0, 0
            row = conn.execute(
                "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) FROM votes WHERE answer_id = ?",
                (answer_id,),
            ).fetchone()
            return int(row[0]), int(row[1])


def upvoted(votes: list[VoteRecord]) -> list[AnswerRecord]:
    """Answers with more up votes than down votes, in the order of their first vote."""
    net: dict[str, int] = {}
    records: dict[str, AnswerRecord] = {}
    for v in votes:
        net[v.answer.id] = net.get(v.answer.id, 0) + v.vote
        records.setdefault(v.answer.id, v.answer)
    return [records[i] for i in records if net[i] > 0 and records[i].quotes]


def eval_rows(records: list[AnswerRecord], corpus_dir: Path, max_file_bytes: int) -> tuple[list[dict], list[str]]:
    """Up-voted answers as `policybot eval` question rows: the question, and its first quote as the gold,
    read from the corpus as it is now. Returns the rows and, for answers left out, why."""
    from .documents import load_document
    from .errors import BadDocument
    from .models import text_digest

    root = Path(corpus_dir)
    real_root = root.resolve()
    rows: list[dict] = []
    skipped: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    texts: dict[str, str | None] = {}
    for record in records:
        ref = record.quotes[0]
        if ref.source not in texts:
            try:
                texts[ref.source] = load_document(root / ref.source, ref.source, real_root, max_file_bytes).text
            except BadDocument as exc:
                texts[ref.source] = None
                skipped.append(f"{record.id}: {ref.source}: {exc}")
                continue
        text = texts[ref.source]
        if text is None:
            skipped.append(f"{record.id}: {ref.source} cannot be read")
            continue
        gold = text[ref.start : ref.end]
        if text_digest(gold) != ref.digest:
            skipped.append(f"{record.id}: {ref.source} has changed since the answer")
            continue
        key = (record.question, ref.source, gold)
        if key in seen:
            continue
        seen.add(key)
        rows.append({
            "id": f"feedback-{record.id}",
            "question": record.question,
            "speaker": record.speaker,
            "doc": ref.source,
            "gold": gold,
            "kind": "feedback",
        })
    return rows, skipped
