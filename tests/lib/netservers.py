# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/lib/netservers.py - host-side servers for the QEMU network tests
and tools/bench-net, and the QEMU options that let the guest reach them.

Every server listens on 127.0.0.1 (an ephemeral port) and nowhere else.
QEMU runs `-netdev user,restrict=on`, so the guest reaches only what is
forwarded: guestfwd() makes `guestfwd=tcp:10.0.2.100:PORT-cmd:relay.py
127.0.0.1 PORT` for a server, one relay process per guest connection
(tests/lib/relay.py).  The guest port is the host port unless a server is
given guest_port=.  TFTP is QEMU's own server (tftp_opts()), at 10.0.2.2.

    with HttpServer(d, faults={"/big": "slow"}) as h, FtpServer(d) as f:
        opts = net_opts(h, f, tftp_dir=d)  # for tools/qemu --net-opts
        ... guest: wget http://10.0.2.100:%d/file % h.guest_port ...

HttpServer: http.server, threaded, serving a directory; a missing file is
a 404.  Fault modes, for the whole server (fault=) or per path (faults=,
the request path without its query):
    "stall"  read the request, never answer (until stop())
    "slow"   send the file at `rate` bytes/s (default 64 KiB/s)
    "404"    answer 404 even though the file exists
FtpServer: pyftpdlib (tests/unit/fetch/ftpd.py, a child process run by
/usr/bin/python3), anonymous, read-only, on a directory.  PASV announces 10.0.2.100 and one of
PASV_PORTS consecutive ports picked at start (the same numbers on the host
and in the guest); its guestfwds() forward each of them too.

Start/stop with `with`, or start() and stop().  Not done here: HTTPS,
uploads, NFS.  Python 3 standard library, plus python3-pyftpdlib for FTP.
"""
import http.server
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

GUEST_ADDR = "10.0.2.100"  # where the guest finds the forwarded servers
TFTP_ADDR = "10.0.2.2"     # QEMU's own TFTP server (and DHCP's siaddr)
RELAY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "relay.py")
PASV_PORTS = 4             # passive data ports per FTP server


def guestfwd(guest_port, host_port, guest_addr=GUEST_ADDR):
    """The netdev option forwarding guest_addr:guest_port to 127.0.0.1:host_port."""
    cmd = "%s -S %s 127.0.0.1 %d" % (sys.executable, RELAY, host_port)  # -S: starts faster
    if "," in cmd:  # QEMU would read a comma as the next option
        raise ValueError("a comma in the relay command: %s" % cmd)
    return "guestfwd=tcp:%s:%d-cmd:%s" % (guest_addr, guest_port, cmd)


def tftp_opts(tftp_dir, bootfile=None):
    """QEMU's TFTP server on tftp_dir (read-only), optionally a DHCP bootfile."""
    opts = ["tftp=" + tftp_dir]
    if bootfile:
        opts.append("bootfile=" + bootfile)
    return ",".join(opts)


def net_opts(*servers, tftp_dir=None, bootfile=None):
    """One string for `tools/qemu --net-opts`: every server's guestfwd=, TFTP."""
    opts = [o for s in servers for o in s.guestfwds()]
    if tftp_dir:
        opts.append(tftp_opts(tftp_dir, bootfile))
    return ",".join(opts)


class _Server:
    """start()/stop() and `with` for the servers below."""

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def guestfwds(self):
        return [guestfwd(self.guest_port, self.port)]

    def host_url(self, path):
        """The URL of path for a client on this host (tests of the daemon)."""
        return "%s://127.0.0.1:%d/%s" % (self.SCHEME, self.port, path.lstrip("/"))


# ---- HTTP ----

class _Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, Content-Length on every answer

    def log_message(self, fmt, *args):
        pass

    def fault(self):
        owner = self.server.owner
        path = urllib.parse.urlsplit(self.path).path
        return owner.faults.get(path, owner.fault)

    def do_GET(self):
        self.send_faulty(True)

    def do_HEAD(self):
        self.send_faulty(False)

    def send_faulty(self, body):
        mode = self.fault()
        owner = self.server.owner
        if mode == "stall":
            owner.stopping.wait()
            self.close_connection = True
            return
        if mode == "404":
            self.send_error(404)
            return
        if mode is None and body:
            super().do_GET()
            return
        if mode is None:
            super().do_HEAD()
            return
        # "slow": the file, at owner.rate bytes per second.
        f = self.send_head()
        if not f:
            return
        with f:
            if not body:
                return
            step = max(1, owner.rate // 20)
            t0 = time.monotonic()
            sent = 0
            while not owner.stopping.is_set():
                data = f.read(step)
                if not data:
                    break
                try:
                    self.wfile.write(data)
                except OSError:  # the client gave up (a cancel test)
                    break
                sent += len(data)
                delay = t0 + sent / owner.rate - time.monotonic()
                if delay > 0:
                    owner.stopping.wait(delay)
        self.close_connection = True


class _QuietHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that hangs up is no error here (cancel tests do that)."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class HttpServer(_Server):
    """http.server on 127.0.0.1 serving root; see the module comment for faults."""

    SCHEME = "http"

    def __init__(self, root, fault=None, faults=None, rate=64 * 1024, guest_port=None):
        for m in [fault] + list((faults or {}).values()):
            if m not in (None, "stall", "slow", "404"):
                raise ValueError("unknown fault mode %r" % m)
        self.root = root
        self.fault = fault              # the mode of every path not in faults
        self.faults = dict(faults or {})  # "/path" -> mode
        self.rate = rate                # bytes/s for "slow"
        self.stopping = threading.Event()  # releases stalled and slow answers
        self.port = None                # the host port, once started
        self._guest_port = guest_port
        self._httpd = None
        self._thread = None

    @property
    def guest_port(self):
        return self._guest_port or self.port

    def url(self, path):
        """The URL of path as the guest sees it."""
        return "http://%s:%d/%s" % (GUEST_ADDR, self.guest_port, path.lstrip("/"))

    def start(self):
        root = self.root

        class Handler(_Handler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=root, **kw)

        self._httpd = _QuietHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if not self._httpd:
            return
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
        self._httpd = None


# ---- FTP ----
# pyftpdlib is Debian's python3-pyftpdlib, for /usr/bin/python3; the tests
# may run under another python3 (pyenv, a venv) that cannot load it and its
# OpenSSL binding.  So the server is a child process, the unit tests' own
# tests/unit/fetch/ftpd.py run by /usr/bin/python3, which also makes stop()
# simple.

FTP_PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
FTPD = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "unit", "fetch",
                    "ftpd.py")


def _free_port_range(n):
    """n consecutive ports free on 127.0.0.1 now (checked by binding them)."""
    for _ in range(200):
        base = random.randrange(20000, 32000)  # below Linux's ephemeral range
        socks = []
        try:
            for p in range(base, base + n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base
        except OSError:
            pass
        finally:
            for s in socks:
                s.close()
    raise OSError("no %d free consecutive ports on 127.0.0.1" % n)


class FtpServer(_Server):
    """pyftpdlib on 127.0.0.1 (a child process): anonymous, read-only, serving root.
    host=True: for clients on this host, PASV announces 127.0.0.1."""

    SCHEME = "ftp"

    def __init__(self, root, guest_port=None, pasv_ports=PASV_PORTS, host=False):
        self.root = root
        self.masquerade = "127.0.0.1" if host else GUEST_ADDR
        self.port = None                # the control port on the host, once started
        self.pasv = []                  # the passive data ports (host = guest)
        self._guest_port = guest_port
        self._npasv = pasv_ports
        self._proc = None

    @property
    def guest_port(self):
        return self._guest_port or self.port

    def url(self, path):
        return "ftp://%s:%d/%s" % (GUEST_ADDR, self.guest_port, path.lstrip("/"))

    def guestfwds(self):
        return [guestfwd(self.guest_port, self.port)] + [guestfwd(p, p) for p in self.pasv]

    def start(self):
        base = _free_port_range(self._npasv)
        self._proc = subprocess.Popen(
            [FTP_PYTHON, FTPD, "--dir", self.root, "--passive", "%d,%d" % (base, self._npasv),
             "--masquerade", self.masquerade], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self._proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            self.stop()
            raise RuntimeError("netservers: the FTP server did not start")
        self.port = int(line[1])
        self.pasv = list(range(base, base + self._npasv))
        return self

    def stop(self):
        if not self._proc:
            return
        self._proc.stdin.close()  # the child ends when its stdin closes
        try:
            self._proc.wait(5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc.stdout.close()
        self._proc = None


# ---- by hand: python3 tests/lib/netservers.py [DIR] ----

def main():
    """Serve DIR over HTTP and FTP (and QEMU's TFTP); print the --net-opts
    for tools/qemu; stop on Enter."""
    d = sys.argv[1] if len(sys.argv) > 1 else "."

    with HttpServer(d) as h, FtpServer(d) as f:
        print("http  127.0.0.1:%d  guest %s" % (h.port, h.url("")))
        print("ftp   127.0.0.1:%d  guest %s  passive %s" % (f.port, f.url(""), f.pasv))
        print("tools/qemu --net-opts '%s'" % net_opts(h, f, tftp_dir=os.path.abspath(d)))
        try:
            sys.stdin.readline()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
