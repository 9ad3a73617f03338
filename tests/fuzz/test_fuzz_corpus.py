"""Replay every input the fuzz suite (or a person) ever found failing: ``corpus/``."""

import pytest
from fuzz_harness import CORPUS, check, load

FOLDERS = sorted(p for p in CORPUS.iterdir() if (p / "case.json").is_file())


def test_the_corpus_is_not_empty():
    assert len(FOLDERS) >= 10


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_corpus_case(folder):
    check(load(folder))
