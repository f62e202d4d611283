"""HTML main text (claims.htmltext) and the short-line rules of claims.splitter.clean:
real HTML snippets and texts built here, asserting what is kept and what is dropped."""

from claims import articles, htmltext, splitter


def para(i: int) -> str:
    return (f"Part {i} of the story says that the city council voted on Tuesday to spend "
            f"four million dollars on bridge repairs, item {i}.")


def split_page() -> str:
    """An article cut into two containers with an advert between them (trafilatura keeps
    only the first container of such pages)."""
    first = "".join(f"<p>{para(i)}</p>" for i in range(1, 5))
    second = "".join(f"<p>{para(i)}</p>" for i in range(5, 9))
    return ("<html><head><title>Bridge vote</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>Bridge vote</h1><div class='article-body-component'>{first}</div>"
            "<div class='ad-slot'><a href='/x'>Get our newsletter</a></div>"
            f"<div class='article-body-component'>{second}</div></article>"
            "<footer>Share on Facebook</footer></body></html>")


def test_article_split_by_an_advert_is_read_whole_and_in_order():
    text, meta = articles.html_to_text(split_page())
    positions = [text.find(para(i)) for i in range(1, 9)]
    assert -1 not in positions, text
    assert positions == sorted(positions)
    assert "newsletter" not in text and "Facebook" not in text
    assert meta["title"] == "Bridge vote"


def test_readability_paragraphs_skip_figures_bylines_related_links_and_comments():
    html = ("<html><body><div id='story'>"
            f"<p>{para(1)}</p><p>{para(2)}</p>"
            "<figure><figcaption>A caption under a photograph of the bridge.</figcaption></figure>"
            "<p class='photo-credit'>Photograph taken by a staff photographer for the paper this week.</p>"
            "<div class='byline'>By Jane Reporter, City Desk</div>"
            "<aside>Read this other story about a tunnel.</aside>"
            "<ul class='related-stories'><li>Tunnel closes for a week of repairs in the west.</li></ul>"
            f"<p>{para(3)}</p>"
            "<div class='comments'><p>I drove over that bridge every day for ten years and never worried.</p></div>"
            "</div></body></html>")
    paragraphs = htmltext.readability_paragraphs(html)
    assert [p for p in paragraphs if p.startswith("Part")] == [para(1), para(2), para(3)]
    joined = " ".join(paragraphs)
    for dropped in ("caption under", "staff photographer", "Jane Reporter", "tunnel", "Tunnel", "drove over"):
        assert dropped not in joined


def test_add_missing_prose_places_prose_after_the_last_shared_paragraph():
    blocks = [[para(1)], [para(2)]]
    extra = ["Menu", para(1), para(2), para(3), "Buy now", "Short but ends.", para(1), para(4)]
    out = htmltext.add_missing_prose(blocks, extra)
    assert out == [[para(1)], [para(2)], [para(3)], [para(4)]]


def test_add_missing_prose_adds_nothing_before_a_shared_paragraph():
    # prose that comes before anything both extractors kept is another part of the page
    out = htmltext.add_missing_prose([[para(2)]], [para(1), para(2)])
    assert out == [[para(2)]]


def test_line_breaks_and_lists_of_the_page_become_blocks():
    html = ("<html><body><article><h1>Tour announced</h1>"
            f"<p>{para(1)}</p><p>{para(2)}</p>"
            "<p>June 9 – West Palm Beach, FL<br>June 10 – Tampa, FL<br>June 14 – Alpharetta, GA</p>"
            f"<p>{para(3)}</p>"
            "<ul><li>Blue Origin, Kent</li><li>SpaceX, Hawthorne</li></ul>"
            f"<p>{para(4)}</p></article></body></html>")
    text, _ = htmltext.main_text(html)
    assert "June 9 – West Palm Beach, FL\nJune 10 – Tampa, FL\nJune 14 – Alpharetta, GA" in text
    assert "- Blue Origin, Kent\n- SpaceX, Hawthorne" in text
    assert f"{para(1)}\n\n{para(2)}" in text


def test_a_page_laid_out_in_a_table_falls_back_to_readability():
    html = ("<html><head><title>Bridge vote | City News</title>"
            "<link rel='canonical' href='https://news.example.org/bridge-vote'></head><body><table><tr>"
            "<td><a href='/'>Home</a> <a href='/news'>News</a></td></tr><tr>"
            f"<td><p>{para(1)}</p><p>{para(2)}</p></td></tr></table></body></html>")
    text, meta = articles.html_to_text(html)
    assert para(1) in text and para(2) in text
    assert meta["url"] == "https://news.example.org/bridge-vote"
    assert "Bridge vote" in meta["title"]


def test_a_table_page_without_prose_gives_no_text():
    # readability finds these lines, but none reads as prose: no article (not a menu as one)
    html = ("<html><body><table><tr><td><p>Our offices are closed on all public holidays this year</p>"
            "<p>Opening hours and directions for visitors</p></td></tr></table></body></html>")
    assert "Opening hours" in " ".join(htmltext.readability_paragraphs(html))
    text, meta = articles.html_to_text(html)
    assert text == ""


# --- clean: short lines are kept where the article vouches for them ------------------

PROSE_A = "The council met on Tuesday and approved the budget for next year."
PROSE_B = "Repairs will cost $4 million and take six months, the department said."
PROSE_C = "Work starts in March, when the river is at its lowest."


def body(text: str) -> str:
    return splitter.clean(text, title="A title given")[1]


def test_a_short_subheading_between_prose_is_kept():
    kept = body(f"{PROSE_A}\n\nBattery life\n\n{PROSE_B}")
    assert "Battery life" in kept
    kept = body(f"{PROSE_A}\n\nUS FALLS\n\n{PROSE_B}")  # a short subheading in capitals
    assert "US FALLS" in kept


def test_a_short_line_without_prose_on_both_sides_is_dropped():
    assert "Battery life" not in body(f"{PROSE_A}\n\n{PROSE_B}\n\nBattery life")
    assert "Battery life" not in body(f"Battery life\n\n{PROSE_A}\n\n{PROSE_B}")


def test_a_long_capitals_headline_of_another_story_is_dropped_even_between_prose():
    other = "JUSTICE DEPARTMENT TELLS FEDERAL JUDGE IT MIGHT INVOKE STATE SECRETS ACT"
    assert other not in body(f"{PROSE_A}\n\n{other}\n\n{PROSE_B}")


def test_furniture_between_prose_stays_dropped():
    for furniture in ("Advertisement", "Share this article:", "Facebook", "Related stories", "Click here to subscribe"):
        kept = body(f"{PROSE_A}\n\n{furniture}\n\n{PROSE_B}")
        assert furniture not in kept, furniture
        assert PROSE_A in kept and PROSE_B in kept


def test_a_list_its_intro_line_announces_is_kept():
    text = (f"{PROSE_A}\n\nThe newly selected five are:\n\n- Blue Origin, Kent, Washington\n"
            f"- Ceres Robotics, Palo Alto\n- SpaceX, Hawthorne\n\n{PROSE_B}")
    kept = body(text)
    for item in ("Blue Origin, Kent, Washington", "Ceres Robotics, Palo Alto", "SpaceX, Hawthorne"):
        assert item in kept


def test_a_bulleted_list_without_an_intro_is_dropped():
    text = f"{PROSE_A}\n\n{PROSE_B}\n\n- Tunnel Closes for Repairs\n- Mayor Visits Bridge\n- New Ferry Route"
    kept = body(text)
    assert "Tunnel" not in kept and "Ferry" not in kept


def test_a_line_broken_block_after_prose_is_kept_with_its_heading():
    schedule = "June 9 – West Palm Beach, FL\nJune 10 – Tampa, FL\nJune 14 – Alpharetta, GA"
    kept = body(f"{PROSE_A}\n\nThe Tour Dates\n\n{schedule}")
    assert "The Tour Dates" in kept
    for line in schedule.split("\n"):
        assert line in kept


def test_a_block_holding_furniture_is_not_vouched_for():
    block = "Share this article:\nCity Budget Passes\nTunnel Closes for Repairs"
    kept = body(f"{PROSE_A}\n\n{block}\n\n{PROSE_C}")
    assert "City Budget Passes" not in kept and "Tunnel Closes" not in kept


def test_separate_headline_lines_after_the_story_are_dropped():
    # related-story headlines each on their own line (own paragraphs): no block vouches
    text = f"{PROSE_A}\n\n{PROSE_B}\n\nTunnel Closes for Repairs\n\nMayor Visits the New Bridge\n\nFerry Route Opens"
    kept = body(text)
    assert "Tunnel" not in kept and "Mayor" not in kept and "Ferry" not in kept


def test_text_without_blank_lines_has_no_blocks_to_vouch():
    text = f"{PROSE_A}\n{PROSE_B}\nCity Budget Passes\nTunnel Closes for Repairs"
    kept = body(text)
    assert "City Budget" not in kept and "Tunnel" not in kept


def test_a_sentence_starting_with_a_platform_name_is_prose():
    said = "Twitter said on Monday it would ban political advertising worldwide."
    kept = body(f"{PROSE_A}\n\n{said}\n\n{PROSE_B} Facebook also changed its rules last week.")
    assert said in kept
    assert "Facebook also changed its rules last week." in kept
    assert "Twitter" not in body(f"{PROSE_A}\n\nTwitter\n\nFacebook\n\n{PROSE_B}")


def test_hover_cards_and_hidden_labels_leave_the_prose():
    """thehill.com puts a hidden card (the person's name, three headlines, "MORE") inside
    the sentence that names them; screen-reader labels and hidden spans are not prose either.
    A long hidden block (the rest of an article behind "Read more") stays."""
    rest = "".join(f"<p>{para(i)}</p>" for i in range(3, 6))
    html = ("<html><head><title>Threat case</title></head><body><article>"
            "<p>A man pleaded guilty to threatening Rep. <span class='rollover-people'>"
            "<a href='/people/jo-doe'>Jo Doe</a><span class='rollover-people-block'>"
            "<a href='/people/jo-doe'>Jo Doe</a><a href='/x'>Budget fight heads to the Senate floor</a>"
            "<a class='more' href='/people/jo-doe'>MORE</a></span></span> (D-Minn.), prosecutors said on Monday."
            "<span class='sr-only'>Opens in a new window</span><span style='display: none'>Advertisement</span></p>"
            f"<p>{para(1)}</p><p>{para(2)}</p><div style='display:none'>{rest}</div>"
            "</article></body></html>")
    text, _ = articles.html_to_text(html)
    assert "threatening Rep. Jo Doe (D-Minn.), prosecutors said on Monday." in text, text
    assert "Budget fight" not in text and "MORE" not in text
    assert "new window" not in text and "Advertisement" not in text
    assert para(4) in htmltext.without_hidden(html)  # a long hidden block is not ours to drop
