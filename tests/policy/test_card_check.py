"""The front matter rewrite: only the keys it must change; every other byte stays as it was."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from licaudit.policy.card_check import front_matter_block, rewrite_front_matter


def test_replaces_a_block_value_and_keeps_comments_order_and_other_keys() -> None:
    readme = b"---\nlicense: apache-2.0\n# kept\nbase_model:\n- a/b\n- c/d\ntags: [x]\n---\n# Body\n\n---\nnot yaml\n"
    fixed = rewrite_front_matter(readme, [("base_model", "e/f"), ("license", "other"), ("license_name", "x")])
    assert (
        fixed
        == b"---\nlicense: other\n# kept\nbase_model: e/f\ntags: [x]\nlicense_name: x\n---\n# Body\n\n---\nnot yaml\n"
    )


def test_crlf_front_matter_stays_crlf() -> None:
    readme = b"---\r\nlicense: mit\r\n---\r\nbody\r\n"
    assert rewrite_front_matter(readme, [("license", "other")]) == b"---\r\nlicense: other\r\n---\r\nbody\r\n"


def test_front_matter_block_is_what_the_fix_writes() -> None:
    fixed = rewrite_front_matter(b"# Title\n", [("license", "other")])
    assert fixed == b"---\nlicense: other\n---\n# Title\n"
    assert front_matter_block(fixed) == "---\nlicense: other\n---\n"


@given(st.binary(max_size=300).filter(lambda b: not b.startswith((b"---", b"\xef\xbb\xbf---"))))
def test_any_body_survives_byte_for_byte(body: bytes) -> None:
    readme = b"---\nlicense: mit\nbase_model: a/b\n---\n" + body
    fixed = rewrite_front_matter(readme, [("license", "other"), ("base_model_relation", "adapter")])
    assert fixed.endswith(b"\n---\n" + body)
    assert fixed.startswith(b"---\nlicense: other\nbase_model: a/b\nbase_model_relation: adapter\n---\n")
    bare = rewrite_front_matter(body, [("license", "other")])
    assert bare.endswith(body)
