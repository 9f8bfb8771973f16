"""A chatbot learns why a tool refused, in its caller's language, instead of "Error executing tool"."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from policies.keys import Role
from tests.api.test_as_of import Mcp
from tests.api.test_language import ENGLISH
from tests.factories import key_headers


@pytest.mark.parametrize(("language", "said"), [
    ("en", ["no measure with code 'NO-SUCH-MEASURE'", "unknown region code '999999'"]),
    ("zh-CN", ["NO-SUCH-MEASURE", "999999"]),
])
def test_refusals_reach_the_caller_in_its_language(sample_client: TestClient, sample_engine: Engine, language: str,
                                                   said: list[str]) -> None:
    mcp = Mcp(sample_client, key_headers(sample_engine, Role.portal, "chatbot") | {"Accept-Language": language})
    answers = [mcp.call("get_measure", {"code": "NO-SUCH-MEASURE"}),
               mcp.call("search_measures", {"query": "小巨人", "region": "999999"})]
    for answer, words in zip(answers, said, strict=True):
        text = answer["content"][0]["text"]
        assert answer["isError"] and words in text, answer
        if language == "zh-CN":
            assert not ENGLISH.search(text), text  # the SDK's own words included
