"""What is left out of the review queue, and claims that read alone."""

import pytest

from claims import selection, splitter, standalone
from tests.test_splitter import EXAMPLE


@pytest.mark.parametrize("sentence, why", [
    ("Do we have an oxygen bar in Delhi?", "question"),
    ("A spokesperson for the NYAG declined to comment.", "no comment"),
    ("The governor's office didn't immediately respond to The Hill's request for comment.", "no comment"),
    ("Fox News Digital has reached out to the IRS for comment.", "no comment"),
    ("(Reporting by Greg Roumeliotis; editing by Martin Howell.)", "notice"),
    ("Follow AP's full coverage of Brexit at https://www.apnews.com/Brexit", "notice"),
    ("(Graphic: Global assets in 2019 - here)", "notice"),
    ("Get access to the app for as little as Rs 599 a month.", "notice"),
    ("To create the chart, we converted the figures to 2019 dollars.", "method"),
    ("This graphic, provided by Statista, shows the states where marijuana is legal.", "method"),
    ("https://t.co/XPxUJuyIAC", "link"),
    ("NASA adds five companies to commercial lunar lander program", "fragment"),
    (", in March, prosecutors said.", "fragment"),
    ("Let us now focus on the threat he has been warning about.", "appeal"),
])
def test_reasons_a_sentence_is_left_out(sentence, why):
    assert selection.reason(sentence) == why


@pytest.mark.parametrize("sentence", [
    "The IRS can share data to aid criminal investigations.",
    "WeWork declined by 40% in value over the year, the report said.",
    "“We received an inquiry from the office of the Attorney General,” a spokesperson said.",
    "The video had been altered to show Starmer failing to answer a question about Brexit.",
])
def test_statements_are_candidates(sentence):
    assert selection.reason(sentence) is None


def test_dry_run_all_gives_each_left_out_sentence_its_reason():
    article = ("Home Depot earned $2.8 billion in the quarter, the company said.\n\n"
               "Did it beat estimates?\n\n"
               "Home Depot declined to comment on the figures.\n\n"
               "Home Depot earned $2.8 billion in the quarter, the company said.")
    rows = splitter.extract(article).claims(include_all=True)
    assert [r["left_out"] for r in rows] == [None, "question", "no comment", "duplicate"]
    assert len(splitter.extract(article).claims()) == 1


def _rewrite(article: str) -> list[tuple[str, bool]]:
    return [(c["text"], c["needs_context"]) for c in splitter.extract(article).claims(include_all=True)]


def test_a_pronoun_is_replaced_by_the_person_it_refers_to():
    article = ("Adam Neumann, WeWork's founder, stepped down in September after a failed listing.\n\n"
               "He also agreed to return $5.9 million he received for the use of the trademark.\n\n"
               "Neumann did not take a salary last year, according to filings.")
    texts = _rewrite(article)
    assert texts[1] == ("[Neumann] also agreed to return $5.9 million he received for the use of the trademark.",
                        False)


def test_an_unresolved_opening_reference_says_it_needs_context():
    texts = _rewrite("They worry that the freedoms of the city are being taken back by 2047.")
    assert texts == [("They worry that the freedoms of the city are being taken back by 2047.", True)]
    memo = next(c for c in splitter.extract(EXAMPLE.read_text()).claims() if c["text"].startswith("It does not"))
    assert memo["needs_context"]  # “It does not,” the order continued: what does not? nothing guessed


def test_an_acronym_the_article_spells_out_is_spelled_out_in_the_claim():
    article = ("The New York State Attorney General (NYAG) is investigating WeWork, two people said.\n\n"
               "This is not the first time WeWork has been scrutinized by the NYAG in 2019.")
    texts = _rewrite(article)
    assert "the NYAG [New York State Attorney General] in 2019" in texts[1][0]


def test_the_company_is_the_organisation_the_article_is_about():
    article = ("Home Depot reported third-quarter earnings of $2.8 billion on Tuesday.\n\n"
               "Home Depot shares fell 4 percent before the opening bell.\n\n"
               "The company cut its full-year sales forecast to 3.5 percent growth.")
    texts = _rewrite(article)
    assert texts[2][0] == "[Home Depot] cut its full-year sales forecast to 3.5 percent growth."


def test_a_claimants_attribution_is_dropped_from_the_text():
    memory = standalone.Memory("", [], [])
    assert standalone.rewrite("Two people briefed on the talks said Trump has decided to raise tariffs.",
                              "Two people briefed on the talks", memory)[0] == "Trump has decided to raise tariffs."
    assert standalone.rewrite("The IRS shares data for criminal cases only, McLaughlin said.", "McLaughlin",
                              memory)[0] == "The IRS shares data for criminal cases only."
    # no claimant: the text stays as written
    assert standalone.rewrite("The IRS shares data for criminal cases only, McLaughlin said.", None,
                              memory)[0] == "The IRS shares data for criminal cases only, McLaughlin said."


@pytest.mark.parametrize("text, expected", [
    ("Rep. David McKinley, R-W.Va., visited the U.S.-Mexico border on Friday. He said it was fine.",
     ["Rep. David McKinley, R-W.Va., visited the U.S.-Mexico border on Friday.", "He said it was fine."]),
    ("Sen. Ben Sasse, R-Neb., said the bill would fail. Others disagreed.",
     ["Sen. Ben Sasse, R-Neb., said the bill would fail.", "Others disagreed."]),
    ("The curfew runs from 10:30 p.m. Aug. 9 to 6:30 a.m. Aug. 10, police said. It was lifted later.",
     ["The curfew runs from 10:30 p.m. Aug. 9 to 6:30 a.m. Aug. 10, police said.", "It was lifted later."]),
    ("It happened at 5 p.m. The police arrived at 6 p.m. and left.",
     ["It happened at 5 p.m.", "The police arrived at 6 p.m. and left."]),
])
def test_news_abbreviations_do_not_end_sentences(text, expected):
    from claims import sentences

    assert sentences.sentences(text) == expected


@pytest.mark.parametrize("sentence, text", [
    ("SAN FRANCISCO (AP) — Google said Tuesday it will cut 200 jobs.", "[Google] will cut 200 jobs."),
    ("DUBAI, United Arab Emirates — Emirates Airline finalized a deal for 30 jets.",
     "Emirates Airline finalized a deal for 30 jets."),
    ("(Reuters) — The New York State Attorney General is investigating WeWork.",
     "The New York State Attorney General is investigating WeWork."),
])
def test_a_dateline_is_kept_out_of_the_claim_text(sentence, text):
    claims = splitter.extract(sentence).claims(include_all=True)
    assert claims[0]["text"] == text and claims[0]["sentence"] == sentence


def test_a_fact_checks_verdict_is_the_articles_own_and_counts_nothing():
    article = ("Trump said the economy grew by 5 percent last year, the best figure ever.\n\n"
               "We rate the statement Mostly False.")
    verdict = splitter.extract(article).claims(include_all=True)[-1]
    assert verdict["text"] == "We rate the statement Mostly False."
    assert verdict["claimant"] is None and verdict["claim_type"] == "other claim"


@pytest.mark.parametrize("sentence, speaker", [
    ("Navy spokesman Cmdr. Sean Robertson said the ship was safe.", "Navy spokesman Cmdr. Sean Robertson"),
    ("Thomas allegedly told officers he had a gun in the car.", "Thomas"),
])
def test_claimants_are_names_not_fragments(sentence, speaker):
    from claims import claimant

    assert claimant.find(sentence) == speaker


def test_they_is_the_group_that_last_opened_a_sentence():
    from claims import claimant

    article = ["Teachers unions said they would strike on Monday.",
               "Gov. Gretchen Whitmer and Republican leaders announced a budget deal on Tuesday.",
               "However, they said they don't expect the unions to accept it."]
    assert claimant.attribute(article)[2] == "Gov. Gretchen Whitmer and Republican leaders"


def test_the_president_is_the_president_the_article_names():
    from claims import claimant

    article = ["US President Donald Trump met Xi Jinping on Monday.",
               "The president said on Tuesday that China is going to have to make a deal."]
    assert claimant.name_documents(claimant.attribute(article), " ".join(article)) == [None, "Donald Trump"]


@pytest.mark.parametrize("text, kind", [
    ("Despite lower interest rates, new car prices are climbing.", "quantity"),
    ("Omar is one of the first two Muslim women elected to Congress.", "quantity"),
    ("Patrick W. Carlineo Jr., 55, of Addison, pleaded guilty to threatening a congresswoman.", "other claim"),
    ("The congresswoman linked the incident to a host's comments on Fox News.", "correlation or causation"),
])
def test_claim_types_by_what_the_claim_states(text, kind):
    from claims import claimtypes

    assert claimtypes.claim_type(text, True) == kind


def test_the_registry_stores_needs_context(tmp_path):
    from click.testing import CliRunner

    from claims.cli import cli
    from claims import registry

    db_path = str(tmp_path / "registry.db")
    result = CliRunner().invoke(cli, ["extract", str(EXAMPLE), "-d", db_path, "--by", "tester"])
    assert result.exit_code == 0, result.output
    db = registry.open_registry(db_path)
    rows = {r[0]: r[1] for r in db.execute("SELECT text, needs_context FROM claims")}
    assert rows["It does not,” the order continued."] == 1
    assert any(v == 0 for v in rows.values()) and None not in rows.values()
