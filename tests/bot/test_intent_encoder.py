"""The sentence model adapted to the intents: which examples it learns from (here), and a real
adaptation and export in the services' environment, run by the bot's own encoder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from bot.components.sentence_featurizer import resolve_model_dir
from bot.nlp.intent_encoder import intent_examples, plain_text, training_pairs
from sentence_model.encoder import OnnxEncoder
from sentence_model.model_dir import model_fingerprint

ROOT = Path(__file__).resolve().parents[2]
SVC_PYTHON = ROOT / ".venvs" / "svc" / "bin" / "python"


def test_annotations_and_escapes_leave_the_plain_text() -> None:
    assert plain_text("where is order [13072](order_number)?") == "where is order 13072?"
    assert plain_text('send it to [jo@example.com]{"entity": "email"}') == "send it to jo@example.com"
    assert plain_text(r"my \[order\] is late") == "my [order] is late"


def test_examples_are_read_per_intent_from_nlu_files_only(tmp_path: Path) -> None:
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello\n'
                                      "    - hi\n- synonym: parcel\n  examples: |\n    - package\n"
                                      "- intent: track\n  examples: |\n    - where is [123](order_number)\n"
                                      "- intent: yes\n  examples: |\n    - sure\n")
    (tmp_path / "stories.yml").write_text('version: "3.1"\nstories:\n- story: s\n  steps:\n  - intent: greet\n')
    assert intent_examples([tmp_path]) == {"greet": ["hi", "hello"], "track": ["where is 123"], "yes": ["sure"]}
    (tmp_path / "broken.yml").write_text("nlu: [unclosed\n")
    with pytest.raises(ValueError, match=r"broken\.yml: not YAML"):
        intent_examples([tmp_path])


def test_every_example_is_paired_with_another_of_its_intent() -> None:
    examples = {"greet": ["hi", "hello", "hey"], "track": ["where is it"], "refund": ["refund?", "money back"]}
    pairs = training_pairs(examples)
    assert sorted(p.anchor for p in pairs) == sorted(["hi", "hello", "hey", "refund?", "money back"])
    assert all(p.positive != p.anchor and p.positive in examples[p.group] for p in pairs)
    assert training_pairs(examples) == pairs  # seeded


def run_svc(module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SVC_PYTHON), "-m", module, *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=600,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)})


def run_adaptation(*args: str) -> subprocess.CompletedProcess:
    return run_svc("bot.nlp.intent_encoder", *args)


def bot_encoder(model: Path, exports: Path) -> OnnxEncoder:
    """`model` as the bot runs it: exported in the services' environment, run in this one."""
    done = run_svc("sentence_model.export", str(model), "--out", str(exports))
    assert done.returncode == 0, done.stderr[-3000:]
    return OnnxEncoder(model, Path(done.stdout.strip().splitlines()[-1]))


def test_adapting_to_the_bots_intents_gives_a_model_the_bot_loads(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Under ./baton, the model it adapted a moment ago for these very examples is in its cache: the
    # adaptation finds it there by the examples' hash (what it would write is what ./baton wrote).
    # Alone, the test adapts into its own folder.
    made = os.environ.get("BATON_SENTENCE_MODEL", "")
    out = Path(made).parent if "-intents-" in Path(made).name and Path(made).is_dir() else tmp_path
    monkeypatch.delenv("BATON_SENTENCE_MODEL", raising=False)  # the base model is the one adapted
    done = run_adaptation("--nlu", str(ROOT / "bot" / "data"), "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    adapted = Path(done.stdout.strip().splitlines()[-1])
    assert adapted.parent == out and "-intents-" in adapted.name
    assert model_fingerprint(adapted) != model_fingerprint(resolve_model_dir(None))
    # The bot's encoder runs it; two phrasings of one intent end up closer than before.
    base, tuned = bot_encoder(resolve_model_dir(None), tmp_path / "onnx"), bot_encoder(adapted, tmp_path / "onnx")
    texts = ["where is my parcel", "has my order shipped yet", "I want my money back"]
    before, after = base.encode(texts), tuned.encode(texts)
    assert np.allclose(np.linalg.norm(after, axis=1), 1.0, atol=1e-4)
    assert float(after[0] @ after[1]) - float(after[0] @ after[2]) > float(before[0] @ before[1]) - float(
        before[0] @ before[2])
    again = run_adaptation("--nlu", str(ROOT / "bot" / "data"), "--out", str(out))
    assert again.stdout.strip().splitlines()[-1] == str(adapted) and "adapting" not in again.stderr  # kept


def test_too_few_intents_or_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    - yo\n')
    done = run_adaptation("--nlu", str(tmp_path / "nlu.yml"), "--out", str(tmp_path))
    assert done.returncode == 2 and "fewer than 8 intents" in done.stderr
    done = run_adaptation("--nlu", str(tmp_path / "missing.yml"), "--out", str(tmp_path))
    assert done.returncode == 2 and "no such file or folder" in done.stderr
