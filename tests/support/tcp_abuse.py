"""Abuses dialbridge's SIP TCP listener the way a careless or hostile peer would and prints
what happened, one 'NAME VALUE' line each:

  held N        how many of 80 connections from one address stayed open (the per-address
                limit should close the rest at once)
  oversized X   'closed' if a connection that sent a header block over the size limit was
                closed by the server, 'open' if it stayed usable
"""
import socket
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])

conns = []
for _ in range(80):
    s = socket.create_connection((host, port), timeout=2)
    conns.append(s)
time.sleep(0.5)
held = 0
for s in conns:
    s.setblocking(False)
    try:
        data = s.recv(1)
        if data:
            held += 1  # unexpected data, but open
    except BlockingIOError:
        held += 1  # nothing to read and not closed: still open
    except OSError:
        pass
for s in conns:
    s.close()
print(f"held {held}", flush=True)

time.sleep(0.3)
s = socket.create_connection((host, port), timeout=2)
s.sendall(b"OPTIONS sip:x@" + host.encode() + b" SIP/2.0\r\nX-Filler: " + b"a" * 100_000)
s.settimeout(2)
state = "open"
try:
    while True:
        chunk = s.recv(4096)
        if not chunk:
            state = "closed"
            break
except (ConnectionResetError, BrokenPipeError):
    state = "closed"
except socket.timeout:
    state = "open"
print(f"oversized {state}", flush=True)
