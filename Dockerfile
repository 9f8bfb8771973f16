# supportmatch: CPU-only image, installed with pip, run as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    API_HOST=0.0.0.0 \
    API_PORT=8000 \
    POLICIES_DATABASE_URL=sqlite:////data/supportmatch.db \
    MATCHING_SNAPSHOT_DIR=/data/snapshots

WORKDIR /app

# The CPU build of torch first, from PyTorch's CPU index, so that resolving
# sentence-transformers does not pull the multi-gigabyte CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

COPY pyproject.toml README.md ./
COPY api ./api
COPY matching ./matching
COPY policies ./policies
COPY migrations ./migrations
RUN pip install .

RUN useradd --create-home --uid 10001 supportmatch \
    && mkdir -p /data && chown supportmatch /data
USER supportmatch
# /data keeps the database, the compiled snapshots and the encoder's ONNX export across containers:
# a new container then starts in seconds, without compiling or importing torch.
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"

CMD ["supportmatch", "serve"]
