"""The audit log: who added, removed, restored or reloaded what, when, and how it went.

One JSON object per line, appended to `audit.jsonl` in the index directory. Lines
are written whole under a file lock, so the bot and the CLI can both append.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

AUDIT_FILE = "audit.jsonl"

Action = Literal["add", "remove", "restore", "reload"]
Outcome = Literal["ok", "refused", "failed"]  # refused: bad input, a duplicate, a safety rule; failed: our fault


@dataclass(frozen=True)
class Actor:
    id: str | None  # the Discord user id; None from the command line
    name: str

    @classmethod
    def discord(cls, user_id: int, name: str) -> "Actor":
        return cls(str(user_id), name)


CLI = Actor(None, "cli")


@dataclass(frozen=True)
class AuditEntry:
    at: str  # ISO 8601, UTC
    action: Action
    user_id: str | None
    user: str
    what: str  # the URL, file name or source asked for
    source: str | None  # the corpus path it concerned, when known
    outcome: Outcome
    message: str

    def to_json(self) -> dict:
        return asdict(self)


class AuditLog:
    def __init__(self, path: Path):
        self.path = Path(path)

    def record(self, action: Action, actor: Actor, what: str, source: str | None, outcome: Outcome, message: str) -> AuditEntry:
        entry = AuditEntry(
            at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            action=action,
            user_id=actor.id,
            user=actor.name,
            what=what,
            source=source,
            outcome=outcome,
            message=message,
        )
        line = json.dumps(entry.to_json(), ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        log.info("audit: %s %s by %s (%s): %s", action, what, actor.name, outcome, message)
        return entry

    def entries(self) -> list[AuditEntry]:
        """Every entry, oldest first; a line that is not an entry is skipped with a warning."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                out.append(AuditEntry(**json.loads(line)))
            except (ValueError, TypeError) as exc:
                log.warning("%s line %d is not an audit entry: %s", self.path, number, exc)
        return out
