from policies.diff import diff_documents


def test_nested_changes_have_precise_paths() -> None:
    before = {"a": 1, "criteria": [{"op": "gte", "value": 0.03}, {"type": "manual"}], "gone": True}
    after = {"a": 1, "criteria": [{"op": "gte", "value": 0.05}, {"type": "manual"}], "new": "x"}
    assert diff_documents(before, after) == [
        {"path": "criteria/0/value", "before": 0.03, "after": 0.05},
        {"path": "gone", "before": True, "after": None},
        {"path": "new", "before": None, "after": "x"},
    ]


def test_lists_of_different_length_are_replaced_whole() -> None:
    assert diff_documents({"j": ["330000"]}, {"j": ["330000", "330300"]}) == [
        {"path": "j", "before": ["330000"], "after": ["330000", "330300"]}
    ]


def test_identical_documents_have_no_diff() -> None:
    assert diff_documents({"x": [1, {"y": 2}]}, {"x": [1, {"y": 2}]}) == []
