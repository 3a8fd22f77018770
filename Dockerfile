# lingosum on the embedded default model (llama.cpp on the CPU).
#   docker build -t lingosum .
#   docker run -p 8000:8000 -e LINGOSUM_API_KEY=lsk_... lingosum   (it binds 0.0.0.0, so it needs a key)
# The build stage compiles llama-cpp-python and bakes the default GGUF in, verified by
# sha256; the runtime stage holds the virtualenv (the prompts are package data in it) and
# the model, and runs as an unprivileged user.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
# A portable x86-64 build (AVX2/FMA/F16C) rather than one tuned to the build host.
ENV CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --upgrade pip \
    && /opt/venv/bin/pip install --no-cache-dir .
ARG MODEL=qwen2.5-coder-1.5b-instruct-q4_k_m
RUN /opt/venv/bin/lingosum models pull "${MODEL}" --model-dir /models \
    && /opt/venv/bin/lingosum models verify "${MODEL}" --model-dir /models

FROM ${PYTHON_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 lingosum
COPY --from=build /opt/venv /opt/venv
COPY --from=build /models /models
ARG MODEL=qwen2.5-coder-1.5b-instruct-q4_k_m
ENV PATH=/opt/venv/bin:$PATH \
    LINGOSUM_MODEL_DIR=/models \
    LINGOSUM_SUMMARIZER_MODEL=${MODEL} \
    LINGOSUM_TRANSLATOR_MODEL=${MODEL} \
    LINGOSUM_HOST=0.0.0.0 \
    LINGOSUM_PORT=8000
USER lingosum
EXPOSE 8000
HEALTHCHECK --interval=30s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"
CMD ["lingosum", "serve"]
