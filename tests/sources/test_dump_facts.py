"""Dump rows to facts: the stored form of a card's lineage links reads back as written."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from licaudit.artifacts import Origin, Relation
from licaudit.sources.dumps.row_facts import Link, links_json

link = st.builds(Link, st.text(), st.sampled_from(list(Relation)), st.sampled_from(list(Origin)), st.text())


@given(st.lists(link, min_size=1, max_size=4))
def test_links_are_stored_as_json_that_reads_back_exactly(links: list[Link]) -> None:
    stored = links_json(tuple(links))
    assert json.loads(stored) == [[item.parent, item.relation.value, item.origin.value, item.quote] for item in links]
    assert stored.isascii()  # whatever a card holds: control characters and lone surrogates are escaped
