#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/lib/relay.py HOST PORT - copy stdin to a TCP connection to HOST:PORT
and that connection to stdout, until both directions have ended.

QEMU's `guestfwd=tcp:ADDR:PORT-cmd:COMMAND` runs COMMAND for each guest
connection with the connection on stdin, stdout and stderr; this is that
COMMAND, reaching a test server on 127.0.0.1 (tests/lib/netservers.py).
stderr is the guest's connection too, so nothing is ever printed: a failure
just closes the connection.  Python 3 standard library only (no socat or
netcat needed).
"""
import os
import select
import socket
import sys

CHUNK = 256 * 1024


def shut_stdout():
    """Half-close the guest side: shutdown() when stdout is a socket."""
    try:
        socket.socket(fileno=os.dup(1)).shutdown(socket.SHUT_WR)
    except OSError:
        pass
    os.close(1)


def main():
    sys.stderr = open(os.devnull, "w")
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
    sock.settimeout(None)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    src = {0: "in", sock.fileno(): "net"}  # the fds still being read
    while src:
        for fd in select.select(list(src), [], [])[0]:
            if src[fd] == "in":
                data = os.read(0, CHUNK)
                if data:
                    sock.sendall(data)
                else:
                    del src[fd]
                    sock.shutdown(socket.SHUT_WR)
            else:
                data = sock.recv(CHUNK)
                if not data:
                    del src[fd]
                    shut_stdout()
                    continue
                view = memoryview(data)
                while view:
                    view = view[os.write(1, view):]


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError, IndexError):
        sys.exit(1)
