"""--replicas N: the supervisord programs, their ports and commands (stack/replicas.py), HAProxy's
configuration (stack/haproxy.py, checked by HAProxy itself), and the preflight's messages. The
replicated stack running is tests/e2e/test_replicas.py."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from stack import haproxy, preflight
from stack.procfile import processes
from stack.replicas import Topology, process_of
from stack.run import parse
from stack.settings import StackSettings
from stack.supervisor import Layout, config_text


def settings_with(tmp_path: Path, **env: str) -> StackSettings:
    return StackSettings.from_env({"BATON_VAR": str(tmp_path), **env})


def test_one_replica_is_the_procfile_as_it_is(tmp_path: Path) -> None:
    topology = Topology.of(settings_with(tmp_path))
    assert not topology.balanced and topology.ports == {}
    assert topology.programs(["redis", "rasa"]) == ["redis", "rasa"]
    assert topology.commands() == processes()


def test_replicas_get_their_own_ports_and_haproxy_the_usual_ones(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, BATON_REPLICAS="3", BATON_REPLICA_PORT_BASE="21000")
    topology = Topology.of(settings)
    assert topology.programs(["redis", "actions", "rasa"]) == [
        "redis", "actions-1", "actions-2", "actions-3", "rasa-1", "rasa-2", "rasa-3", "haproxy"]
    assert len(set(topology.ports.values())) == 12 and min(topology.ports.values()) == 21000
    assert settings.rasa_port not in topology.ports.values()
    commands = topology.commands("/tmp/haproxy.cfg")
    assert commands["rasa-2"] == f"export RASA_PORT={topology.ports['rasa-2']}; {processes()['rasa']}"
    assert commands["redis"] == processes()["redis"]
    # Each handoff replica is its own consumer in the stream's group.
    assert "HANDOFF_CONSUMER_NAME=" in commands["handoff-1"] and commands["handoff-1"] != commands["handoff-2"]
    assert commands["haproxy"] == "exec haproxy -W -db -f /tmp/haproxy.cfg"
    assert process_of("rasa-3") == "rasa" and process_of("haproxy") == "haproxy"
    # Replicas start with their process's priority.
    text = config_text(Layout(tmp_path), commands, topology.programs(["redis", "rasa"]))
    assert text.count("priority=50") == 3 and "priority=15" in text


def test_replicas_are_bounded() -> None:
    with pytest.raises(SystemExit):
        parse(["model.tar.gz", "--replicas", "9"])
    assert parse(["model.tar.gz", "--replicas", "2"]).replicas == 2
    assert parse(["model.tar.gz"]).replicas is None
    with pytest.raises(ValueError, match="BATON_REPLICAS"):
        StackSettings.from_env({"BATON_REPLICAS": "0"})


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed (apt-get install haproxy)")
def test_haproxy_accepts_the_configuration(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, BATON_REPLICAS="2")
    path = haproxy.write_config(settings, Topology.of(settings))
    assert path.stat().st_mode & 0o777 == 0o600
    checked = subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = path.read_text()
    for process, port in (("rasa", 5005), ("actions", 5055), ("knowledge", 8001), ("handoff", 8002)):
        assert f"frontend {process}\n    bind 127.0.0.1:{port}" in text
    assert text.count(" check\n") + text.count(" check cookie") == 10 and "timeout tunnel" in text
    assert "timeout check 5s" in text and "fall 3" in text
    # The affinity cookie only in the backend socket.io's polling transport is sent to.
    sticky = text.split("\nbackend rasa-polling\n")[1]
    assert "cookie baton_rasa insert" in sticky and text.count("cookie baton_rasa") == 1
    assert "use_backend rasa-polling if socketio polling || socketio engine_session" in text


def test_the_preflight_says_how_to_install_haproxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing is found
    settings = settings_with(tmp_path, BATON_REPLICAS="2", REDIS_URL="redis://127.0.0.1:1/0")
    with pytest.raises(preflight.PreflightError, match=r"apt-get install haproxy"):
        preflight.check(settings, ["rasa"], Topology.of(settings))
    # Without --replicas HAProxy is not needed.
    single = dataclasses.replace(settings, replicas=1, rasa_port=0)
    preflight.check(single, ["rasa"], Topology.of(single))


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed (apt-get install haproxy)")
def test_a_replica_is_taken_out_of_service_and_back_through_the_runtime_api(tmp_path: Path) -> None:
    from tests.conftest import free_port, free_port_block

    ports = {f"{name}_port": free_port() for name in ("rasa", "actions", "knowledge", "handoff")}
    settings = dataclasses.replace(settings_with(tmp_path, BATON_REPLICAS="2"), **ports,
                                   replica_port_base=free_port_block(32))
    topology = Topology.of(settings)
    proxy = subprocess.Popen(["haproxy", "-db", "-f", str(haproxy.write_config(settings, topology))],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if haproxy.runtime_socket(settings).exists():
                break
            time.sleep(0.05)
        assert haproxy.runtime_socket(settings).stat().st_mode & 0o777 == 0o600

        def disabled() -> set[str]:
            # `show servers state`: srv_admin_state (column 7) has bit 0x01 for "disabled by an operator".
            lines = haproxy.runtime(settings, "show servers state").splitlines()[2:]
            return {f"{cols[1]}/{cols[3]}" for cols in (line.split() for line in lines if line.strip())
                    if int(cols[6]) & 1}

        haproxy.set_in_service(settings, topology, "rasa", 1)
        assert disabled() == {"rasa/rasa-2", "rasa-polling/rasa-2"}
        haproxy.set_in_service(settings, topology, "rasa", 2)
        assert disabled() == set()
    finally:
        proxy.kill()
        proxy.wait()
