#!/usr/bin/env python3
"""Probes a `versus serve` binary the way an outside tester would (issue 9) and prints figures.

    python3 scripts/abuse-probe.py [--bin target/debug/versus] [--storm-rounds 3]

Standard library only. Every server runs on a temporary database with the default
configuration (the built-in recorded set) unless a probe needs a setting of its own.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time


def start(binary, db, *extra, config=None, env=None):
    args = [binary, "serve", "--port", "0", "--log", "warn", "--db", db, *extra]
    if config:
        args += ["--config", config]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, **(env or {})})
    for line in proc.stderr:
        if line.startswith("versus: arena listening on http://"):
            host, port = line.strip().rsplit("/", 1)[1].split(":")
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, (host, int(port))
    raise SystemExit(f"server did not start: exit {proc.wait()}")


def request(addr, method, path, body=None, headers=None, timeout=10):
    conn = http.client.HTTPConnection(*addr, timeout=timeout)
    h = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    text = r.read().decode()
    conn.close()
    return r.status, text, r


def probe_made_up_cookies(binary, tmp):
    proc, addr = start(binary, os.path.join(tmp, "cookies.db"))
    accepted = 0
    for k in range(500):
        cookie = "%032x" % random.getrandbits(128)
        status, _, _ = request(addr, "POST", "/api/battles", {}, {"Cookie": f"versus_voter={cookie}"})
        accepted += status == 201
    proc.kill()
    print(f"500 battle creations, a fresh made-up cookie each: {accepted} accepted "
          f"(default battle_burst 10, ip_vote_burst 100)")


def probe_forwarded(binary, tmp):
    proc, addr = start(binary, os.path.join(tmp, "xff.db"), "--trusted-proxies", "1")
    accepted = 0
    for k in range(500):
        spoof = ".".join(str(random.randrange(1, 255)) for _ in range(4))
        cookie = "%032x" % random.getrandbits(128)
        status, _, _ = request(addr, "POST", "/api/battles", {},
                               {"X-Forwarded-For": f"{spoof}, 127.0.0.1", "Cookie": f"versus_voter={cookie}"})
        accepted += status == 201
    proc.kill()
    print(f"trusted_proxies = 1, 500 creations with X-Forwarded-For 'RANDOM, 127.0.0.1': {accepted} accepted")


def probe_cross_site(binary, tmp):
    proc, addr = start(binary, os.path.join(tmp, "csrf.db"))
    conn = http.client.HTTPConnection(*addr, timeout=10)
    conn.request("POST", "/api/battles", body="{}", headers={"Content-Type": "text/plain"})
    text_plain = conn.getresponse().status
    origin, _, _ = request(addr, "POST", "/api/battles", {}, {"Origin": "https://evil.example"})
    big, body, r = request(addr, "POST", "/api/battles", {"prompt": "x" * 2_000_000})
    proc.kill()
    print(f"cross-site text/plain POST: {text_plain}; JSON from another Origin: {origin}; "
          f"2 MB body: {big} {r.getheader('Content-Type')} {body}")


def probe_slow_headers(binary, tmp):
    proc, addr = start(binary, os.path.join(tmp, "slow.db"))
    socks = []
    for _ in range(50):
        s = socket.create_connection(addr)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        socks.append(s)
    started = time.monotonic()
    closed = []
    for s in socks:
        s.settimeout(max(0.1, 20 - (time.monotonic() - started)))
        try:
            while s.recv(4096):
                pass
            closed.append(time.monotonic() - started)
        except (socket.timeout, ConnectionResetError):
            if not isinstance(sys.exc_info()[1], socket.timeout):
                closed.append(time.monotonic() - started)
    proc.kill()
    print(f"50 slow-header connections: {len(closed)} closed, the last after {max(closed):.1f} s "
          f"(header_timeout_secs = 10)")


def probe_config(binary, tmp):
    cfg = os.path.join(tmp, "zero.toml")
    with open(cfg, "w") as f:
        f.write("[arena]\nip_votes_per_minute = 0\n")
    r = subprocess.run([binary, "serve", "--port", "0", "--db", os.path.join(tmp, "zero.db"), "--config", cfg],
                       capture_output=True, text=True, timeout=30)
    print(f"ip_votes_per_minute = 0: exit {r.returncode}: {r.stderr.strip()}")


def probe_second_server(binary, tmp):
    db = os.path.join(tmp, "shared.db")
    proc, _ = start(binary, db)
    r = subprocess.run([binary, "serve", "--port", "0", "--db", db], capture_output=True, text=True, timeout=30)
    proc.kill()
    print(f"second server on one SQLite file: exit {r.returncode}: {r.stderr.strip()}")


def probe_admin(binary, tmp):
    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(16)
    trap.settimeout(0.2)
    knocks = []

    def watch():
        while not stop.is_set():
            try:
                c, _ = trap.accept()
                knocks.append(1)
                c.close()
            except socket.timeout:
                pass

    stop = threading.Event()
    threading.Thread(target=watch, daemon=True).start()
    token = "probe-admin-token-123"
    proc, addr = start(binary, os.path.join(tmp, "admin.db"), env={"VERSUS_ADMIN_TOKEN": token})
    url = "http://127.0.0.1:%d/v1" % trap.getsockname()[1]
    codes = []
    for env in ["VERSUS_ADMIN_TOKEN", "PATH", "HOME"]:
        status, text, _ = request(addr, "POST", "/api/admin/models",
                                  {"name": "exfil-" + env, "backend": "openai", "base_url": url,
                                   "model": "x", "api_key_env": env},
                                  {"Authorization": f"Bearer {token}"})
        codes.append((env, status, json.loads(text)["error"]))
    for _ in range(5):
        request(addr, "POST", "/api/battles", {})
    time.sleep(0.5)
    stop.set()
    proc.kill()
    for env, status, error in codes:
        print(f"admin model with api_key_env = {env}: HTTP {status}: {error}")
    print(f"trap endpoint contacted {len(knocks)} times")


def storm_round(addr, clients, seconds, acked, lock):
    stop = time.monotonic() + seconds

    def voter(v):
        cookie = None
        while time.monotonic() < stop:
            try:
                headers = {"Cookie": cookie} if cookie else {}
                status, text, r = request(addr, "POST", "/api/battles", {"prompt_id": random.randrange(0, 805)}, headers)
                if status != 201:
                    continue
                if cookie is None and r.getheader("Set-Cookie"):
                    cookie = r.getheader("Set-Cookie").split(";")[0]
                    headers = {"Cookie": cookie}
                b = json.loads(text)
                while True:
                    _, t, _ = request(addr, "GET", f"/api/battles/{b['id']}", None, headers)
                    if json.loads(t).get("complete"):
                        break
                status, _, _ = request(addr, "POST", f"/api/battles/{b['id']}/vote",
                                       {"winner": random.choice(["model_a", "model_b", "tie", "both_bad"]),
                                        "vote_token": b["vote_token"]}, headers)
                if status == 200:
                    with lock:
                        acked.add(b["id"])
            except (OSError, http.client.HTTPException):
                return  # the server is gone

    threads = [threading.Thread(target=voter, args=(v,)) for v in range(clients)]
    for t in threads:
        t.start()
    return threads


def probe_storm(binary, tmp, rounds):
    db = os.path.join(tmp, "storm.db")
    cfg = os.path.join(tmp, "storm.toml")
    with open(cfg, "w") as f:
        f.write("[arena]\nstream_chunk_ms = 0\nvotes_per_minute = 1000000\nvote_burst = 1000000\n"
                "battles_per_minute = 1000000\nbattle_burst = 1000000\nip_votes_per_minute = 1000000\n"
                "ip_vote_burst = 1000000\n")
    acked, lock = set(), threading.Lock()
    for _ in range(rounds):
        proc, addr = start(binary, db, config=cfg)
        threads = storm_round(addr, 50, 60, acked, lock)
        time.sleep(3)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for t in threads:
            t.join()
    stored = {row[0] for row in sqlite3.connect(db).execute("SELECT battle_id FROM votes")}
    lost = acked - stored
    print(f"kill -9 storm, {rounds} rounds of 50 clients: {len(acked)} votes acknowledged, "
          f"{len(stored)} stored, {len(lost)} acknowledged votes lost")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default="target/debug/versus")
    p.add_argument("--storm-rounds", type=int, default=3)
    a = p.parse_args()
    random.seed(9)
    with tempfile.TemporaryDirectory() as tmp:
        probe_made_up_cookies(a.bin, tmp)
        probe_forwarded(a.bin, tmp)
        probe_cross_site(a.bin, tmp)
        probe_config(a.bin, tmp)
        probe_second_server(a.bin, tmp)
        probe_admin(a.bin, tmp)
        probe_slow_headers(a.bin, tmp)
        probe_storm(a.bin, tmp, a.storm_rounds)


if __name__ == "__main__":
    main()
