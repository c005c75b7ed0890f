"""Players and saved progress, hardened (issue 8): seeds, store failures in plain mode,
damaged saves, one attempt in two terminals, control characters and read-only files.

Each test reproduces a defect found by trying the program as an attacker would; its
name says the class of input it covers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsquiz.cli import MAX_SEED, main
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from newsquiz.store.progress import Store

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"
SCENARIO = load(BUNDLED)


# ------------------------------------------------------------------- --seed range


@pytest.mark.parametrize("seed", [str(2**63), str(2**64), "9" * 5000, "-1", "²", "1e3", "0x10"])
def test_seed_out_of_range_is_a_usage_error(seed: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["play", str(BUNDLED), "--plain", "--seed", seed])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --seed: must be a whole number from 0 to {MAX_SEED}" in err


def test_largest_seed_is_saved_and_resumed(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        session = Session(SCENARIO, MAX_SEED)
        attempt = store.start_attempt("ada", SCENARIO, session)
        session.advance()
        store.save_state(attempt, session)
        saved = store.in_progress("ada", SCENARIO.id)
        assert saved is not None and saved.seed == MAX_SEED
        assert store.resume(saved, SCENARIO).seed == MAX_SEED
