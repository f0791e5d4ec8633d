#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ftpd.py - an FTP server for kboot's tests (python3-pyftpdlib).

Serves --dir on 127.0.0.1, port 0 (the kernel picks one), to anonymous and
to the user "kboot" with the password "secret"; prints "PORT <n>" on stdout
once it listens.  Ends on SIGTERM or when stdin closes.

  --no-epsv   answer EPSV with 502, so the client must fall back to PASV
  --no-size   answer SIZE with 502 (no total for progress)
  --passive BASE,N   data ports BASE..BASE+N-1 (tests/lib/netservers.py forwards them)
  --masquerade ADDR  the address PASV announces (where a QEMU guest reaches us)
"""
import argparse
import logging
import os
import sys
import threading

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--no-epsv", action="store_true")
    p.add_argument("--no-size", action="store_true")
    p.add_argument("--passive")
    p.add_argument("--masquerade")
    args = p.parse_args()
    logging.basicConfig(level=logging.ERROR)

    auth = DummyAuthorizer()
    auth.add_user("kboot", "secret", args.dir, perm="elr")
    auth.add_anonymous(args.dir, perm="elr")

    class Handler(FTPHandler):
        def ftp_EPSV(self, line):
            if args.no_epsv:
                self.respond("502 EPSV not implemented here.")
            else:
                super().ftp_EPSV(line)

        def ftp_SIZE(self, path):
            if args.no_size:
                self.respond("502 SIZE not implemented here.")
            else:
                super().ftp_SIZE(path)

    Handler.authorizer = auth
    Handler.auth_failed_timeout = 0.1  # pyftpdlib waits 3 s before a 530
    Handler.banner = "kboot test server ready."
    if args.passive:
        base, n = (int(x) for x in args.passive.split(","))
        Handler.passive_ports = list(range(base, base + n))
    if args.masquerade:
        Handler.masquerade_address = args.masquerade
    server = FTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.address[1], flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
