"""`policybot tune` on a small invented question set: it writes parameters that `ask` then uses;
and an abstention on a known person shows their nearest statements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import SEED_FILE
from .test_cli import run

DOCS = {
    "2005-03-01-bus-routes.txt": (
        "speaker: Helen Marsh",
        "Council to cut rural bus routes",
        [
            "We have to cut the rural routes because the fuel subsidy has been halved.",
            "Villages will keep a dial-a-ride minibus twice a week.",
            "I know that older people depend on these buses to reach the surgery.",
        ],
    ),
    "2005-03-02-school-meals.txt": (
        "speaker: Tom Okafor",
        "Head teacher on school dinners",
        [
            "Every pupil will get a free piece of fruit at lunch from September.",
            "We are banning fizzy drinks from the vending machines in the school hall.",
            "Parents have told us that the portions were too small last term.",
        ],
    ),
    "2005-03-03-flood-defences.txt": (
        "speaker: Helen Marsh",
        "New flood barrier for the river town",
        [
            "The new barrier will protect four hundred homes on the riverbank.",
            "Insurers told us they would stop covering the street without it.",
            "Work on the concrete wall starts in the spring and lasts two years.",
        ],
    ),
    "2005-03-04-libraries.txt": (
        "speaker: Priya Lal",
        "Libraries to open on Sundays",
        [
            "Our libraries will open on Sunday afternoons for the first time.",
            "Volunteers from the reading club will staff the Sunday shifts.",
            "Children asked for somewhere quiet to do homework at the weekend.",
        ],
    ),
}

QUESTIONS = [
    ("b1", "Why is Helen Marsh cutting the rural bus routes?", "Marsh", "2005-03-01-bus-routes.txt", 0, "why"),
    ("b2", "what did marsh say about the minibus for villages", "Marsh", "2005-03-01-bus-routes.txt", 1, "casual"),
    ("s1", "What did Tom Okafor say about fruit at lunch?", "Okafor", "2005-03-02-school-meals.txt", 0, "speaker"),
    ("s2", "okafor on fizzy drinks", "Okafor", "2005-03-02-school-meals.txt", 1, "casual"),
    ("s3", "What did the head teacher say about portion sizes?", "Okafor", "2005-03-02-school-meals.txt", 2, "role"),
    ("f1", "How many homes will the flood barrier protect, according to Marsh?", "Marsh", "2005-03-03-flood-defences.txt", 0, "speaker"),
    ("f2", "What did Helen Marsh say about insurance cover for the street?", "Marsh", "2005-03-03-flood-defences.txt", 1, "speaker"),
    ("l1", "What did Priya Lal say about opening libraries on Sundays?", "Lal", "2005-03-04-libraries.txt", 0, "speaker"),
    ("l2", "Who will staff the Sunday library shifts?", "Lal", "2005-03-04-libraries.txt", 1, "topic"),
    ("u1", "What did Priya Lal say about nuclear submarines?", "Lal", None, None, "unanswerable"),
    ("u2", "What has been said about the price of gold bullion?", None, None, None, "unanswerable"),
    ("u3", "What did Tom Okafor say about motorway tolls?", "Okafor", None, None, "unanswerable"),
]


def write_set(root: Path) -> tuple[Path, Path]:
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    for name, (front, title, sentences) in DOCS.items():
        (corpus / name).write_text(f"---\ntitle: {title}\n{front}\n---\n\n" + "\n\n".join(sentences) + "\n", encoding="utf-8")
    questions = root / "invented.jsonl"
    lines = []
    for id_, question, speaker, doc, sentence, kind in QUESTIONS:
        gold = DOCS[doc][2][sentence] if doc else None
        lines.append(json.dumps({"id": id_, "question": question, "speaker": speaker, "doc": doc, "gold": gold, "kind": kind}))
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return questions, corpus


def tune(tmp_path: Path, questions: Path, corpus: Path, out: Path, *options: str):
    """`policybot tune` on the invented set, its cache and indexes under tmp_path."""
    work = ["--cache", str(tmp_path / "cache"), "--index-root", str(tmp_path / "tune-index")]
    return run("tune", "--set", f"{questions}={corpus}", "--out", str(out), *options, *work)


def test_tune_writes_parameters_that_ask_then_uses(tmp_path):
    questions, corpus = write_set(tmp_path)
    params = tmp_path / "fitted.json"
    result = tune(tmp_path, questions, corpus, params, "--cv", "2", "--reshuffle", "3", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["params"] == str(params)
    folds = report["cv"]["sets"]["invented"]
    assert folds["questions"] == len(QUESTIONS) and set(folds["by_kind"]) == {"why", "casual", "speaker", "role", "topic", "unanswerable"}
    fitted = json.loads(params.read_text())
    assert fitted["ranker"]["features"] and len(fitted["ranker"]["coef"]) == len(fitted["ranker"]["features"])
    assert fitted["notes"]["fitted_on"] == {"invented": len(QUESTIONS)}
    # The mean over three random splits of the documents, printed and kept with the parameters.
    means = report["cv_reshuffled"]
    assert means == fitted["notes"]["cv_reshuffled"] and means["splits"] == 3
    assert set(means) - {"splits"} == set(report["cv"]["sets"])
    assert all(0.0 <= means["invented"][k] <= 1.0 for k in ("hit_at_1", "hit_at_3", "speaker_at_1", "abstain", "false_abstain"))

    index = tmp_path / "index"
    ask = ["ask", "--json", "--corpus", str(corpus), "--index", str(index), "What did Tom Okafor say about fruit at lunch?"]
    answered = run(*ask, env_extra={"POLICYBOT_PARAMS": str(params)})
    assert answered.returncode == 0, answered.stderr
    answer = json.loads(answered.stdout)
    assert not answer["abstained"] and "fruit" in answer["quotes"][0]["text"] and answer["nearest"] == []

    # The same file with an answering bar no answer clears: ask reads it, and abstains.
    fitted["answer_at"] = 1.01
    params.write_text(json.dumps(fitted))
    refused = run(*ask, env_extra={"POLICYBOT_PARAMS": str(params)})
    assert refused.returncode == 0, refused.stderr
    assert json.loads(refused.stdout)["abstained"] is True

    broken = run(*ask, env_extra={"POLICYBOT_PARAMS": str(tmp_path / "missing.json")})
    assert broken.returncode == 2 and "parameters" in broken.stderr


def test_reshuffle_without_cv_is_refused_before_any_work(tmp_path):
    questions, corpus = write_set(tmp_path)
    params = tmp_path / "never.json"
    result = tune(tmp_path, questions, corpus, params, "--reshuffle", "2")
    assert result.returncode == 2 and "--reshuffle needs --cv" in result.stderr
    assert not params.exists() and not (tmp_path / "tune-index").exists()


def test_reshuffled_splits_keep_each_document_on_one_side_and_differ_by_seed():
    from types import SimpleNamespace

    from retrieval.tune import _folds

    records = [SimpleNamespace(group=f"doc{i // 3}") for i in range(30)]  # ten documents, three questions each

    def split(seed):
        folds = _folds(records, 5, seed)
        for train, test in folds:
            assert not {records[i].group for i in train} & {records[i].group for i in test}
        assert sorted(i for _, test in folds for i in test) == list(range(30))
        return [sorted({records[i].group for i in test}) for _, test in folds]

    assert split(1) == split(1)
    assert len({str(split(seed)) for seed in (None, 1, 2, 3)}) > 1


@pytest.fixture
def seed_engine(make_engine, corpus):
    built = make_engine(corpus)
    built.load()
    return built


def test_abstaining_on_a_known_person_shows_their_nearest_statements(seed_engine):
    answer = seed_engine.ask("What did Vance say about the boiling point of tin?")
    assert answer.abstained and answer.quotes == []
    assert answer.nearest and all("Vance" in (q.speaker or "") for q in answer.nearest)
    for quote in answer.nearest:
        assert seed_engine.generation.documents[quote.source].text[quote.start : quote.end] == quote.text
    assert answer.to_json()["nearest"][0]["speaker"] == answer.nearest[0].speaker
    unknown = seed_engine.ask("What has been said about the boiling point of tin?")
    assert unknown.abstained and unknown.nearest == []  # nobody named: no one's statements to show


def test_a_casual_lower_case_name_finds_the_person(seed_engine):
    answer = seed_engine.ask("vance on discipline")
    assert answer.asked_speaker and not answer.abstained
    assert all("Vance" in (q.speaker or "") for q in answer.quotes)
    assert any(SEED_FILE == q.source for q in answer.quotes)


def test_tune_select_keeps_a_subset_of_ranking_features_and_every_abstention_feature(tmp_path):
    from retrieval.features import FEATURES, QUESTION_FEATURES

    questions, corpus = write_set(tmp_path)
    params = tmp_path / "selected.json"
    result = tune(tmp_path, questions, corpus, params, "--select", "--cv", "2")
    assert result.returncode == 0, result.stderr
    assert "abstainer features kept:" in result.stderr and "speaker filter:" in result.stderr
    fitted = json.loads(params.read_text())
    assert set(fitted["ranker"]["features"]) <= set(FEATURES)
    assert tuple(fitted["abstainer"]["features"]) == QUESTION_FEATURES
    assert fitted["speaker_filter"] in ("all", "first", "none")
    assert "--select --select-splits 3" in fitted["notes"]["command"]  # three splits unless told otherwise


def test_tune_fits_the_named_features_and_select_then_chooses_only_filter_and_rules(tmp_path):
    questions, corpus = write_set(tmp_path)
    params = tmp_path / "named.json"
    # Named out of order: the file keeps the features' own order, and records the command that made it.
    result = tune(tmp_path, questions, corpus, params, "--select", "--features", "speaker, dense,window1")
    assert result.returncode == 0, result.stderr
    assert "rule role_leads" in result.stderr and "ranker without" not in result.stderr  # no elimination
    fitted = json.loads(params.read_text())
    assert fitted["ranker"]["features"] == ["dense", "window1", "speaker"]
    assert fitted["notes"]["command"].endswith("--select --select-splits 3 --features dense,window1,speaker")

    index = tmp_path / "index"
    answered = run("ask", "--json", "--corpus", str(corpus), "--index", str(index), "What did Priya Lal say about opening libraries on Sundays?",
                   env_extra={"POLICYBOT_PARAMS": str(params)})
    assert answered.returncode == 0, answered.stderr
    assert "Sunday afternoons" in json.loads(answered.stdout)["quotes"][0]["text"]


def test_an_unknown_feature_name_is_refused_before_any_work(tmp_path):
    questions, corpus = write_set(tmp_path)
    params = tmp_path / "never.json"
    result = tune(tmp_path, questions, corpus, params, "--features", "dense,closeness")
    assert result.returncode == 2
    assert "unknown closeness" in result.stderr and "window3" in result.stderr  # names the bad one and the choices
    assert not params.exists() and not (tmp_path / "tune-index").exists()
    empty = tune(tmp_path, questions, corpus, params, "--features", " , ")
    assert empty.returncode == 2 and "at least one" in empty.stderr


def test_choices_judged_on_several_splits_pair_each_documents_differences_over_all_of_them(tmp_path, embedder):
    from retrieval import tune as t

    questions, corpus = write_set(tmp_path)
    records, gens = t.open_sets([t.QuestionSet.parse(f"{questions}={corpus}")], embedder, tmp_path / "index", None, t.blank_params())
    one = t.cross_validate_splits(records, gens, 2, splits=1)
    three = t.cross_validate_splits(records, gens, 2, splits=3)
    runs = [t.cross_validate(records, gens, 2, shuffle=seed) for seed in (None, 1001, 1002)]
    # The first split is the balanced one; the figures are the means over the three.
    assert one.shares.tolist() == runs[0].shares.tolist()
    assert three.reports["invented"].hit_at_3 == pytest.approx(sum(r.reports["invented"].hit_at_3 for r in runs) / 3)
    assert t.objective(three) == pytest.approx(sum(t.objective(r) for r in runs) / 3)
    # Every question once per split, so a document's differences are summed over the three.
    assert len(three.shares) == 3 * len(records) and three.groups == 3 * tuple(r.group for r in records)
    assert not t.clearly_better(three, three)


def test_the_abstainer_sees_how_much_closer_a_match_the_speaker_filter_passed_by():
    from dataclasses import replace

    import numpy as np

    from retrieval.features import FEATURES, QUESTION_FEATURES, CandidateSet
    from retrieval.query import parse_question
    from retrieval.ranker import decide, load, question_features

    features = np.zeros((2, len(FEATURES)))
    features[:, FEATURES.index("dense")] = [0.3, 0.7]  # the asked person's statement, then someone else's
    per_question = np.zeros(len(QUESTION_FEATURES))
    per_question[QUESTION_FEATURES.index("max_dense")] = 0.7
    question = "What did Hale say about tax?"
    cs = CandidateSet(question, parse_question(question), np.array([0, 1]), features, per_question, np.array([True, False]), np.zeros(2, dtype=bool))
    gap = QUESTION_FEATURES.index("top_dense_gap")

    filtered = decide(cs, replace(load(), speaker_filter="all"))
    assert list(filtered.order) == [0]
    assert question_features(cs, filtered.scores, filtered.order)[gap] == pytest.approx(0.4)
    assert question_features(cs, filtered.scores, np.array([1, 0]))[gap] == pytest.approx(0.0)
    assert "top_dense_gap" in load().abstainer.features  # the shipped abstainer weighs it


def _answers_and_records():
    """Two invented question sets, answered: each question's outcome is known by construction."""
    from types import SimpleNamespace

    from retrieval.evaluate import EvalRow
    from retrieval.models import Answer, Quote
    from retrieval.tune import Record

    text = "Buses will run at night. Fares stay the same. The depot closes in May."
    gens = {name: SimpleNamespace(documents={"a.txt": SimpleNamespace(text=text)}) for name in ("news", "speeches")}

    def quote(sentence: str, speaker: str) -> Quote:
        start = text.index(sentence)
        return Quote(sentence, "a.txt", start, start + len(sentence), "t", None, None, None, speaker, 1.0)

    def record(set_name, id_, gold, speaker, quotes, abstained=False):
        row = EvalRow(id_, "q?", speaker, "a.txt" if gold else None, gold, "speaker" if gold else "unanswerable")
        return Record(set_name, row, None, None), Answer("q?", abstained, quotes)

    pairs = [
        record("news", "n1", "Buses will run at night.", "Ann Lee", [quote("Buses will run at night.", "Ann Lee")]),
        record("news", "n2", "Fares stay the same.", "Ann Lee", [quote("Buses will run at night.", "Bo Kim"), quote("Fares stay the same.", "Ann Lee")]),
        record("news", "n3", "The depot closes in May.", None, [], abstained=True),
        record("news", "n4", None, None, [], abstained=True),
        record("speeches", "s1", "Fares stay the same.", "Bo Kim", [quote("Fares stay the same.", "Bo Kim")]),
        record("speeches", "s2", None, None, [quote("Fares stay the same.", "Bo Kim")]),
    ]
    return [p[0] for p in pairs], [p[1] for p in pairs], gens


def test_each_questions_share_adds_up_to_the_objective():
    from retrieval import tune

    records, answers, gens = _answers_and_records()
    shares = tune.shares(records, answers, gens)
    validation = tune.CrossValidation(tune._reports(records, answers, gens), 2, shares, tuple(r.group for r in records))
    assert shares.sum() == pytest.approx(tune.objective(validation))
    # news: n1 hits first with the right speaker; n2 hits second, first quote someone else's; n3 wrongly abstains.
    assert shares[0] == pytest.approx(((1 + 1) / 3 + 1 / 2) / 2)
    assert shares[1] == pytest.approx((1 / 3) / 2)
    assert shares[2] == pytest.approx((-1 / 3) / 2)
    assert shares[3] == pytest.approx(1 / 2)  # the one unanswerable news question abstains
    assert shares[5] == 0.0  # answering an unanswerable question earns nothing


def test_a_choice_needs_a_gain_larger_than_the_noise_between_documents():
    import numpy as np

    from retrieval.tune import CrossValidation, clearly_better

    groups = tuple(f"doc{i}" for i in range(20))
    current = CrossValidation({}, 5, np.zeros(20), groups)
    steady = CrossValidation({}, 5, np.full(20, 0.01), groups)  # a little better on every document
    assert clearly_better(steady, current)
    # The same total gain from one document, and small losses and gains elsewhere: noise.
    lucky = CrossValidation({}, 5, np.r_[0.2, np.tile([0.01, -0.01], 9), 0.0], groups)
    assert lucky.shares.sum() == pytest.approx(steady.shares.sum())
    assert not clearly_better(lucky, current)
    assert not clearly_better(current, current)
