"""HAProxy's configuration for the replicated stack (stack/replicas.py): one frontend on each of the
stack's ports, balancing over that process's replicas with health checks (decision 0165).

- Every backend is checked each second; a replica that fails three checks gets no new requests,
  one that passes two gets them again; a check waits 5 s for its answer, so a replica that is
  only busy stays in. A connection refused by a replica that just died is tried
  on another (`retries`, `option redispatch`): only a connection failure is retried, so no
  message is ever sent twice.
- WebSockets (the widget's socket.io, the agent console) pass as tunnels, up to `timeout tunnel`.
- Affinity only where socket.io's polling transport needs it: a polling session lives in one
  Rasa process (its engine.io sid), so its requests and its upgrade go to the replica that holds
  it, by cookie, else by the client's address (a cross-origin page sends no cookie without
  `withCredentials`). A websocket-first connection (the widget's) is one TCP connection and
  needs none: it is balanced by least connections like everything else.
- Rasa is checked on its socket.io channel's `GET /webhooks/socketio/`, 200 only once the model is
  loaded (bot/channels/socketio.py); the others on `GET /health`.
"""

from __future__ import annotations

import resource
import socket
from pathlib import Path

from stack.private_files import write_private
from stack.replicas import REPLICATED, Topology
from stack.settings import StackSettings

# Rasa: the socket.io channel's health route, which answers 503 until the model is loaded (Rasa's
# own `/` answers 200 before; `/status` needs the API token).
CHECK_PATHS = {"actions": "/health", "knowledge": "/health", "handoff": "/health", "rasa": "/webhooks/socketio/"}
SOCKETIO_PATH = "/socket.io/"
AFFINITY_COOKIE = "baton_rasa"
# A turn of Rasa's takes up to the load bench's 60 s turn timeout; a tunnel is an open WebSocket.
SERVER_TIMEOUT_S = 120
TUNNEL_TIMEOUT = "1h"
MAX_CONNECTIONS = 4000
FD_RESERVE = 200  # listeners, checks, logs


def max_connections() -> int:
    """HAProxy needs two file descriptors a connection and refuses to start when the limit is
    lower than its maxconn asks for: as many as the limit allows, at most MAX_CONNECTIONS."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    limit = MAX_CONNECTIONS if hard == resource.RLIM_INFINITY else (hard - FD_RESERVE) // 2
    return max(64, min(MAX_CONNECTIONS, limit))


def _servers(topology: Topology, process: str, host: str, cookie: bool) -> list[str]:
    return [f"    server {name} {host}:{port} check" + (f" cookie {name}" if cookie else "")
            for name, port in topology.of_process(process).items()]


def _backend(name: str, process: str, lines: list[str], topology: Topology, host: str, cookie: bool) -> list[str]:
    return [
        "",
        f"backend {name}",
        *lines,
        f"    option httpchk GET {CHECK_PATHS[process]}",
        "    http-check expect status 200",
        *_servers(topology, process, host, cookie),
    ]


def config_text(settings: StackSettings, topology: Topology) -> str:
    host = settings.host
    sections = [
        "global",
        f"    maxconn {max_connections()}",
        # The runtime API, for an operator (and bench.load) to take a replica out of service and
        # back: a unix socket in var/, 0600, never a port.
        f"    stats socket {runtime_socket(settings)} mode 600 level admin",
        # No request log: HAProxy's own warnings (a replica down, up again) go to stderr, which
        # supervisord writes to var/logs/haproxy.log.
        "",
        "defaults",
        "    mode http",
        "    option forwardfor",
        "    option redispatch",
        "    retries 2",
        "    timeout connect 3s",
        "    timeout http-request 15s",
        f"    timeout client {SERVER_TIMEOUT_S}s",
        f"    timeout server {SERVER_TIMEOUT_S}s",
        f"    timeout tunnel {TUNNEL_TIMEOUT}",
        # A check waits up to 5 s for its answer: a replica working flat out answers late but is
        # alive (with the default, one `inter`, every replica of a saturated Rasa was taken out
        # and HAProxy answered 503). A dead one refuses the connection at once: out after 3 s.
        "    timeout check 5s",
        "    default-server inter 1s fall 3 rise 2",
    ]
    for process in REPLICATED:
        port = getattr(settings, f"{process}_port")
        sections += ["", f"frontend {process}", f"    bind {host}:{port}"]
        if process == "rasa":
            sections += [
                f"    acl socketio path_beg {SOCKETIO_PATH}",
                "    acl polling url_param(transport) -m str polling",
                "    acl engine_session url_param(sid) -m found",
                "    use_backend rasa-polling if socketio polling || socketio engine_session",
            ]
        sections.append(f"    default_backend {process}")
        sections += _backend(process, process, ["    balance leastconn"], topology, host, cookie=False)
        if process == "rasa":
            sticky = ["    balance source", f"    cookie {AFFINITY_COOKIE} insert indirect nocache httponly"]
            sections += _backend("rasa-polling", process, sticky, topology, host, cookie=True)
    return "\n".join(sections) + "\n"


def runtime_socket(settings: StackSettings) -> Path:
    return settings.var_dir / "haproxy.sock"


def runtime(settings: StackSettings, command: str) -> str:
    """One command to HAProxy's runtime API (`disable server rasa/rasa-2`, `show stat`)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(runtime_socket(settings)))
        sock.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def set_in_service(settings: StackSettings, topology: Topology, process: str, count: int) -> None:
    """Serve `process` from its first `count` replicas only; the others stay running, out of service."""
    backends = [process, "rasa-polling"] if process == "rasa" else [process]
    for index, name in enumerate(topology.of_process(process)):
        verb = "enable" if index < count else "disable"
        for backend in backends:
            answer = runtime(settings, f"{verb} server {backend}/{name}").strip()
            if answer:
                raise RuntimeError(f"HAProxy refused to {verb} {backend}/{name}: {answer}")


def write_config(settings: StackSettings, topology: Topology) -> Path:
    path = settings.var_dir / "haproxy.cfg"
    write_private(path, config_text(settings, topology))
    return path
