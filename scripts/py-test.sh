#!/usr/bin/env bash
# The Python package's check (issue 13): builds the abi3 wheel with maturin, proves it imports
# in a fresh, empty virtualenv (no Python dependency at import), then installs it into the
# cached test virtualenv (pytest, pandas, pyarrow, polars; ${VERSUS_PY_VENV:-~/.cache/versus-py})
# and runs crates/py/tests against the CLI at ${VERSUS_BIN:-target/debug/versus}.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VERSUS_PY_VENV:-$HOME/.cache/versus-py}
if ! "$venv/bin/python" -c 'import maturin, pytest, pandas, pyarrow, polars' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q maturin pytest pandas pyarrow polars
fi
export VERSUS_BIN=${VERSUS_BIN:-$PWD/target/debug/versus}
[ -x "$VERSUS_BIN" ] || cargo build -q -p versus-cli
rm -rf target/wheels
"$venv/bin/maturin" build -q -m crates/py/Cargo.toml -o target/wheels
wheel=$(ls target/wheels/versus-*.whl)
echo "py-test: built $(basename "$wheel")"

fresh=target/py-fresh-venv
rm -rf "$fresh"
python3 -m venv "$fresh"
"$fresh/bin/pip" install -q --no-deps --no-index "$wheel"
(cd /tmp && "$OLDPWD/$fresh/bin/python" -c 'import versus; print("py-test: fresh venv imports versus", versus.__version__); print(versus.rank({"model_a": ["a", "b", "c", "a"], "model_b": ["b", "c", "a", "b"], "winner": ["model_a", "model_a", "model_a", "tie"]}))')

"$venv/bin/pip" install -q --force-reinstall --no-deps "$wheel"
cd crates/py && "$venv/bin/python" -m pytest -q tests
