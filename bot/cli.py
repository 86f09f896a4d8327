"""`policybot`: the one command line. Each command calls the same engine functions as the bot."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import Optional

import typer

from retrieval.errors import PolicybotError

from .config import Settings, make_curator, make_engine

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Answer questions about policy statements with verbatim, cited quotes.")

CorpusOpt = typer.Option(None, "--corpus", help="Corpus directory [default: seeds/ or POLICYBOT_CORPUS]")
IndexOpt = typer.Option(None, "--index", help="Index directory [default: .policybot/ or POLICYBOT_INDEX]")
JsonOpt = typer.Option(False, "--json", help="Print JSON instead of text.")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _settings(corpus: Optional[Path], index: Optional[Path]) -> Settings:
    settings = Settings()
    if corpus is not None:
        settings.corpus = corpus
    if index is not None:
        settings.index = index
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    return settings


def _guarded(fn):
    """Turn user-facing errors into one line on stderr and exit status 2."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PolicybotError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("interrupted")

    return wrapper


@app.command()
@_guarded
def ask(
    question: str = typer.Argument(..., help="The question, or - to read one question per line from stdin."),
    corpus: Optional[Path] = CorpusOpt,
    index: Optional[Path] = IndexOpt,
    top: int = typer.Option(3, "--top", min=1, max=20, help="How many quotes."),
    as_json: bool = JsonOpt,
):
    """Print the best verbatim quotes for QUESTION, with citations."""
    from retrieval.errors import EmptyQuestion

    if question != "-" and not question.strip():
        raise EmptyQuestion("the question is empty; ask something like: policybot ask \"what did Vance say about discipline?\"")
    engine = make_engine(_settings(corpus, index))
    if question == "-":
        engine.load()
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                answer = engine.ask(line.strip(), top)
                print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
            except EmptyQuestion as exc:  # one bad line must not lose the rest of the batch
                print(json.dumps({"question": line.strip(), "error": str(exc)}), flush=True)
        return
    answer = engine.ask(question, top)
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        _print_answer(answer)


def _print_answer(answer) -> None:
    if answer.abstained:
        print("I found no statement about that in the corpus.")
        if answer.nearest:
            print(f"Closest statements by {answer.asked_speaker or answer.nearest[0].speaker} (these may not answer the question):")
            _print_quotes(answer.nearest)
        if answer.nearest_topics:
            print("Nearest topics (not a match): " + "; ".join(answer.nearest_topics))
        return
    _print_quotes(answer.quotes)


def _print_quotes(quotes) -> None:
    for n, quote in enumerate(quotes, 1):
        print(f"{n}. “{quote.text}”")
        who = quote.speaker or "speaker unknown"
        where = ", ".join(x for x in (quote.title, quote.outlet, quote.published) if x)
        print(f"   — {who}; {where}; {quote.source} ¶{quote.paragraph + 1}")
        if quote.url:
            print(f"   {quote.url}")
        print()


@app.command()
@_guarded
def ingest(corpus: Optional[Path] = CorpusOpt, index: Optional[Path] = IndexOpt, as_json: bool = JsonOpt):
    """Build or refresh the index incrementally."""
    settings = _settings(corpus, index)
    curator = make_curator(settings, make_engine(settings))
    if as_json:
        report = curator.reload()
        if report.notice:
            typer.echo(f"notice: {report.notice}", err=True)
        print(json.dumps(report.to_json(), ensure_ascii=False))
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task("embedding passages", total=None)
        report = curator.reload(progress=lambda done, total: bar.update(task, completed=done, total=total))
    if report.notice:
        typer.echo(f"notice: {report.notice}", err=True)
    print(
        f"{report.documents} documents, {report.passages} passages "
        f"(added {report.added}, changed {report.changed}, removed {report.removed}, unchanged {report.unchanged}, "
        f"skipped {len(report.skipped)}); embedded {report.embedded_passages} passages in {report.seconds:.1f}s"
    )
    for skipped in report.skipped:
        print(f"  skipped {skipped.source}: {skipped.reason}")


@app.command()
@_guarded
def sources(query: Optional[str] = typer.Argument(None), corpus: Optional[Path] = CorpusOpt, index: Optional[Path] = IndexOpt, as_json: bool = JsonOpt):
    """List the documents in the index."""
    engine = make_engine(_settings(corpus, index))
    rows = engine.sources(query)
    if as_json:
        print(json.dumps([r.__dict__ for r in rows], ensure_ascii=False))
        return
    for r in rows:
        print(f"{r.published or 'undated':10}  {r.passages:4} passages  {r.title} ({r.outlet or r.source})")


@app.command()
@_guarded
def timeline(
    speaker: str = typer.Argument(..., help="Whose statements, e.g. \"Barack Obama\" or Vance."),
    topic: Optional[str] = typer.Argument(None, help="Only statements on this topic."),
    corpus: Optional[Path] = CorpusOpt,
    index: Optional[Path] = IndexOpt,
    limit: int = typer.Option(20, "--limit", min=1, max=100, help="At most this many statements."),
    as_json: bool = JsonOpt,
):
    """List what SPEAKER said [on TOPIC] across the corpus, oldest first, verbatim and cited."""
    from retrieval.errors import EmptyQuestion

    if not speaker.strip():
        raise EmptyQuestion("the speaker is empty; name one, e.g. policybot timeline \"Barack Obama\" immigration")
    engine = make_engine(_settings(corpus, index))
    result = engine.timeline(speaker, topic, limit)
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return
    on = f" on “{result.topic}”" if result.topic else ""
    if not result.statements:
        print(f"I found no statements by {result.speaker}{on} in the corpus.")
        if result.suggestions:
            print("Speakers with similar names: " + "; ".join(result.suggestions))
        return
    who = " / ".join(result.speakers) or result.speaker
    plural = "s" if len(result.statements) != 1 else ""
    print(f"{who}{on}: {len(result.statements)} statement{plural}, oldest first\n")
    for statement in result.statements:
        label = " [reported by the source, not their own words]" if statement.mode == "reported" else ""
        print(f"{statement.published or 'undated':10}  “{statement.text}”{label}")
        where = ", ".join(x for x in (statement.title, statement.outlet) if x)
        print(f"{'':10}  — {statement.speaker or 'unattributed'}; {where}; {statement.source} ¶{statement.paragraph + 1}")
        for also in statement.also:
            print(f"{'':10}    also in {also.source} ({also.published or 'undated'})")
        print()


@app.command()
@_guarded
def verify(
    claim: str = typer.Argument(..., help="The circulating quote, e.g. \"Vance said ICE officers have absolute immunity\"."),
    corpus: Optional[Path] = CorpusOpt,
    index: Optional[Path] = IndexOpt,
    as_json: bool = JsonOpt,
):
    """Check CLAIM against the sources: the true wording, its context, and how the claim differs."""
    from retrieval.errors import EmptyQuestion
    from retrieval.verify import VERDICT_LINES

    if not claim.strip():
        raise EmptyQuestion("the claim is empty; paste the quote, e.g. policybot verify \"Vance said ICE officers have absolute immunity\"")
    engine = make_engine(_settings(corpus, index))
    result = engine.verify(claim)
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return
    print(VERDICT_LINES[result.verdict])
    for n, match in enumerate(result.matches, 1):
        heading = "Related statement" if match.related else ("Source" if n == 1 else "Also")
        mode = {"reported": " (reported by the source)", "none": " (the article's narration)"}.get(match.mode, "")
        print(f"\n{heading} {n}: “{match.text}”{mode}")
        where = ", ".join(x for x in (match.title, match.outlet, match.published) if x)
        print(f"   — {match.speaker or 'unattributed'}; {where}; {match.source} ¶{match.paragraph + 1}")
        if match.before:
            print(f"   before: {match.before}")
        if match.after:
            print(f"   after:  {match.after}")
        for difference in match.differences:
            print(f"   * {difference}")


@app.command(name="eval")
@_guarded
def evaluate(
    questions: Optional[Path] = typer.Argument(None, help="JSONL rows {id, question, speaker, doc, gold, kind}"),
    corpus: Optional[Path] = CorpusOpt,
    index: Optional[Path] = IndexOpt,
    as_json: bool = JsonOpt,
    attribution: Optional[Path] = typer.Option(
        None, "--attribution", help="Score speaker attribution on a gold JSONL file {id, doc, text, speaker, mode} instead."
    ),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="With --attribution: list every miss."),
):
    """Measure hit@1, hit@3, MRR@5, speaker@1 and abstention on a question set, or attribution on a gold file."""
    if attribution is not None:
        if questions is not None:
            _fail("give either a question file or --attribution GOLD.jsonl, not both")
        from retrieval.attribution_eval import load_gold, score_gold

        settings = _settings(corpus, index)
        report = score_gold(load_gold(attribution), settings.corpus)
        if as_json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(report.table(verbose=verbose))
        return
    if questions is None:
        _fail("missing the question file (or --attribution GOLD.jsonl)")
    from retrieval.evaluate import evaluate as run_eval, load_rows

    settings = _settings(corpus, index)
    rows = load_rows(questions)
    engine = make_engine(settings)
    report = run_eval(engine, rows)
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(report.table())


@app.command()
@_guarded
def tune(
    sets: list[str] = typer.Option(..., "--set", help="QUESTIONS.jsonl=CORPUS_DIR; repeat for more sets."),
    out: Optional[Path] = typer.Option(None, "--out", help="Where to write the parameters [default: POLICYBOT_PARAMS or .policybot/params.json]"),
    cv: int = typer.Option(0, "--cv", min=0, help="Also print K-fold cross-validated figures, grouped by document (0: none)."),
    reshuffle: int = typer.Option(0, "--reshuffle", min=0, help="With --cv: also the mean figures over N random splits of the documents (the balanced split, one --select chose on, flatters its choice)."),
    select: bool = typer.Option(False, "--select", help="Depart from the defaults (speaker filter all, the default rules, every ranking feature) only where cross-validation clearly favours it: a gain beyond one standard error, paired by document."),
    select_splits: int = typer.Option(3, "--select-splits", min=1, help="With --select: judge each choice on the mean over this many splits of the documents (the balanced one, then seeded random ones apart from --reshuffle's)."),
    features: Optional[str] = typer.Option(None, "--features", help="Comma-separated ranking features to fit instead of every one; with --select, only the speaker filter and rules are then chosen."),
    check: list[str] = typer.Option([], "--check", help="QUESTIONS.jsonl=CORPUS_DIR: report the fitted parameters' figures on it."),
    cache: Path = typer.Option(Path(".policybot/tune-cache"), "--cache", help="Candidate features, reused while the index and code are unchanged."),
    index_root: Path = typer.Option(Path(".policybot/tune-index"), "--index-root", help="One index per corpus under this directory."),
    as_json: bool = JsonOpt,
):
    """Fit ranking and abstention on question sets and write them to the parameters file."""
    from retrieval import tune as t
    from retrieval.embedding import Embedder
    from retrieval.evaluate import kind_table
    from retrieval.ranker import with_notes

    from .config import LOCAL_PARAMS

    if reshuffle and not cv:
        _fail("--reshuffle needs --cv K: it reshuffles the documents of a K-fold cross-validation")
    settings = _settings(None, None)
    say = lambda message: typer.echo(message, err=True)  # noqa: E731
    question_sets = [t.QuestionSet.parse(s) for s in sets]
    chosen = t.ranking_features(features) if features is not None else None
    embedder = Embedder(settings.model)
    base = t.blank_params()
    records, gens = t.open_sets(question_sets, embedder, index_root, cache, base)
    say(f"{len(records)} questions from {len(question_sets)} set(s); {sum(r.labels.any() for r in records)} with their answer among the candidates")
    kept, abstain_kept = chosen or t.FEATURES, t.QUESTION_FEATURES
    if select:
        base = t.choose_speaker_filter(records, gens, base, max(cv, 5), log_step=say, splits=select_splits, kept=kept)
        base = t.choose_rules(records, gens, base, max(cv, 5), log_step=say, splits=select_splits, kept=kept)
        if chosen is None:
            kept, abstain_kept = t.select_features(records, gens, base, max(cv, 5), log_step=say, splits=select_splits)
        rules = [r for r in t.RULES if getattr(base, r)]
        say(f"speaker filter: {base.speaker_filter}; rules kept: {', '.join(rules) or 'none'}; features kept: {', '.join(kept)}; "
            f"abstainer features kept: {', '.join(abstain_kept)}")
    result = {}
    notes = {"fitted_on": {q.name: sum(1 for r in records if r.set_name == q.name) for q in question_sets},
             "command": "policybot tune " + " ".join(f"--set {s}" for s in sets) + (f" --select --select-splits {select_splits}" if select else "")
             + (f" --features {','.join(chosen)}" if chosen else ""),
             "features_version": t.CODE_VERSION}
    if cv:
        validation = t.cross_validate(records, gens, cv, kept, abstain_kept, base)
        result["cv"] = validation.to_json()
        notes["cv"] = {"folds": cv, "grouped_by": "document", **t.summary(validation.reports)}
        if not as_json:
            for name, report in validation.reports.items():
                print(f"{name}: {cv}-fold cross-validated, grouped by document")
                print(kind_table({**report.by_kind, "all": _all_row(report)}))
                print()
    if reshuffle:
        means = t.reshuffled(records, gens, cv, reshuffle, kept, abstain_kept, base)
        result["cv_reshuffled"] = notes["cv_reshuffled"] = {"splits": reshuffle, **means}
        if not as_json:
            print(f"mean over {reshuffle} random splits of the documents, {cv}-fold:")
            for name, figures in means.items():
                print(f"  {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
            print()
    params = with_notes(t.fit(records, kept, abstain_kept, base), **notes)
    target = out or settings.params or LOCAL_PARAMS
    params.save(target)
    result["params"] = str(target)
    if check:
        check_sets = [t.QuestionSet.parse(s) for s in check]
        check_records, check_gens = t.open_sets(check_sets, embedder, index_root, cache, base)
        reports = t.evaluate_params(check_records, check_gens, params)
        result["check"] = {name: r.to_json() for name, r in reports.items()}
        if not as_json:
            for name, report in reports.items():
                print(f"{name}: the fitted parameters (a check set, not fitted on)")
                print(kind_table({**report.by_kind, "all": _all_row(report)}))
                print()
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"wrote {target} (ranker: {len(params.ranker.features)} features; answer when p >= {params.answer_at:.3f})")


def _all_row(report) -> dict:
    return {"n": float(report.questions), "hit@1": report.hit_at_1, "hit@3": report.hit_at_3, "mrr@5": report.mrr_at_5,
            "speaker@1": report.speaker_at_1, "abstain": report.abstain, "false_abstain": report.false_abstain,
            "verbatim": report.verbatim, "mean_quote_chars": report.mean_quote_chars}


@app.command()
@_guarded
def attribute(
    files: list[Path] = typer.Argument(..., help="Files to read (.txt, .md, .html)"),
    corpus: Optional[Path] = CorpusOpt,
    as_json: bool = JsonOpt,
):
    """How policybot reads an article: each sentence with its speaker and mode. Needs no index or model."""
    from retrieval.attribution_eval import read_source, speaker_summary

    settings = _settings(corpus, None)
    for path in files:
        doc, sentences = read_source(path, settings.corpus)
        if as_json:
            rows = [
                {"text": doc.text[s.start : s.end], "start": s.start, "end": s.end, "speaker": s.speaker, "mode": s.mode}
                for s in sentences
            ]
            print(json.dumps({"source": doc.source, "sentences": rows}, ensure_ascii=False))
            continue
        print(f"{doc.source}: {doc.title}")
        for s in sentences:
            # An office the article gives no one: the index credits it to the holder the rest of the corpus names.
            who = s.speaker or (f"({s.office})" if s.office else "-")
            print(f"  [{s.mode:8}] {who[:30]:30}  {' '.join(doc.text[s.start : s.end].split())}")
        print("  who says how much:")
        for speaker, direct, reported in speaker_summary(sentences):
            print(f"    {speaker}: {direct} direct, {reported} reported")
        if not any(s.speaker for s in sentences):
            print("    no speaker found")
        print()


@app.command()
@_guarded
def bench(
    corpus: Optional[Path] = CorpusOpt,
    questions: int = typer.Option(120, "--questions", min=100, help="Warm questions to time (at least 100)."),
    as_json: bool = JsonOpt,
):
    """Measure model, ingest and query speed on a corpus (builds a throwaway index)."""
    from retrieval.bench import run_bench

    settings = _settings(corpus, None)
    report = run_bench(settings.corpus, settings.model, questions, log=lambda m: typer.echo(m, err=True))
    if as_json:
        print(json.dumps(report.to_json()))
    else:
        print(report.table())


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@app.command()
@_guarded
def add(
    target: str = typer.Argument(..., metavar="URL|FILE", help="An http(s) link to fetch, or a .txt, .md, .html or .pdf file."),
    title: Optional[str] = typer.Option(None, "--title", help="Title (instead of the extracted one)."),
    outlet: Optional[str] = typer.Option(None, "--outlet", help="Outlet, e.g. \"Riverton Herald\"."),
    url: Optional[str] = typer.Option(None, "--url", help="The source's link, shown with its quotes."),
    published: Optional[str] = typer.Option(None, "--published", help="Publication date, YYYY-MM-DD."),
    speaker: Optional[str] = typer.Option(None, "--speaker", help="For a transcript: who speaks its first-person text."),
    corpus: Optional[Path] = CorpusOpt,
    index: Optional[Path] = IndexOpt,
    as_json: bool = JsonOpt,
):
    """Add a web page or a file to the corpus (stored under added/ as Markdown), then reload."""
    from retrieval.curation import Overrides

    settings = _settings(corpus, index)
    curator = make_curator(settings, make_engine(settings))
    overrides = Overrides(title=title, outlet=outlet, url=url, published=published, speaker=speaker)
    if _URL.match(target.strip()):
        added = curator.add_url(target, overrides)
    else:
        added = curator.add_file(Path(target), overrides)
    if as_json:
        print(json.dumps(added.to_json(), ensure_ascii=False))
        return
    where = ", ".join(x for x in (added.outlet, added.published) if x)
    print(f"Added “{added.title}”" + (f" ({where})" if where else "") + f" as {added.source}: {added.passages} passages")
    if added.speakers:
        print("Speakers: " + "; ".join(f"{s.name} ({s.statements} statement{'s' if s.statements != 1 else ''})" for s in added.speakers))
    else:
        print("Speakers: none found (only the article's own narration)")
    print(f"See it with: policybot sources {json.dumps(added.title, ensure_ascii=False)}")


@app.command()
@_guarded
def remove(
    source: str = typer.Argument(..., help="The source's path in the corpus, as `policybot sources --json` shows it."),
    corpus: Optional[Path] = CorpusOpt,
    index: Optional[Path] = IndexOpt,
    as_json: bool = JsonOpt,
):
    """Move a source out of the corpus (kept in the index's removed/ folder), then reload."""
    settings = _settings(corpus, index)
    moved = make_curator(settings, make_engine(settings)).remove(source)
    if as_json:
        print(json.dumps(moved.to_json(), ensure_ascii=False))
        return
    print(f"Removed {moved.source}" + (f" (“{moved.title}”)" if moved.title else "") + f"; kept at {settings.index / moved.kept_at}")
    print(f"Bring it back with: policybot restore {moved.source}")


@app.command()
@_guarded
def restore(
    source: str = typer.Argument(..., help="The path the source had in the corpus."),
    corpus: Optional[Path] = CorpusOpt,
    index: Optional[Path] = IndexOpt,
    as_json: bool = JsonOpt,
):
    """Put a removed source back into the corpus (its latest removed copy), then reload."""
    settings = _settings(corpus, index)
    moved = make_curator(settings, make_engine(settings)).restore(source)
    if as_json:
        print(json.dumps(moved.to_json(), ensure_ascii=False))
        return
    print(f"Restored {moved.source}" + (f" (“{moved.title}”)" if moved.title else "") + f" from {settings.index / moved.kept_at}")


@app.command()
@_guarded
def audit(corpus: Optional[Path] = CorpusOpt, index: Optional[Path] = IndexOpt, as_json: bool = JsonOpt):
    """Print the audit log: every add, remove, restore and reload, who did it, when, and how it went."""
    from retrieval.audit import AUDIT_FILE, AuditLog

    settings = _settings(corpus, index)
    entries = AuditLog(settings.index / AUDIT_FILE).entries()  # reading the log needs no model or index
    if as_json:
        print(json.dumps([e.to_json() for e in entries], ensure_ascii=False))
        return
    if not entries:
        print("The audit log is empty.")
    for e in entries:
        who = e.user if e.user_id is None else f"{e.user} ({e.user_id})"
        print(f"{e.at}  {e.action:7} {e.outcome:7} {who}: {e.what}" + (f" -> {e.source}" if e.source and e.source != e.what else ""))
        if e.message:
            print(f"{'':27}{e.message}")


@app.command()
@_guarded
def feedback(
    index: Optional[Path] = IndexOpt,
    corpus: Optional[Path] = CorpusOpt,
    as_json: bool = JsonOpt,
    as_eval: Optional[Path] = typer.Option(
        None, "--as-eval", help="Write up-voted answers to FILE as `policybot eval` question rows (gold = the up-voted quote)."
    ),
):
    """List the votes given to answers on Discord (kept in feedback.sqlite beside the index)."""
    from retrieval.feedback import FEEDBACK_FILE, FeedbackStore, eval_rows, upvoted

    settings = _settings(corpus, index)
    votes = FeedbackStore(settings.index / FEEDBACK_FILE).votes()
    if as_eval is not None:
        rows, skipped = eval_rows(upvoted(votes), settings.corpus, int(settings.max_file_mb * 1_000_000))
        try:
            as_eval.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        except OSError as exc:
            raise PolicybotError(f"cannot write {as_eval}: {exc.strerror or exc}") from exc
        for reason in skipped:
            typer.echo(f"skipped {reason}", err=True)
        typer.echo(f"wrote {len(rows)} question row{'s' if len(rows) != 1 else ''} to {as_eval}", err=True)
        return
    if as_json:
        print(json.dumps([v.to_json() for v in votes], ensure_ascii=False))
        return
    if not votes:
        print("No votes yet.")
        return
    for v in votes:
        where = ", ".join(f"{q.source}[{q.start}:{q.end}]" for q in v.answer.quotes)
        print(f"{v.time}  {'up  ' if v.vote > 0 else 'down'}  member {v.member_id}  guild {v.guild_id}  “{v.answer.question}”  {where}")


@app.command()
@_guarded
def invite():
    """Print the URL that adds the bot to a server (application id from POLICYBOT_APPLICATION_ID or the token)."""
    from .invite import invite_url

    print(invite_url(Settings()))


@app.command()
def run():
    """Start the Discord bot (token from DISCORD_TOKEN)."""
    settings = Settings()
    try:
        from .runner import run_bot

        run_bot(settings)
    except PolicybotError as exc:
        _fail(str(exc))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
