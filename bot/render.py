"""Turn retrieval records into Discord embeds that always fit Discord's limits.

Every function here returns payloads that Discord accepts: each part is cut to
its own limit and the whole message stays under the 6,000-character total.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from urllib.parse import quote as _urlquote

import discord

from retrieval.models import Answer, IngestReport, Quote, SourceInfo

# Discord's documented limits.
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10

ELLIPSIS = "…"
NO_MATCH = "I found no statement about that in the corpus."
SOURCES_PER_PAGE = 8

# A link longer than this is more noise than help in an embed; it also
# protects the description budget from one pathological URL.
_MAX_LINK_CHARS = 600
# How many words of a long quote go into textStart and textEnd.
_FRAGMENT_WORDS = 4

_COLOUR_ANSWER = discord.Colour.blurple()
_COLOUR_ABSTAIN = discord.Colour.light_grey()
_COLOUR_REPORT = discord.Colour.green()


# --- text helpers -------------------------------------------------------------------------


_MARKDOWN_CHARS = re.compile(r"([\\*_~|>`\[\]()])")
_LINE_START_MARKS = re.compile(r"^([ \t]*)([#+-])", re.M)
_LINE_START_NUMBER = re.compile(r"^([ \t]*\d+)\.", re.M)


def escape(text: str) -> str:
    """Backslash-escape Discord markdown so the text shows exactly as written.

    `discord.utils.escape_markdown` leaves `>` inside a line alone (so `<@id>` and
    `<t:…>` would render) and escapes a whole `[text](url)` with one backslash,
    leaving the markdown inside it live, so quotes are escaped character by
    character here: a backslash before any punctuation is always removed by Discord.
    """
    text = _MARKDOWN_CHARS.sub(r"\\\1", text)
    text = _LINE_START_MARKS.sub(r"\1\\\2", text)
    return _LINE_START_NUMBER.sub(r"\1\\.", text)


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters at a word boundary, marked with `…`."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:max(limit, 0)]
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    # Cutting mid-word is better than dropping almost everything.
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def fit_escaped(text: str, limit: int) -> str:
    """The longest word-boundary prefix of `text` whose escaped form fits in `limit`."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    if limit <= len(ELLIPSIS):
        return ""
    words = list(re.finditer(r"\S+", text))
    # Escaping only ever grows text, so the raw prefix never needs to exceed `limit`.
    lo, hi, best = 0, len(words), ""
    while lo <= hi:
        mid = (lo + hi) // 2
        prefix = text[: words[mid - 1].end()] if mid else ""
        candidate = escape(prefix.rstrip()) + ELLIPSIS
        if len(candidate) <= limit:
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    if best and best != ELLIPSIS:
        return best
    # One giant word: cut characters instead; escaping whole prefixes never splits an escape pair.
    lo, hi, best = 1, min(len(text), limit), ELLIPSIS
    while lo <= hi:
        mid = (lo + hi) // 2
        candidate = escape(text[:mid]) + ELLIPSIS
        if len(candidate) <= limit:
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return best


def fit_escaped_tail(text: str, limit: int) -> str:
    """The longest word-boundary suffix of `text` whose escaped form, after `…`, fits in `limit`."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    if limit <= len(ELLIPSIS):
        return ""
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    lo, hi, best = 0, len(starts) - 1, ""
    # Fewer words from the end always fit when more do: search for the earliest start that fits.
    while lo <= hi:
        mid = (lo + hi) // 2
        candidate = ELLIPSIS + escape(text[starts[mid]:].lstrip())
        if len(candidate) <= limit:
            best, hi = candidate, mid - 1
        else:
            lo = mid + 1
    return best if best and best != ELLIPSIS else ""


def block_quote(text: str) -> str:
    return "\n".join("> " + line for line in text.split("\n"))


def _plain_field(text: str, limit: int) -> str:
    return truncate(escape(text), limit) or "\u200b"


# --- links --------------------------------------------------------------------------------


def _fragment_part(text: str) -> str:
    # The text-fragment spec reserves '-', ',' and '&'; quote() leaves '-' alone.
    return _urlquote(text, safe="").replace("-", "%2D")


def text_fragment(text: str) -> str:
    """The `:~:text=` directive that highlights `text` in a browser."""
    words = text.split()
    if len(words) <= 2 * _FRAGMENT_WORDS:
        return ":~:text=" + _fragment_part(" ".join(words))
    start = " ".join(words[:_FRAGMENT_WORDS])
    end = " ".join(words[-_FRAGMENT_WORDS:])
    return f":~:text={_fragment_part(start)},{_fragment_part(end)}"


def _safe_url(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if not re.match(r"https?://[^\s/]+", url, re.IGNORECASE):
        return None
    # Parentheses and spaces would end a markdown link early.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def quote_link(quote: Quote) -> str | None:
    """The source URL with a text fragment for this quote, or None when no usable URL is known."""
    base = _safe_url(quote.url)
    if base is None:
        return None
    base = base.split("#:~:", 1)[0]
    sep = ":~:" if "#" in base else "#:~:"
    link = base + sep + text_fragment(quote.text).removeprefix(":~:")
    if len(link) <= _MAX_LINK_CHARS:
        return link
    return base if len(base) <= _MAX_LINK_CHARS else None


# --- answers ------------------------------------------------------------------------------


def _code(text: str, limit: int) -> str:
    return "`" + truncate(text, limit).replace("`", "'") + "`"


def _citation(quote: Quote, with_link: bool = True) -> str:
    """The line under a quote: who said it, where, and a link or file and paragraph."""
    # Said so plainly: the article quotes it, but does not settle who said it.
    who = escape(truncate(quote.speaker, 100)) if quote.speaker else "Speaker unknown"
    title = escape(truncate(quote.title or quote.source, 150).replace("[", "(").replace("]", ")"))
    details = [d for d in (quote.outlet, quote.published) if d]
    detail = f" ({escape(truncate(', '.join(details), 120))})" if details else ""
    link = quote_link(quote) if with_link else None
    if link:
        where = f"[{title}]({link})"
    else:
        where = f"*{title}*, {_code(quote.source, 150)} ¶ {quote.paragraph + 1}"
    return f"— **{who}**, {where}{detail}"


_MIN_QUOTE_ROOM = 120
_MAX_CITATION = 1000


def _kept(quotes: Sequence[Quote]) -> tuple[list[tuple[Quote, str]], int]:
    """As many quotes as leave each a readable share of the description, with their citations."""
    kept: list[tuple[Quote, str]] = []
    overhead = 0
    for quote in quotes:
        citation = _citation(quote)
        if len(citation) > _MAX_CITATION:
            citation = truncate(_citation(quote, with_link=False), _MAX_CITATION)
        cost = len(citation) + 4 + 2 * (quote.text.count("\n") + 1)
        if kept and overhead + cost + _MIN_QUOTE_ROOM * (len(kept) + 1) > DESCRIPTION_LIMIT:
            break
        kept.append((quote, citation))
        overhead += cost
    return kept, overhead


def shown_quotes(answer: Answer) -> list[Quote]:
    """The quotes `answer_embed` shows: the buttons under an answer act on these."""
    return [quote for quote, _ in _kept(answer.quotes)[0]]


def answer_embed(answer: Answer, shown_before: int = 0) -> discord.Embed:
    """The answer's quotes; `shown_before` > 0 for a "More" page (the quotes before it were shown earlier)."""
    question = truncate(" ".join(answer.question.split()), TITLE_LIMIT - 3) or "?"
    if answer.abstained or not answer.quotes:
        return _abstain_embed(answer, question)

    kept, overhead = _kept(answer.quotes)

    per_quote = (DESCRIPTION_LIMIT - overhead) // len(kept)
    blocks = []
    spare = 0
    # Short quotes leave room that the quotes after them may use.
    for quote, citation in kept:
        room = per_quote + spare
        body = fit_escaped(quote.text, room)
        spare = room - len(body)
        blocks.append(block_quote(body) + "\n" + citation)
    description = "\n\n".join(blocks)

    embed = discord.Embed(title=f"Q: {question}", description=description, colour=_COLOUR_ANSWER)
    speaker = f" · asked about {truncate(answer.asked_speaker, 100)}" if answer.asked_speaker else ""
    plural = "s" if len(kept) != 1 else ""
    numbers = f" (quotes {shown_before + 1}–{shown_before + len(kept)})" if shown_before else ""
    embed.set_footer(text=f"{len(kept)} verbatim quote{plural}{numbers} from the corpus{speaker}")
    return embed


NEAREST_HEADING = "Closest statements by {who} (these may NOT answer your question)"
_NEAREST_QUOTE_CHARS = 300


def _abstain_embed(answer: Answer, question: str) -> discord.Embed:
    embed = discord.Embed(title=f"Q: {question}", description=NO_MATCH, colour=_COLOUR_ABSTAIN)
    if answer.nearest:
        # Each statement is cut to share one field; the field and the embed stay under Discord's limits.
        room = max(80, FIELD_VALUE_LIMIT // len(answer.nearest) - 4)
        blocks, used = [], 0
        for quote in answer.nearest:
            citation = truncate(_citation(quote, with_link=False), max(40, room // 2))
            body = fit_escaped(quote.text, min(_NEAREST_QUOTE_CHARS, max(20, room - len(citation) - 4)))
            block = block_quote(body) + "\n" + citation
            if used + len(block) + 2 > FIELD_VALUE_LIMIT:
                break
            blocks.append(block)
            used += len(block) + 2
        if blocks:
            who = truncate(answer.asked_speaker or answer.nearest[0].speaker or "the person asked about", 100)
            embed.add_field(name=truncate(NEAREST_HEADING.format(who=escape(who)), FIELD_NAME_LIMIT), value="\n\n".join(blocks), inline=False)
    topics = [t for t in answer.nearest_topics if t and t.strip()]
    if topics:
        lines, used = [], 0
        for topic in topics:
            line = "• " + truncate(escape(" ".join(topic.split())), 200)
            if used + len(line) + 1 > FIELD_VALUE_LIMIT:
                break
            lines.append(line)
            used += len(line) + 1
        embed.add_field(
            name="Nearest topics in the corpus (these do NOT answer your question)",
            value="\n".join(lines) or "\u200b",
            inline=False,
        )
    return embed


# --- ingest reports -----------------------------------------------------------------------


def ingest_embed(report: IngestReport) -> discord.Embed:
    changed = report.added or report.changed or report.removed
    title = "Corpus reloaded" if changed else "Corpus reloaded: nothing changed"
    embed = discord.Embed(title=title, colour=_COLOUR_REPORT)
    if report.notice:
        embed.description = truncate(escape(report.notice), 1000)
    for name, value in (
        ("Added", report.added),
        ("Changed", report.changed),
        ("Removed", report.removed),
        ("Unchanged", report.unchanged),
        ("Skipped", len(report.skipped)),
    ):
        embed.add_field(name=name, value=str(value), inline=True)
    if report.skipped:
        lines, used = [], 0
        for index, skipped in enumerate(report.skipped):
            line = f"{_code(skipped.source, 120)}: {truncate(escape(skipped.reason), 200)}"
            rest = len(report.skipped) - index
            tail = f"…and {rest} more"
            if used + len(line) + 1 + len(tail) > FIELD_VALUE_LIMIT:
                lines.append(tail)
                break
            lines.append(line)
            used += len(line) + 1
        embed.add_field(name="Skipped files", value="\n".join(lines), inline=False)
    embed.set_footer(
        text=f"Took {report.seconds:.1f} s · now {report.documents} documents, {report.passages} passages"
        + (f" · {report.embedded_passages} passages embedded" if report.embedded_passages else "")
    )
    return embed


# --- sources ------------------------------------------------------------------------------


def page_count(total: int, per_page: int = SOURCES_PER_PAGE) -> int:
    return max(1, math.ceil(total / per_page))


def sources_embed(
    sources: Sequence[SourceInfo], page: int, query: str | None = None, per_page: int = SOURCES_PER_PAGE
) -> discord.Embed:
    pages = page_count(len(sources), per_page)
    page = min(max(page, 0), pages - 1)
    heading = "Documents in the corpus"
    if query:
        heading = f"Documents matching “{truncate(' '.join(query.split()), 150)}”"
    embed = discord.Embed(title=truncate(heading, TITLE_LIMIT), colour=_COLOUR_ANSWER)
    if not sources:
        embed.description = "No documents match." if query else "The corpus is empty."
        return embed

    shown = sources[page * per_page : (page + 1) * per_page]
    # Fields keep the page readable; each value is bounded so the total stays under 6,000.
    value_room = min(FIELD_VALUE_LIMIT, (EMBED_TOTAL_LIMIT - 600) // len(shown) - 200)
    for info in shown:
        bits = [b for b in (info.outlet, info.published) if b]
        bits.append(f"{info.passages} passage{'s' if info.passages != 1 else ''}")
        source = _code(info.source, 150)
        value = truncate(escape(" · ".join(bits)), value_room - len(source) - 1) + "\n" + source
        embed.add_field(name=_plain_field(" ".join((info.title or info.source).split()), 180), value=value, inline=False)
    embed.set_footer(text=f"Page {page + 1}/{pages} · {len(sources)} document{'s' if len(sources) != 1 else ''}")
    return embed


# --- corpus curation ----------------------------------------------------------------------


def added_embed(added) -> discord.Embed:
    """What /add stored: the moderator checks at a glance that the article and its speakers were read right."""
    embed = discord.Embed(title=truncate("Added: " + " ".join(added.title.split()), TITLE_LIMIT), colour=_COLOUR_REPORT)
    link = _safe_url(added.url)
    if link and len(link) <= _MAX_LINK_CHARS:
        embed.url = link
    embed.add_field(name="Outlet", value=_plain_field(added.outlet or "unknown", 200), inline=True)
    embed.add_field(name="Published", value=added.published or "undated", inline=True)
    embed.add_field(name="Passages", value=str(added.passages), inline=True)
    if added.speakers:
        lines, used = [], 0
        for index, found in enumerate(added.speakers):
            plural = "s" if found.statements != 1 else ""
            line = f"{escape(truncate(found.name, 100))}: {found.statements} statement{plural}"
            tail = f"…and {len(added.speakers) - index} more"
            if used + len(line) + 1 + len(tail) > FIELD_VALUE_LIMIT:
                lines.append(tail)
                break
            lines.append(line)
            used += len(line) + 1
        speakers = "\n".join(lines)
    else:
        speakers = "None found: only the article's own narration. Check the text, or add it again with a speaker."
    embed.add_field(name="Speakers", value=speakers, inline=False)
    embed.add_field(name="Stored as", value=_code(added.source, 200), inline=False)
    embed.set_footer(text=truncate(f"See it with /sources query:{' '.join(added.title.split())[:80]}", FOOTER_LIMIT))
    return embed


def moved_embed(moved) -> discord.Embed:
    """What /remove or /restore did, and how to undo it."""
    removed = moved.action == "remove"
    heading = ("Removed: " if removed else "Restored: ") + " ".join((moved.title or moved.source).split())
    embed = discord.Embed(title=truncate(heading, TITLE_LIMIT), colour=_COLOUR_REPORT)
    embed.add_field(name="Source", value=_code(moved.source, 200), inline=False)
    if removed:
        embed.description = "The file is kept, not deleted. A moderator can bring it back with /restore."
    embed.set_footer(text=f"Now {moved.report.documents} documents, {moved.report.passages} passages")
    return embed


# --- validation ---------------------------------------------------------------------------


def check_embeds(embeds: Sequence[discord.Embed], content: str | None = None) -> list[str]:
    """Every Discord limit that this message would break; empty when it is valid."""
    problems = []
    if content is not None and len(content) > CONTENT_LIMIT:
        problems.append("content")
    if len(embeds) > EMBEDS_PER_MESSAGE:
        problems.append("too many embeds")
    total = 0
    for embed in embeds:
        data = embed.to_dict()
        title = data.get("title", "")
        description = data.get("description", "")
        footer = data.get("footer", {}).get("text", "")
        author = data.get("author", {}).get("name", "")
        fields = data.get("fields", [])
        if len(title) > TITLE_LIMIT:
            problems.append("title")
        if len(description) > DESCRIPTION_LIMIT:
            problems.append("description")
        if len(footer) > FOOTER_LIMIT:
            problems.append("footer")
        if len(author) > AUTHOR_LIMIT:
            problems.append("author")
        if len(fields) > FIELD_COUNT_LIMIT:
            problems.append("field count")
        for f in fields:
            if not f.get("name") or len(f["name"]) > FIELD_NAME_LIMIT:
                problems.append("field name")
            if not f.get("value") or len(f["value"]) > FIELD_VALUE_LIMIT:
                problems.append("field value")
        total += len(title) + len(description) + len(footer) + len(author)
        total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in fields)
    if total > EMBED_TOTAL_LIMIT:
        problems.append("total")
    return problems


# --- timelines and verification --------------------------------------------------------------

TIMELINE_EMPTY = "I found no statements by that speaker on that topic in the corpus."
_COLOUR_VERDICT = {
    "exact": discord.Colour.green(),
    "close": discord.Colour.gold(),
    "differs": discord.Colour.orange(),
    "not_found": discord.Colour.light_grey(),
}
_MIN_STATEMENT_ROOM = 100


def _pack(blocks: list[tuple[str, str, str]], budget: int, min_room: int) -> tuple[list[str], int]:
    """Blocks of (head, verbatim text, tail) in at most `budget` characters: as many as leave each
    quote `min_room` characters, quotes cut at word boundaries (escaped, block-quoted) to share the rest.
    Returns the rendered blocks and how many were kept."""
    kept: list[tuple[str, str, str]] = []
    overhead = 0
    for head, text, tail in blocks:
        cost = len(head) + len(tail) + 4 + 2 * (text.count("\n") + 1)
        if kept and overhead + cost + min_room * (len(kept) + 1) > budget:
            break
        if not kept and cost + min_room > budget:
            head, tail = truncate(head, budget // 4), truncate(tail, budget // 4)
            cost = len(head) + len(tail) + 4 + 2 * (text.count("\n") + 1)
        kept.append((head, text, tail))
        overhead += cost
    if not kept:
        return [], 0
    per_quote = max(0, (budget - overhead) // len(kept))
    out, spare = [], 0
    for head, text, tail in kept:
        room = per_quote + spare
        body = fit_escaped(text, room) or ELLIPSIS
        spare = max(0, room - len(body))
        parts = [p for p in (head, block_quote(body), tail) if p]
        out.append("\n".join(parts))
    return out, len(kept)


def _date_label(published: str | None) -> str:
    return f"**{published}**" if published else "**undated**"


def timeline_embed(timeline) -> discord.Embed:
    """A speaker's statements, oldest first: date, verbatim quote, citation; undated ones last."""
    who = " ".join((timeline.speaker or "").split()) or "?"
    names = [n for n in getattr(timeline, "speakers", ()) if n]
    heading = f"Timeline: {' / '.join(names) if names else who}"
    if timeline.topic:
        heading += f" on “{' '.join(timeline.topic.split())}”"
    embed = discord.Embed(title=truncate(heading, TITLE_LIMIT), colour=_COLOUR_ANSWER)
    if not timeline.statements:
        text = f"I found no statements by {truncate(who, 100)}"
        text += f" on “{truncate(' '.join(timeline.topic.split()), 200)}”" if timeline.topic else ""
        text += " in the corpus."
        suggestions = [s for s in getattr(timeline, "suggestions", ()) if s]
        if suggestions:
            text += " Speakers with similar names: " + "; ".join(truncate(s, 100) for s in suggestions[:5]) + "."
        embed.colour = _COLOUR_ABSTAIN
        embed.description = truncate(escape(text), DESCRIPTION_LIMIT)
        return embed

    blocks = []
    for statement in timeline.statements:
        label = " · *reported by the source, not their own words*" if statement.mode == "reported" else ""
        citation = _citation(statement)
        if len(citation) > 400:
            citation = truncate(_citation(statement, with_link=False), 400)
        tail = citation
        if statement.also:
            others = ", ".join(
                f"{_code(c.source, 80)} ({c.published or 'undated'})" for c in statement.also[:3]
            )
            more = f" and {len(statement.also) - 3} more" if len(statement.also) > 3 else ""
            tail += f"\nalso in {others}{more}"
        blocks.append((_date_label(statement.published) + label, statement.text, tail))
    rendered, kept = _pack(blocks, DESCRIPTION_LIMIT, _MIN_STATEMENT_ROOM)
    embed.description = "\n\n".join(rendered)
    total = len(timeline.statements)
    footer = f"{kept} verbatim statement{'s' if kept != 1 else ''}, oldest first"
    if kept < total:
        footer += f" · {total - kept} more not shown (use the CLI with --json for all)"
    embed.set_footer(text=footer)
    return embed


def verify_embed(verification) -> discord.Embed:
    """The verdict, then the true wording (verbatim, cited, with the sentences around it) and the differences."""
    from retrieval.verify import VERDICT_LINES

    claim = truncate(" ".join(verification.claim.split()), TITLE_LIMIT - 8) or "?"
    embed = discord.Embed(title=f"Verify: {claim}", colour=_COLOUR_VERDICT.get(verification.verdict, _COLOUR_ANSWER))
    verdict = f"**{escape(VERDICT_LINES[verification.verdict])}**"
    if not verification.matches:
        embed.description = verdict
        embed.set_footer(text="verdict: not_found")
        return embed

    blocks = []
    for n, match in enumerate(verification.matches):
        if getattr(match, "related", False):
            head = "**Related statement** (not the claimed words)"
        else:
            head = "**Source**" if n == 0 else "**Also**"
        mode = {"reported": " · *reported by the source, not said*", "none": " · *the article's own narration*"}.get(match.mode, "")
        citation = _citation(match)
        if len(citation) > 400:
            citation = truncate(_citation(match, with_link=False), 400)
        lines = [citation]
        if match.before:
            lines.append("before: *" + fit_escaped(" ".join(match.before.split()), 200) + "*")
        if match.after:
            lines.append("after: *" + fit_escaped(" ".join(match.after.split()), 200) + "*")
        for difference in match.differences[:6]:
            lines.append("• " + fit_escaped(" ".join(difference.split()), 240))
        blocks.append((head + mode, match.text, "\n".join(lines)))
    rendered, kept = _pack(blocks, DESCRIPTION_LIMIT - len(verdict) - 2, _MIN_QUOTE_ROOM)
    embed.description = verdict + "\n\n" + "\n\n".join(rendered)
    embed.set_footer(text=f"verdict: {verification.verdict} · {kept} source passage{'s' if kept != 1 else ''} quoted verbatim")
    return embed


# --- context ------------------------------------------------------------------------------

_COLOUR_CONTEXT = discord.Colour.dark_teal()


def _shares(needs: list[int], room: int) -> list[int]:
    """Split `room` among parts that need `needs` characters: small needs in full, the rest evenly."""
    shares = [0] * len(needs)
    left = sorted(range(len(needs)), key=lambda i: needs[i])
    while left:
        even = room // len(left)
        i = left[0]
        if needs[i] <= even:
            shares[i] = needs[i]
            room -= needs[i]
            left.pop(0)
            continue
        for i in left:
            shares[i] = even
        break
    return shares


def bold(text: str) -> str:
    """Escaped text in bold, line by line (bold does not run over a paragraph break)."""
    return "\n".join(f"**{line}**" if line.strip() else line for line in text.split("\n"))


def _context_body(ctx, room: int) -> str:
    before, lead, quote, tail, after = ctx.before or "", ctx.lead, ctx.quote, ctx.tail, ctx.after or ""
    separators = 4 + 4  # two blank lines, and the bold markers
    quote_room = max(_MIN_QUOTE_ROOM, min(len(escape(quote)) + 4, (room - separators) * 3 // 5))
    shown_quote = fit_escaped(quote, quote_room - 4 * (quote.count("\n") + 1)) or ELLIPSIS
    rest = max(0, room - separators - len(bold(shown_quote)) - 4 * quote.count("\n"))
    sizes = _shares([len(escape(t)) for t in (before, lead, tail, after)], rest)
    parts = []
    if before:
        parts.append(fit_escaped_tail(before, sizes[0]) or ELLIPSIS)
    middle = fit_escaped_tail(lead, sizes[1]) + bold(shown_quote) + fit_escaped(tail, sizes[2])
    parts.append(middle)
    if after:
        parts.append(fit_escaped(after, sizes[3]) or ELLIPSIS)
    return truncate("\n\n".join(parts), room)


def context_embeds(items: Sequence) -> list[discord.Embed]:
    """One embed per quote: the paragraph before, the quoted paragraph with the quote in bold, the paragraph
    after; or, for a quote whose source is gone or changed, why it cannot be shown. All fit one message."""
    items = list(items)[:EMBEDS_PER_MESSAGE]
    heads = []
    for n, item in enumerate(items, 1):
        if isinstance(item, str):
            heads.append((f"Quote {n}", ""))
            continue
        who = " ".join((item.speaker or "Unattributed").split())
        title = " ".join((item.title or item.source).split())
        heads.append((truncate(f"{n}. {who} — {title}", 200), truncate(f"{item.source} ¶ {item.paragraph + 1}", 200)))
    overhead = sum(len(t) + len(f) for t, f in heads)
    room = min(DESCRIPTION_LIMIT, (EMBED_TOTAL_LIMIT - overhead - 50) // max(1, len(items)))
    embeds = []
    for item, (title, footer) in zip(items, heads):
        if isinstance(item, str):
            embed = discord.Embed(title=title, description=truncate(escape(item), room), colour=_COLOUR_ABSTAIN)
        else:
            embed = discord.Embed(title=title, description=_context_body(item, room), colour=_COLOUR_CONTEXT)
            embed.set_footer(text=footer)
        embeds.append(embed)
    return embeds
