"""Is the network there? One short connect per host before a live refresh, and the fallback archive.

A live refresh without a network used to spend minutes retrying every file before failing.
Instead, each distinct host behind the sources' URLs (or the mirror's host) gets one TCP
connect with a short timeout, all at once; a DNS failure, a refusal or a connect timeout marks
the host unreachable. Sources on unreachable hosts are then built from the fallback archive
(their recorded bytes are copied into `<warehouse>/raw/`, exactly as a live fetch would leave
them), or, without a fallback, the refresh stops at once with a paragraph saying what to do.
Faults once a fetch has started are still retried by `pipelines.fetch` as before.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipelines import archive
from pipelines.sources._base import Source

PROBE_TIMEOUT_S = 3.0
# Written next to the copied manifest so `aifootprint sources` can say where bytes came from.
ORIGIN_FILE = ".origin"


@dataclass(frozen=True)
class Host:
    name: str
    port: int

    def __str__(self) -> str:
        return f"{self.name}:{self.port}"


def host_of(url: str) -> Host | None:
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    # requests honours HTTP(S)_PROXY: then the proxy is the host that must answer.
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.hostname):
        proxy_parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if proxy_parts.hostname:
            return Host(proxy_parts.hostname, proxy_parts.port or 80)
    return Host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


def source_hosts(source: Source, mirror_url: str | None) -> set[Host]:
    urls = [mirror_url] if mirror_url else [f.url for f in source.files]
    return {h for h in map(host_of, urls) if h is not None}


def probe(host: Host, timeout_s: float = PROBE_TIMEOUT_S) -> str | None:
    """None when a TCP connection opens; otherwise why not, in a few words."""
    try:
        with socket.create_connection((host.name, host.port), timeout=timeout_s):
            return None
    except socket.gaierror:
        return "name does not resolve"
    except ConnectionRefusedError:
        return "connection refused"
    except TimeoutError:
        return f"no answer within {timeout_s:g} s"
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def unreachable_hosts(hosts: set[Host], timeout_s: float = PROBE_TIMEOUT_S) -> dict[Host, str]:
    """Probe every host at once; return the unreachable ones with the reason."""
    if not hosts:
        return {}
    ordered = sorted(hosts, key=str)
    with ThreadPoolExecutor(max_workers=min(16, len(ordered))) as pool:
        reasons = list(pool.map(lambda h: probe(h, timeout_s), ordered))
    return {host: reason for host, reason in zip(ordered, reasons, strict=True) if reason is not None}


@dataclass
class NetworkPlan:
    """Which live sources can be fetched, and which cannot (with the host that failed)."""

    unreachable: dict[Host, str]
    offline_sources: dict[str, Host]  # source id -> first unreachable host it needs
    live_sources: list[str]

    @property
    def all_offline(self) -> bool:
        return bool(self.offline_sources) and not self.live_sources


def plan(sources: list[Source], mirror_url: str | None, timeout_s: float = PROBE_TIMEOUT_S) -> NetworkPlan:
    fetched = [s for s in sources if not s.curated]
    hosts_by_source = {s.id: source_hosts(s, mirror_url) for s in fetched}
    unreachable = unreachable_hosts(set().union(*hosts_by_source.values()) if hosts_by_source else set(), timeout_s)
    offline, live = {}, []
    for source_id, hosts in hosts_by_source.items():
        down = sorted((h for h in hosts if h in unreachable), key=str)
        if down:
            offline[source_id] = down[0]
        else:
            live.append(source_id)
    return NetworkPlan(unreachable, offline, live)


def offline_paragraph(network: NetworkPlan) -> str:
    hosts = ", ".join(
        f"{host} ({reason})" for host, reason in sorted(network.unreachable.items(), key=lambda i: str(i[0]))
    )
    count = len(network.offline_sources)
    return (
        f"error: no network: {count} source(s) cannot be fetched because their hosts are unreachable: "
        f"{hosts}. Nothing was changed. To build the warehouse without a network, refresh from a raw "
        "archive (`aifootprint refresh --archive DIR`, e.g. `--archive ../shared/sources`), or let a live "
        "refresh fall back to one for unreachable sources (`--fallback-archive DIR` or "
        "AIFOOTPRINT_FALLBACK_ARCHIVE); to use the published data instead, fetch a release with "
        "`aifootprint download --from URL_OR_DIR --to DIR`."
    )


def copy_from_fallback(fallback_dir: Path, raw_dir: Path, source: Source) -> None:
    """Put a source's recorded files into `<warehouse>/raw/<id>/`, sha256-checked first.

    The previous snapshot is replaced only once every file has been verified and copied, so a
    bad archive leaves it as it was (the ArchiveError names the source and file).
    """
    recorded = archive.resolve_from_archive(fallback_dir, source)
    target = raw_dir / source.id
    raw_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=raw_dir, prefix=f".{source.id}-fallback-"))
    try:
        for raw_file in recorded.files.values():
            shutil.copyfile(raw_file.path, staging / raw_file.name)
        shutil.copyfile(Path(fallback_dir) / source.id / archive.MANIFEST, staging / archive.MANIFEST)
        (staging / ORIGIN_FILE).write_text("recorded: fallback archive\n", encoding="utf-8")
        target.mkdir(parents=True, exist_ok=True)
        for path in staging.iterdir():
            os.replace(path, target / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def mark_live(raw_dir: Path, source_id: str) -> None:
    (raw_dir / source_id / ORIGIN_FILE).unlink(missing_ok=True)


def origin_of(raw_dir: Path, source_id: str) -> str:
    marker = raw_dir / source_id / ORIGIN_FILE
    return marker.read_text(encoding="utf-8").strip() if marker.is_file() else "live"
