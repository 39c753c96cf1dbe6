"""The `local` backend: llama.cpp's own OpenAI-compatible server, in this process, on 127.0.0.1.

`llm.local.model_path` names a GGUF file. `LocalServer.start` checks the file and the
free memory, starts `xllamacpp.Server` on an ephemeral loopback port, and the gateway
then talks to it like to any endpoint: the same cache, cassettes, retries, structured
output (llama.cpp turns the JSON schema into a grammar) and logprobs. The model is
named `<file>@sha256:<hash>` and costs 0. `xllamacpp` and `psutil` are the optional
extra `auditor[local]`, imported only when a local model is started.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from auditor.errors import UserError
from auditor.llm.modelfile import check_gguf, model_name
from auditor.llm.settings import LLMSettings, LocalSettings, Price

log = logging.getLogger("auditor.llm")

WHERE = "llm.local.model_path"
# Beyond the weights (mapped from the file): the KV cache, compute buffers and the server.
OVERHEAD_BYTES = 256 << 20
KV_BYTES_PER_TOKEN = 64 << 10  # generous for the small models this runs on a CPU
# Stands in for the server's address in cache keys: the port changes every run.
CACHE_ENDPOINT = "llama.cpp:local"
_INSTALL_HINT = "the local backend needs the optional extra: pip install 'auditor[local]'"


def resolve(settings: LLMSettings) -> LLMSettings:
    """Settings with the model named by its file and hash, free, and at most `parallel` in flight."""
    local = settings.local
    assert local is not None
    path = Path(local.model_path).expanduser()
    check_gguf(path, WHERE)
    name = model_name(path)
    return settings.model_copy(
        update={
            "model": name,
            "api_key_env": None,
            "prices": {**settings.prices, name: Price(input_per_mtok=0.0, output_per_mtok=0.0)},
            "max_in_flight": min(settings.max_in_flight, local.parallel),
        }
    )


class LocalServer:
    """A running llama.cpp server; `stop()` ends it (the gateway does when it closes)."""

    def __init__(self, server: Any, base_url: str) -> None:
        self._server: Any = server
        self.base_url = base_url

    @classmethod
    def start(cls, local: LocalSettings, name: str) -> LocalServer:
        path = Path(local.model_path).expanduser()
        check_gguf(path, WHERE)
        check_memory(path, local)
        try:
            import xllamacpp
        except ImportError:
            raise UserError(_INSTALL_HINT) from None
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.model_alias = {name}  # replies name the model as requests do
        params.n_ctx = local.context * local.parallel  # llama.cpp splits it into slots
        params.n_parallel = local.parallel
        params.cpuparams.n_threads = local.threads
        params.cpuparams_batch.n_threads = local.threads
        params.port = 0  # an ephemeral port: several runs may serve at once
        params.hostnames = ["127.0.0.1"]
        params.verbosity = 0
        try:
            server = xllamacpp.Server(params)
        except RuntimeError as exc:
            raise UserError(f"{WHERE}: llama.cpp could not load {path}: {exc}") from None
        base_url = f"{str(server.listening_address).rstrip('/')}/v1"
        log.info("serving %s with llama.cpp at %s", path.name, base_url)
        return cls(server, base_url)

    def stop(self) -> None:
        """Stop the server (its destructor joins llama.cpp's loop) and free the model."""
        self._server = None


def check_memory(path: Path, local: LocalSettings) -> None:
    """UserError in one line when the model plainly does not fit in the available memory."""
    try:
        import psutil
    except ImportError:
        raise UserError(_INSTALL_HINT) from None
    needed = path.stat().st_size + OVERHEAD_BYTES + KV_BYTES_PER_TOKEN * local.context * local.parallel
    available = int(psutil.virtual_memory().available)
    if needed > available:
        raise UserError(
            f"{WHERE}: {path.name} needs about {needed / 2**30:.1f} GiB of memory with context "
            f"{local.context} x parallel {local.parallel}, but {available / 2**30:.1f} GiB is available"
        )
