from retrieval.sentences import split_paragraphs, split_sentences


def texts(text, **kw):
    return [text[s.start : s.end] for s in split_sentences(text, **kw)]


def test_paragraphs_blank_lines_and_single_newline():
    t = "First line\ncontinues here.\n\n  \nSecond para.\r\n\r\nThird."
    spans = split_paragraphs(t)
    assert [t[a:b] for a, b in spans] == ["First line\ncontinues here.", "Second para.", "Third."]


def test_paragraphs_window():
    t = "Title\n\nBody one.\n\nBody two."
    spans = split_paragraphs(t, start=7)
    assert [t[a:b] for a, b in spans] == ["Body one.", "Body two."]


def test_abbreviations_initials_decimals():
    t = (
        "Mr Poe and Dr. Roe met Sen. Kell at 12.30 on Jan. 5 in the U.S. "
        "The rate rose 2.5% to No. 10 levels. Henry W. Pell met J. D. Okafor, e.g. at lunch. "
        "Acme Inc. said so. Gov. Lee and Lt. Dan agreed."
    )
    assert texts(t) == [
        "Mr Poe and Dr. Roe met Sen. Kell at 12.30 on Jan. 5 in the U.S.",
        "The rate rose 2.5% to No. 10 levels.",
        "Henry W. Pell met J. D. Okafor, e.g. at lunch.",
        "Acme Inc. said so.",
        "Gov. Lee and Lt. Dan agreed.",
    ]


def test_us_abbreviation_before_name_does_not_split():
    assert texts("The U.S. President spoke. He left.") == ["The U.S. President spoke.", "He left."]


def test_question_exclamation_ellipsis():
    t = "Is it true? Yes! Well... Maybe not. \"Why?\" he asked. \"Why not?\" Vance asked."
    assert texts(t) == ["Is it true?", "Yes!", "Well...", "Maybe not.", "\"Why?\" he asked.", "\"Why not?\" Vance asked."]


def test_closing_quote_stays_with_sentence():
    t = 'Dace said: "There is a strain over the permits granted. "Licensing clerks are too hurried. "'
    assert texts(t) == [
        'Dace said: "There is a strain over the permits granted.',
        '"Licensing clerks are too hurried. "',
    ]
    t2 = "\u201cThat\u2019s it.\u201d Then he left."
    assert texts(t2) == ["\u201cThat\u2019s it.\u201d", "Then he left."]


def test_quote_with_attribution_is_one_sentence():
    t = "\u201cWell, first of all, you\u2019re never going to eliminate, entirely, mistakes,\u201d Vance responded. \u201cYou\u2019re talking about human beings."
    assert texts(t) == [
        "\u201cWell, first of all, you\u2019re never going to eliminate, entirely, mistakes,\u201d Vance responded.",
        "\u201cYou\u2019re talking about human beings.",
    ]


def test_crlf_offsets_and_paragraph_index():
    t = "Title\r\n\r\nOne. Two is\r\nhere.\r\n\r\nThree \u2014 with dash\u2026 Four."
    ss = split_sentences(t, start=7)
    assert [t[s.start : s.end] for s in ss] == ["One.", "Two is\r\nhere.", "Three \u2014 with dash\u2026", "Four."]
    assert [s.paragraph for s in ss] == [0, 0, 1, 1]
    for s in ss:
        assert t[s.start : s.end] == t[s.start : s.end].strip()


def test_end_and_empty():
    assert split_sentences("") == []
    t = "A one. B two. C three."
    ss = split_sentences(t, 0, 13)
    assert [t[s.start : s.end] for s in ss] == ["A one.", "B two."]


def test_seed_article_offsets():
    import pathlib

    p = pathlib.Path(__file__).resolve().parents[1] / "seeds"
    files = sorted(p.glob("*.txt")) if p.exists() else []
    for f in files:
        t = f.read_text(encoding="utf-8")
        for s in split_sentences(t):
            piece = t[s.start : s.end]
            assert piece and piece == piece.strip()
