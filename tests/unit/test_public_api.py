import uncc


def test_all_is_sorted_and_importable() -> None:
    assert list(uncc.__all__) == sorted(uncc.__all__)
    for name in uncc.__all__:
        assert hasattr(uncc, name), name
