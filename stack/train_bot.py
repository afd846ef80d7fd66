"""Build the spaCy pipeline and train the Rasa model, each only when its inputs changed.

Runs in the bot environment (Python 3.10). The model is named by a hash of everything
that shapes it, so an unchanged bot is never retrained and a changed one always is. Before
training, the FallbackClassifier's threshold is chosen on the data (stack/fallback_threshold.py)
unless config.yml sets it; the choice and its figures are written beside the model as
`<model>.fallback.json`, the config it was trained with as `<model>.config.yml`.
Prints the model's path as the last line.

Usage: python -m stack.train_bot [--force]
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import yaml

from defaults import ROOT, VAR_DIR
from stack.fallback_threshold import bot_examples, calibrate, with_choice

# config.yml names the spaCy pipeline by this path, relative to the repository, so it stays
# under the repository's var/ whatever BATON_VAR says; the models follow BATON_VAR.
SPACY_DIR = ROOT / "var" / "spacy" / "en_baton"
MODELS_DIR = VAR_DIR / "models"
CURRENT_MODEL = MODELS_DIR / "current"

FEATURIZER = "MiniLMSentenceFeaturizer"  # the component config.yml names with the sentence model
DOMAIN = "bot/domain"  # a folder: Rasa merges every file in it
SPACY_INPUTS = ["bot/nlp"]
MODEL_INPUTS = ["config.yml", DOMAIN, "bot/data", "bot/nlp", "bot/components", "sentence_model",
                "bot/calibration", "stack/fallback_threshold.py", "requirements/bot.lock"]


def digest(paths: list[str]) -> str:
    sha = hashlib.sha256()
    for name in paths:
        base = ROOT / name
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for file in files:
            if not file.exists() or "__pycache__" in file.parts:
                continue
            sha.update(str(file.relative_to(ROOT)).encode())
            sha.update(file.read_bytes())
    return sha.hexdigest()[:16]


def build_spacy(force: bool) -> None:
    stamp = SPACY_DIR / ".inputs"
    wanted = digest(SPACY_INPUTS)
    if not force and stamp.exists() and stamp.read_text() == wanted:
        return
    subprocess.run([sys.executable, "-m", "bot.nlp.build", str(SPACY_DIR)], cwd=ROOT, check=True)
    stamp.write_text(wanted)


def sentence_model_digest() -> str:
    """The digest of the sentence model the featurizer will load: config.yml's `model_path` for
    it, else what BATON_SENTENCE_MODEL names, else the packaged all-MiniLM-L6-v2. It is an input
    of the model like the files above, but it lies outside the repository."""
    import yaml

    from sentence_model.model_dir import locate, model_fingerprint
    from sentence_model.settings import SentenceModelSettings

    pipeline = yaml.safe_load((ROOT / "config.yml").read_text()).get("pipeline") or []
    # The featurizer's own rule (bot/components/sentence_featurizer.py resolve_model_dir), without
    # importing Rasa: this runs in both environments.
    named = next((c.get("model_path") for c in pipeline if str(c.get("name", "")).endswith(FEATURIZER)), None)
    return model_fingerprint(locate(named or SentenceModelSettings.from_env().bot_model))


def model_name() -> str:
    """baton-<hash of the model's inputs>: the files named above and the sentence model."""
    sha = hashlib.sha256(f"{digest(MODEL_INPUTS)}\0{sentence_model_digest()}".encode())
    return f"baton-{sha.hexdigest()[:16]}"


def train_rasa(force: bool) -> Path:
    name = model_name()
    model = MODELS_DIR / f"{name}.tar.gz"
    if force or not model.exists():
        MODELS_DIR.mkdir(parents=True, exist_ok=True)
        choice = calibrate(ROOT / "config.yml", bot_examples(ROOT / "bot" / "data"), VAR_DIR / "calibration" / name,
                           log=lambda line: print(line, file=sys.stderr, flush=True))
        choice.write(MODELS_DIR / f"{name}.fallback.json")
        config = MODELS_DIR / f"{name}.config.yml"
        config.write_text(yaml.safe_dump(with_choice(yaml.safe_load((ROOT / "config.yml").read_text()), choice),
                                         sort_keys=False))
        print(f"fallback threshold {choice.threshold:.2f}, ambiguity {choice.ambiguity_threshold:.2f} "
              f"(chosen: {', '.join(choice.chosen) or 'none, config.yml sets both'})", file=sys.stderr)
        rasa = Path(sys.executable).with_name("rasa")
        subprocess.run(
            [str(rasa), "train", "--data", "bot/data", "--config", str(config),
             "--domain", DOMAIN, "--out", str(MODELS_DIR),
             "--fixed-model-name", name, "--num-threads", "2"],
            cwd=ROOT,
            check=True,
        )
    CURRENT_MODEL.write_text(str(model))
    return model


def main(argv: list[str]) -> None:
    force = "--force" in argv
    build_spacy(force)
    print(train_rasa(force))


if __name__ == "__main__":
    main(sys.argv)
