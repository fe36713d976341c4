# Clinic Hub: one image for the hub instances and the one-shot `migrate` job.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HUB_HOST=0.0.0.0 \
    HUB_PORT=8080 \
    HUB_DATA_DIR=/var/lib/clinic-hub

RUN groupadd --system --gid 10001 hub \
    && useradd --system --uid 10001 --gid hub --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin hub

WORKDIR /src
COPY pyproject.toml setup.cfg README.md ./
COPY hub ./hub
COPY web_client ./web_client
# The hub serves web_client/ from beside its package (hub/http/webclient.py), so it goes
# next to the installed package in site-packages.
RUN pip install . \
    && site="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
    && cp -r web_client "$site/web_client" \
    && cd / && rm -rf /src \
    && install -d -o hub -g hub -m 0750 /var/lib/clinic-hub

WORKDIR /var/lib/clinic-hub
USER hub
EXPOSE 8080

# No curl in slim images: ask /healthz with the standard library.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)"]

CMD ["clinic-hub", "serve", "--host", "0.0.0.0", "--port", "8080"]
