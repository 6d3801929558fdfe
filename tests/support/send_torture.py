"""Sends each RFC 4475 torture message to dialbridge over UDP and prints the status of the
first final response (or 'none'), one line per file: 'torture FILE STATUS'.

Responses go to the source IP and the top Via's port (RFC 3261 18.2.2; these messages
have no rport), so each message is sent from 127.0.0.2 bound to that port."""
import os
import re
import socket
import sys

torture_dir, server_port = sys.argv[1], int(sys.argv[2])
index = os.path.join(torture_dir, "INDEX.tsv")
with open(index, encoding="utf-8") as f:
    files = [line.split("\t")[1] for line in f.read().splitlines()[1:] if line.strip()]

for number, name in enumerate(files):
    with open(os.path.join(torture_dir, name), "rb") as f:
        data = f.read()
    # Several files reuse one branch (cparam01/cparam02, ...): sent within seconds, the
    # later ones are, correctly, retransmissions of the first. A per-file branch suffix
    # keeps each message its own transaction; nothing else in the bytes changes.
    data = data.replace(b"branch=z9hG4bK", b"branch=z9hG4bK%dx" % number, 1)
    via = re.search(rb"^(?:Via|v)\s*:\s*SIP\s*/\s*2\.0\s*/\s*UDP\s+(\[[^\]]*\]|[^\s;:]+)(?::(\d+))?",
                    data, re.IGNORECASE | re.MULTILINE)
    port = int(via.group(2)) if via and via.group(2) else 5060
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.2", port))
    sock.settimeout(0.4)
    sock.sendto(data, ("127.0.0.1", server_port))
    call_id = re.search(rb"^(?:Call-ID|i)\s*:\s*(\S+)", data, re.IGNORECASE | re.MULTILINE)
    status = "none"
    try:
        while True:
            reply, _ = sock.recvfrom(65535)
            first = reply.split(b"\r\n", 1)[0].decode("utf-8", "replace")
            parts = first.split(" ")
            # Only answers to this message count, not late retransmissions for an earlier one.
            if call_id is not None and call_id.group(1) not in reply:
                continue
            if first.startswith("SIP/2.0 ") and len(parts) > 1 and not parts[1].startswith("1"):
                status = parts[1]
                break
    except socket.timeout:
        pass
    sock.close()
    print(f"torture {name} {status}", flush=True)
