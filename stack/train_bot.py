"""Build the spaCy pipeline and train the Rasa model, each only when its inputs changed.

Runs in the bot environment (Python 3.10). The model is named by a hash of everything
that shapes it, so an unchanged bot is never retrained and a changed one always is.
Prints the model's path as the last line.

Usage: python -m stack.train_bot [--force]
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPACY_DIR = ROOT / "var" / "spacy" / "en_baton"
MODELS_DIR = ROOT / "var" / "models"
CURRENT_MODEL = MODELS_DIR / "current"

SPACY_INPUTS = ["bot/nlp"]
MODEL_INPUTS = ["config.yml", "domain.yml", "bot/data", "bot/nlp", "bot/components", "requirements/bot.lock"]


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


def train_rasa(force: bool) -> Path:
    name = f"baton-{digest(MODEL_INPUTS)}"
    model = MODELS_DIR / f"{name}.tar.gz"
    if force or not model.exists():
        MODELS_DIR.mkdir(parents=True, exist_ok=True)
        rasa = Path(sys.executable).with_name("rasa")
        subprocess.run(
            [str(rasa), "train", "--data", "bot/data", "--config", "config.yml",
             "--domain", "domain.yml", "--out", str(MODELS_DIR),
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
