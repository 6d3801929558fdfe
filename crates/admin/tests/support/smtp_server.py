"""A real SMTP server for dialbridge's mail tests (aiosmtpd, Debian's python3-aiosmtpd).

Listens on 127.0.0.1, prints "READY <port>" once it accepts connections, saves every message
it accepts as <maildir>/<n>.eml (and the envelope as <n>.json), and stops when its standard
input closes, so it never outlives the test that started it.

  --port N            0 picks a free port
  --mode M            plain | starttls (STARTTLS required) | tls (implicit TLS)
  --cert/--key        PEM files for starttls and tls
  --user/--password   require AUTH (PLAIN or LOGIN) with these
  --reject ADDR       answer RCPT TO:<ADDR> with 550 (repeatable)
"""

import argparse
import json
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class SaveHandler:
    def __init__(self, maildir, rejected):
        self.maildir = maildir
        self.rejected = {a.lower() for a in rejected}
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.maildir, str(self.count))
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}
        # Written under a temporary name and renamed, so a test polling the directory never
        # reads half a message.
        for suffix, data in ((".json", json.dumps(meta).encode()), (".eml", envelope.original_content)):
            with open(base + suffix + ".tmp", "wb") as f:
                f.write(data)
            os.rename(base + suffix + ".tmp", base + suffix)
        return "250 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False)

    return check


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--maildir", required=True)
    p.add_argument("--mode", choices=["plain", "starttls", "tls"], default="plain")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--reject", action="append", default=[])
    a = p.parse_args()

    smtp_kwargs = {}
    ssl_context = None
    if a.mode != "plain":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        if a.mode == "starttls":
            smtp_kwargs.update(tls_context=ctx, require_starttls=True)
        else:
            ssl_context = ctx
    if a.user is not None:
        smtp_kwargs.update(
            authenticator=authenticator(a.user, a.password or ""),
            auth_required=True,
            # aiosmtpd only counts STARTTLS as TLS; under implicit TLS the whole connection
            # is encrypted, so AUTH may be offered there too.
            auth_require_tls=a.mode != "tls",
        )

    port = a.port or free_port()
    controller = Controller(
        SaveHandler(a.maildir, a.reject),
        hostname="127.0.0.1",
        port=port,
        ssl_context=ssl_context,
        server_hostname="smtp.test",
        **smtp_kwargs,
    )
    controller.start()
    print("READY %d" % port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
