"""The claim splitter: sentences, atomic claims, claimants, the trained model."""

import re

import pytest
from hypothesis import given, settings, strategies as st

from claims import atomic, checkworthiness, claimant, sentences, splitter
from conftest import EXAMPLE


@pytest.mark.parametrize("text, expected", [
    ("The order by U.S. District Judge Dabney Friedrich came amid a lawsuit. It was filed in May.",
     ["The order by U.S. District Judge Dabney Friedrich came amid a lawsuit.", "It was filed in May."]),
    ("Before the Court is the Motion for Preliminary Injunction, Dkt. 28. For the reasons that follow, "
     "the Court will deny the motion.",
     ["Before the Court is the Motion for Preliminary Injunction, Dkt. 28.",
      "For the reasons that follow, the Court will deny the motion."]),
    ("Mr. Smith met Dr. Jones at No. 7 Downing Street. They talked.",
     ["Mr. Smith met Dr. Jones at No. 7 Downing Street.", "They talked."]),
    ('She said, "It is over." Then she left.', ['She said, "It is over."', "Then she left."]),
    ("The book is by J. R. R. Tolkien. It is long.", ["The book is by J. R. R. Tolkien.", "It is long."]),
    ("He cited Smith v. Jones in his brief. The judge agreed.",
     ["He cited Smith v. Jones in his brief.", "The judge agreed."]),
    ("The team was honoured in Washington D.C. The President met them.",
     ["The team was honoured in Washington D.C.", "The President met them."]),
    ("He lives in the U.S. Treasury district.", ["He lives in the U.S. Treasury district."]),
    # the speaker after a quotation stays with it; a new sentence after one does not
    ("“So he’s going to do the investigation?” Holmes testified. He left.",
     ["“So he’s going to do the investigation?” Holmes testified.", "He left."]),
    ("“We won!” Senator Ana Ruiz told reporters on Monday. It was close.",
     ["“We won!” Senator Ana Ruiz told reporters on Monday.", "It was close."]),
    ("“We won.” Trump said he would sign it.", ["“We won.”", "Trump said he would sign it."]),
    ("“Is it true?” Holmes testified that it was.", ["“Is it true?”", "Holmes testified that it was."]),
])
def test_sentence_edge_cases(text, expected):
    assert sentences.sentences(text) == expected


def test_quoted_paragraph_of_the_example_is_split():
    text = EXAMPLE.read_text()
    found = sentences.sentences(text)
    assert "Before the Court is the plaintiffs’ Motion for Preliminary Injunction, Dkt. 28." in found
    assert "For the reasons that follow, the Court will deny the motion.”" in found


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_sentence_offsets_always_slice_back(text):
    spans = sentences.split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        previous_end = end


def test_atomic_split_borrows_the_subject_and_keeps_qualifiers():
    sentence = ("The IRS can share data to aid criminal investigations but is prohibited from sharing "
                "information related to civil matters, such as facilitating deportations.")
    claims = atomic.split(sentence)
    assert claims == [
        "The IRS can share data to aid criminal investigations",
        "The IRS is prohibited from sharing information related to civil matters, such as facilitating deportations.",
    ]
    two = atomic.split("Prices rose only 5% in May; they may fall about 2% in June.")
    assert two == ["Prices rose only 5% in May", "they may fall about 2% in June."]


@pytest.mark.parametrize("sentence, claims", [
    ("Rents rose 4% in Leeds; in York and Hull, they fell 2% over the year.",
     ["Rents rose 4% in Leeds", "in York and Hull, they fell 2% over the year."]),  # a subject after a phrase
    ("Her first album was a success, and nothing suggested that the second would flop.",
     ["Her first album was a success", "nothing suggested that the second would flop."]),
    ("The plant used old parts in 2019 but thanks to new funding, it is now fully modern.",
     ["The plant used old parts in 2019", "thanks to new funding, it is now fully modern."]),
    ("The union rejected the offer on Monday, and called a strike for March.",
     ["The union rejected the offer on Monday", "The union called a strike for March."]),  # a shared subject
    ("The new base model scored 21757 while the previous one managed only 13919.",
     ["The new base model scored 21757", "the previous one managed only 13919."]),  # "while" = whereas
])
def test_atomic_split_more_shapes(sentence, claims):
    assert atomic.split(sentence) == claims


@pytest.mark.parametrize("sentence", [
    "The deal allows DHS to ask the IRS to confirm the home addresses of illegal immigrants.",
    "The kit includes a pump, two tyres, the lights, and a small bell for the handlebar.",  # a list
    "His speech touched on issues including education reform, the preservation of natural resources, "
    "and the safety of residents throughout the state.",  # a list of longer items
    "In that mode 0-60 mph could arrive in 5.0 seconds, and the top speed be 109 mph.",  # the modal left out
    "Although the plan was approved, it was never funded, and was dropped in May.",  # "although" covers both
    "Why did the council raise taxes by 4%, and who will pay for the new bridge?",  # a question
    "The nurse told them that she tried to call, but failed to reach the family in time.",  # an inner clause
    "Unemployment fell to 3.5% in 2019 and wages rose.",  # no comma before "and": one statement
    "Biden not only allowed them in, but he also lost them.",
    "“We will win, but it will be hard,” she said.",  # a quotation stays whole
    "The company lost money in May while its chief executive was sailing in the Caribbean.",  # "while" = during
])
def test_atomic_split_leaves_single_statements_whole(sentence):
    assert atomic.split(sentence) == [sentence]


def _words(s):
    return re.findall(r"\w+", s.lower())


def test_claims_only_add_words_in_square_brackets():
    extraction = splitter.extract(EXAMPLE.read_text())
    assert len({c["start"] for c in extraction.sentences}) < len(extraction.sentences)  # some sentence split
    inserted = [c for c in extraction.sentences if "[" in c["text"]]
    assert inserted  # the example article's claims resolve some references
    for c in extraction.sentences:
        outside = re.sub(r"\[[^\]]*\]([’']s?)?", " ", c["text"])  # with an inserted possessive
        assert set(_words(outside)) <= set(_words(c["sentence"]))
        for words in re.findall(r"\[([^\]]*)\]", c["text"]):  # inserted words come from the article
            assert words in extraction.text
        assert extraction.text[c["start"]:c["end"]] == c["sentence"]


@pytest.mark.parametrize("sentence, who", [
    ("The program will be expanded next year, McLaughlin said.", "McLaughlin"),
    ("Crime fell by 40 percent, according to the Justice Department.", "the Justice Department"),
    ("“The Court agrees that the injury is not imminent,” Friedrich wrote.", "Friedrich"),
    ("The process protects taxpayer data, a senior Treasury Department official said at the time.",
     "a senior Treasury Department official"),
    ("The judge denied the injunction on Monday.", None),
    ("It does not,” the order continued.", "the order"),
    ("“If we were any higher, we’d be North Dakota,” one user quipped.", "one user"),
    ("A federal judge on Monday denied an injunction request.", None),  # an act, not an attribution
    # the speaker before the verb, with what a news sentence puts around it
    ("Chilean finance minister Ana Torres said the budget would balance by 2027.", "Chilean finance minister Ana Torres"),
    ("Norway's energy ministry said on Friday that output fell 4%.", "Norway's energy ministry"),
    ("Prime Minister Ola Berg, however, said the tax would stay.", "Prime Minister Ola Berg"),
    ("The regulator, which opened the inquiry in May, says the fine is final.", "The regulator"),
    ("Mark Doe, the mayor's chief of staff, told reporters the plan cost $4m.", "Mark Doe"),
    ("The firm that owns the stadium, Arena Holdings, says it was sold.", "Arena Holdings"),
    ("Two officials briefed on the talks said the deal was close.", "Two officials briefed on the talks"),
    ("A nurse at the clinic told the paper that 12 patients died.", "A nurse at the clinic"),
    ("Exports fell 3% in May, analysts say.", "analysts"),
    ("Theresa May said the deal was done.", "Theresa May"),  # "May" in a name is no modal
    ("The plant closed in June, people familiar with the matter said.", "people familiar with the matter"),
    ("Maria Lind said he had agreed to resign, Tom Hale testified.", "Tom Hale"),  # the closing attribution
    ("The court last week ruled that the ban was lawful.", "The court"),
    ("As Ann Kim reports for the Post, the mill shut when regulators announced that it was unsafe.", "Ann Kim"),
    # the speaker after the verb
    ("Rents rose 9% last year, says the housing agency.", "the housing agency"),
    ("“It will pass,” said one senior aide, as reported by the Globe.", "one senior aide"),
    ("The strike is over, said union leader Jo Park, a nurse for 20 years.", "union leader Jo Park"),
    ("Cases are rising, according to data from the health ministry.", "data from the health ministry"),
    ("Tom Hale, a lawyer for the city, said in a statement that the suit had no merit.", "Tom Hale"),
    # not attributions
    ("Spot gold added 0.4% to $1,900 an ounce.", None),
    ("The price was not announced.", None),
    ("His mother was said to have disapproved.", None),
    ("The family claimed Ford’s body and left town.", None),
    ("Well, let’s say they cause you to grow as a person.", None),
    ("Kurt Volker and Tim Morrison, another top NSC aide, testified before the committee.", None),  # an event
    ("Morrison testified on Tuesday that he was alarmed.", "Morrison"),
    ("“I was alarmed,” Morrison testified on Tuesday.", "Morrison"),
    ("We've said it before: backups matter.", None),  # the author's own voice
    ("The self-declared government cut rates.", None),
    # past a relative clause to the phrase it describes
    ("Analysts who have done the calculations say the plan fails.", "Analysts"),
    ("A spokesperson who did not wish to be named because of agency policy said the agency never had.",
     "A spokesperson"),
    ("An official who spoke to Reuters said the talks had stalled.", "An official"),
    ("The man, who lives nearby, said he heard shots.", "The man"),
])
def test_claimant_in_one_sentence(sentence, who):
    assert claimant.find(sentence) == who


def test_pronouns_follow_the_person_and_their_gender():
    article = [
        "Senator Ana Ruiz said the bill would pass.",
        "Ruiz's aide, Tom Hale, said the vote was close.",
        "“We counted every vote,” he said.",  # Tom Hale: the latest person
        "“It is a good day,” she said.",  # not Tom Hale (he), so Ana Ruiz
        "Ruiz visited the plant on Tuesday.",  # a person who opens a sentence
        "“Jobs are coming back,” she told workers.",
        "The health ministry said cases fell.",
        "“The trend is clear,” it added.",  # "it": the organisation that spoke last
        "Nurses at the clinic said beds were short.",
        "They said the ward closed in May.",  # "they": the latest speaker in the plural
    ]
    assert claimant.attribute(article) == [
        "Senator Ana Ruiz", "Tom Hale", "Tom Hale", "Senator Ana Ruiz", None, "Ruiz",
        "The health ministry", "The health ministry", "Nurses at the clinic", "Nurses at the clinic",
    ]


def test_claimant_across_quotations():
    article = [
        "Tricia McLaughlin, the DHS assistant secretary, said the ruling was welcome.",
        "“The government is finally sharing information,” she said.",
        "“Biden lost them due to incompetence.”",
        "The deal was reached in April.",
        "“At its core, this case presents a narrow legal issue: Does the Memorandum violate the Code?",
        "It does not,” the order continued.",
        "The official said it was a good day, a senior Treasury Department official said.",
        "The agency must assist law enforcement, the official told reporters.",
    ]
    assert claimant.attribute(article) == [
        "Tricia McLaughlin", "Tricia McLaughlin", "Tricia McLaughlin", None,
        "the order", "the order",
        "a senior Treasury Department official", "a senior Treasury Department official",
    ]


def test_speech_verbs_inside_a_quotation_are_not_its_speaker():
    article = [
        "“My people had $20 billion done,” Mr. Trump recounted in an Oct. 21 cabinet meeting.",
        "“And I said, ‘I want more.’",  # a new paragraph: the same speaker goes on
        "They said, ‘The farmers can’t handle it.’",  # the quoted "they", not a speaker
        "It’s very simple.’”",
        "The cabinet members laughed.",
    ]
    assert claimant.attribute(article, [True, True, False, False, True]) == [
        "Mr. Trump", "Mr. Trump", "Mr. Trump", "Mr. Trump", None,
    ]
    assert claimant.find(claimant._unquoted("“I told them,” she said.")) == "she"


def test_each_atomic_claim_has_its_own_claimant():
    text = ("Trump has tried to suggest that he barely knows his ambassador, but Sondland has said "
            "he has spoken several times with the president.\n\n"
            "The IRS can share data to aid criminal investigations but is prohibited from sharing "
            "information related to civil matters, McLaughlin said.\n\n"
            "Smith said the plan failed, but Jones said it worked.")
    got = [(c["text"], c["claimant"]) for c in splitter.extract(text).sentences]
    assert got == [
        ("Trump has tried to suggest that he barely knows his ambassador", None),  # the article's own
        # the claimant holds the attribution: dropped from the text, "he" is the speaker
        ("[Sondland] has spoken several times with the president.", "Sondland"),
        ("The IRS can share data to aid criminal investigations", "McLaughlin"),  # a closing attribution
        ("The IRS is prohibited from sharing information related to civil matters.", "McLaughlin"),
        ("Smith said the plan failed", "Smith"),
        ("Jones said it worked.", "Jones"),
    ]


def test_example_article_claims_and_claimants():
    extraction = splitter.extract(EXAMPLE.read_text())
    rows = extraction.claims()
    # the text as the article wrote it: acronyms are spelled out in brackets ("IRS [Internal Revenue Service]")
    by_text = {re.sub(r" \[[^\]]*\]", "", c["text"]): c for c in extraction.sentences}
    assert any("denied an injunction" in c["text"] for c in rows)
    memo = next(c for c in rows if "Memorandum only allows sharing information for criminal investigations" in c["text"])
    assert memo["claimant"] == "U.S. District Judge Dabney Friedrich"  # a continuation quotation, full name
    assert not memo["text"].startswith("“")  # the claimant's quotation, without its quotation marks
    denied = next(c for c in rows if "denied an injunction" in c["text"])
    assert denied["claimant"] is None  # the article's own report of the ruling
    assert by_text["The IRS can share data to aid criminal investigations"]["claimant"] is None
    assert by_text["The IRS is prohibited from sharing information related to civil matters, "
                   "such as facilitating deportations."]["start"] == \
        by_text["The IRS can share data to aid criminal investigations"]["start"]
    for c in extraction.sentences:
        assert c["model"] == checkworthiness.default_model().identifier
        assert c["extractor"] == splitter.NAME and c["threshold"] == splitter.THRESHOLD
        assert c["claim_type"] in ("quantity", "correlation or causation", "current laws or rules", "prediction",
                                   "personal experience", "other claim", "not a claim")
        assert (c["claim_type"] == "not a claim") == (not c["checkable"])


def test_model_loads_offline_and_is_deterministic(no_network):
    one = checkworthiness.load(checkworthiness.DATA)
    two = checkworthiness.load(checkworthiness.DATA)
    texts = ["Unemployment fell to 3.5% in 2019.", "What a wonderful night!", "We will win.", ""]
    assert one.predict(texts) == two.predict(texts)
    assert one.identifier == two.identifier and one.identifier.startswith("lr-hashed-ngrams-")
    first, second, *_ = one.predict(texts)
    assert first["checkworthiness"] > second["checkworthiness"]
    assert first["checkable"] and not second["checkable"]


def test_model_files_are_small():
    for path in checkworthiness.DATA.iterdir():  # the 8-bit transformer: tests/test_finetuned.py
        if path.name not in ("minilm.onnx",):
            assert path.stat().st_size < 1024 * 1024, path


def test_missing_model_is_a_clear_error(tmp_path):
    from claims.registry import RegistryError

    with pytest.raises(RegistryError, match="no trained model"):
        checkworthiness.load(tmp_path)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_extract_never_crashes_and_offsets_slice_back(raw):
    extraction = splitter.extract(raw)
    for c in extraction.sentences:
        assert extraction.text[c["start"]:c["end"]] == c["sentence"]
        assert c["text"]
        assert set(_words(c["text"])) <= set(_words(c["sentence"]))
        assert 0 <= c["checkworthiness"] <= 1


@pytest.mark.parametrize("text, kind", [
    ("Unemployment fell to 3.5% in 2019.", "quantity"),
    ("The city has 40,000 residents.", "quantity"),
    ("Before the Court is the Motion for Preliminary Injunction, Dkt. 28.", "current laws or rules"),
    ("Under 26 U.S.C. § 6103 the IRS may share data.", "current laws or rules"),
    ("Crime rose because of the cuts.", "correlation or causation"),
    ("We will cut taxes next year.", "prediction"),
    ("I grew up on a farm outside Dayton.", "personal experience"),
    ("The senator met the governor on Monday.", "other claim"),
    # digits inside a name or a score are not a quantity; a superlative is not either
    ("The IL-25 protein alerts the immune system.", "other claim"),
    ("The team won the final 2-1 on Sunday.", "other claim"),
    ("It is one of the most popular parks in Ohio.", "other claim"),
    ("Most voters backed the plan.", "quantity"),
    ("The deficit will reach $2 trillion by 2030.", "prediction"),  # a forecast of a number
    ("The plant is scheduled to open in 2027.", "prediction"),
    ("He faces up to 10 years in prison and a $250,000 fine.", "current laws or rules"),
    ("Cannabis has been legalized in 11 states.", "quantity"),
    ("The Clean Air Act bans the sale of leaded fuel.", "current laws or rules"),
    ("She left early in order to catch the train home.", "other claim"),
    ("The enzyme triggers the release of insulin.", "correlation or causation"),
    ("We've tested the laptop since its launch.", "personal experience"),
    ("“We’re taking in billions of dollars in tariff money,” he said.", "quantity"),
    ("Most of the staff left.", "quantity"),
    ("People with allergies are most at risk in spring.", "other claim"),  # a superlative
    ("His sentencing is scheduled for Feb. 14.", "prediction"),
    # "allows" is a rule next to a deal or a law, not in any sentence; "code" only a legal one
    ("The deal allows DHS to ask the IRS for home addresses.", "current laws or rules"),
    ("Abandoning likes allowed Mosseri to say Instagram had changed.", "other claim"),
    ("The album comes with a download code for the tracks.", "other claim"),
    ("The change is written into the tax code.", "current laws or rules"),
])
def test_claim_types(text, kind):
    from claims import claimtypes

    assert claimtypes.claim_type(text, True) == kind
    assert claimtypes.claim_type(text, False) == "not a claim"


def test_html_page_fills_article_fields(run, tmp_path):
    import json

    page = tmp_path / "page.html"
    page.write_text(
        '<html><head><title>Judge allows data sharing between agencies | City News</title>'
        '<link rel="canonical" href="https://news.example.com/data-sharing">'
        '<meta property="og:site_name" content="City News"><meta name="author" content="Jane Doe">'
        '<meta property="article:published_time" content="2024-03-05T10:00:00Z"></head><body>'
        '<nav>Home | News | Sport</nav><article><h1>Judge allows data sharing between agencies</h1>'
        "<p>A federal judge on Monday denied an injunction against the data-sharing agreement.</p>"
        "<p>Repairs will cost $4 million and take six months, the transport department said.</p></article>"
        "<footer>Share on Facebook</footer></body></html>"
    )
    out = json.loads(run("extract", str(page), "--dry-run", "--all").output)
    article = out["article"]
    assert article["url"] == "https://news.example.com/data-sharing"
    assert article["author"] == "Jane Doe" and article["published"] == "2024-03-05"
    assert article["outlet"] == "City News" and article["title"].startswith("Judge allows data sharing")
    assert not article["text"].startswith("Judge allows")  # the repeated headline is not a claim
    assert [c["claimant"] for c in out["claims"]] == [None, "the transport department"]
    given = json.loads(run("extract", str(page), "--dry-run", "--url", "https://other.example/x",
                           "--title", "Mine").output)["article"]
    assert given["url"] == "https://other.example/x" and given["title"] == "Mine"


def test_a_very_long_line_is_split_in_pieces_with_the_same_result():
    sentence = "Mr. Smith said the U.S. budget grew by 4.5% in 2019, the report found."
    line = " ".join([sentence] * 400)  # 28,000 characters on one line
    spans = sentences.split_sentences(line)
    assert [line[a:b] for a, b in spans] == [sentence] * 400


def test_claimant_reads_a_window_around_each_verb(monkeypatch):
    """A page with no full stop is one long "sentence" with hundreds of speech verbs: the
    claimant rules read a fixed window around each verb, so the text they tokenize grows
    with the sentence, not with its square (counted, not timed)."""
    read = []
    tokens = claimant._tokens
    monkeypatch.setattr(claimant, "_tokens", lambda text: read.append(len(text)) or tokens(text))
    for n in (2_000, 8_000):
        read.clear()
        sentence = " ".join("Smith said the price rose" if i % 5 == 0 else "and then" for i in range(n)) + "."
        assert claimant.find(sentence) == "Smith"
        assert sum(read) < 6 * claimant._WINDOW * sentence.count(" said ")


def test_atomic_split_reads_a_window_around_each_join(monkeypatch):
    """A page with no full stop can be one "sentence" with thousands of ", and": each join
    is read within a fixed window, so the text examined grows with the sentence, not with
    its square (counted, not timed)."""
    read = []
    words = atomic._words
    monkeypatch.setattr(atomic, "_words", lambda text: read.append(len(text)) or words(text))
    for n in (500, 2_000):
        read.clear()
        sentence = ", and ".join("the council raised the fee by 5% in May" for _ in range(n)) + "."
        assert len(atomic.split(sentence)) == n
        assert sum(read) < 4 * atomic._WINDOW * n


def test_subheadings_stay_in_the_text_but_are_not_claims():
    text = ("Granollers and Lopez defeated Khachanov and Rublev 6-4, 7-6 to seal the victory.\n\n"
            "US FALLS\n\n"
            "The United States lost to Canada for the first time in the Davis Cup.\n\n"
            "Touch Bar and Escape Key\n\n"
            "Apple restored the physical Escape key on the 16-inch model.\n\n"
            "Thermals\n\n"
            "The fans spin up later than on the 15-inch model.\n\n"
            "What the budget says\n\n"
            "The budget rose by 12% in 2023.\n\n"
            "The new model would:\n\n"
            "Cost less")  # a list item after a line ending in ":", not a subheading
    extraction = splitter.extract(text)
    headings = [c["text"] for c in extraction.sentences
                if splitter.is_subheading(extraction.text, c["start"], c["end"])]
    assert headings == ["US FALLS", "Touch Bar and Escape Key", "Thermals", "What the budget says"]
    rows = {c["text"]: c for c in extraction.sentences}
    for heading in headings:
        assert heading in extraction.text
        assert rows[heading]["checkable"] is False and rows[heading]["claim_type"] == "not a claim"
        assert rows[heading]["claimant"] is None  # "says" in a heading names no speaker
    assert [c["text"] for c in extraction.claims() if c["text"] != "Cost less"] == [
        "Granollers and Lopez defeated Khachanov and Rublev 6-4, 7-6 to seal the victory.",
        "The United States lost to Canada for the first time in the Davis Cup.",
        "Apple restored the physical Escape key on the 16-inch model.",
        "The fans spin up later than on the 15-inch model.",
        "The budget rose by 12% in 2023.",
    ]
