# Shared by scripts/demo and scripts/test: use the active virtualenv, or make ./.venv.
if [[ -z "${VIRTUAL_ENV:-}" ]]; then
  if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
  fi
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi
# pip before 24 fails to resolve lxml[html_clean] next to lxml[html-clean] (justext, under
# trafilatura, and readability-lxml spell the extra differently): upgrade an older pip first
if ! python -c "import sys, pip; sys.exit(int(pip.__version__.split('.')[0]) < 24)" 2>/dev/null; then
  python -m pip install -q --upgrade pip
fi
# 0.2.0 renamed the distribution from claims to claims-registry (the name claims is taken
# on PyPI): an older editable install of this tree would register the plugin twice
if python -m pip show claims 2>/dev/null | grep -qx "Editable project location: $PWD"; then
  python -m pip uninstall -q -y claims
fi
