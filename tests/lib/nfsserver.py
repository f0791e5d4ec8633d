#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/lib/nfsserver.py - a real NFS server for the network-boot tests.

NfsServer(export_dir) runs NFS-Ganesha (Debian's nfs-ganesha and
nfs-ganesha-vfs; tools/install-deps build) in user space, exporting
export_dir read-only as NFSv4 (4.0, 4.1, 4.2) on ONE TCP port of
127.0.0.1.  Nothing of the host's configuration is used or changed: the
config, pid file, log and NFSv4 recovery directory live in a private
temporary directory that stop() removes.  No kernel nfsd, no mountd, no
rpcbind, no lock manager, no UDP: NFSv4 needs one TCP connection and
nothing else, which is what a guest behind QEMU's restrict=on user network
can be given through a single guestfwd.

    with NfsServer("/some/dir") as nfs:
        qemu ... -netdev user,id=n0,restrict=on,<nfs.guestfwd()> ...
        # in the guest (the kernel's text options; busybox mount and
        # kboot's daemon pass them to mount(2) as they are):
        mount -t nfs -o <MOUNT_OPTIONS> 10.0.2.100:/export /mnt

Attributes once started: host ("127.0.0.1"), port (the NFS TCP port),
ports ({"nfs": port}: every port the guest must reach), export (the
NFSv4 path the guest mounts, "/export" by default), log (Ganesha's log).

Not done: NFSv3 (it would need mountd's port and rpcbind-free mount
options), Kerberos, locking.  Ganesha still tries to register with an
rpcbind (harmless: none runs here; had one run on the host, NFS v4 would
be listed there until stop()).

As a script:
    nfsserver.py DIR [--port N]   serve DIR until Ctrl-C, print how to boot
(the guest reaches it through tests/lib/relay.py, as netservers.guestfwd() says)
"""
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import netservers

GANESHA = "/usr/bin/ganesha.nfsd"
# Where the guest reaches the server (QEMU user network's guestfwd).
GUEST_ADDR = "10.0.2.100"
GUEST_PORT = 2049
# Mount options that work from Debian's 6.1 guest kernel through the
# guestfwd: NFSv4.2 over the one forwarded TCP connection, read-only, and
# soft with a short timeout so a dead server gives EIO instead of a hang.
MOUNT_OPTIONS = "ro,vers=4.2,soft,timeo=50,retrans=2"

CONFIG = """\
# Written by tests/lib/nfsserver.py for one test run.
NFS_CORE_PARAM {{
	Protocols = 4;
	NFS_Port = {port};
	Bind_Addr = 127.0.0.1;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Enable_UDP = false;
}}
NFSV4 {{
	# No 90 s grace period after start: the guest opens files at once.
	Graceless = true;
	RecoveryRoot = "{tmp}/recovery";
	# Owners as numbers, as the kernel client expects without idmapd.
	Only_Numeric_Owners = true;
}}
NFS_KRB5 {{
	Active_krb5 = false;
}}
EXPORT {{
	Export_Id = 1;
	Path = "{path}";
	Pseudo = "{pseudo}";
	Protocols = 4;
	Transports = TCP;
	Access_Type = RO;
	Squash = No_Root_Squash;
	SecType = sys;
	FSAL {{
		Name = VFS;
	}}
}}
LOG {{
	Default_Log_Level = EVENT;
}}
"""


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NfsServer:
    """One Ganesha serving export_dir read-only on 127.0.0.1:port (0: any free
    port).  start() returns once the port answers; stop() ends the process and
    removes every file it made.  Also a context manager."""

    host = "127.0.0.1"

    def __init__(self, export_dir, port=0, pseudo="/export"):
        self.export_dir = os.path.abspath(export_dir)
        self.want_port = port
        self.export = pseudo
        self.port = None
        self.ports = {}
        self.proc = None
        self.tmp = None
        self.log = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=30):
        if not os.path.exists(GANESHA):
            raise RuntimeError("%s is missing: tools/install-deps build installs "
                               "nfs-ganesha and nfs-ganesha-vfs" % GANESHA)
        if not os.path.isdir(self.export_dir):
            raise RuntimeError("not a directory: %s" % self.export_dir)
        # A port picked free can be taken before Ganesha binds it: try again.
        for attempt in range(3):
            try:
                self._start_once(self.want_port or free_port(), timeout)
                return
            except RuntimeError:
                self.stop()
                if self.want_port or attempt == 2:
                    raise

    def _start_once(self, port, timeout):
        self.tmp = tempfile.mkdtemp(prefix="kboot-nfs-")
        os.mkdir(os.path.join(self.tmp, "recovery"))
        conf = os.path.join(self.tmp, "ganesha.conf")
        with open(conf, "w") as f:
            f.write(CONFIG.format(port=port, tmp=self.tmp, path=self.export_dir,
                                  pseudo=self.export))
        self.log = os.path.join(self.tmp, "ganesha.log")
        # Its own session, so stop() can end it and anything it forked.
        self.proc = subprocess.Popen(
            [GANESHA, "-F", "-f", conf, "-L", self.log, "-p", os.path.join(self.tmp, "pid"),
             "-N", "NIV_EVENT"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            cwd=self.tmp, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("ganesha.nfsd exited (status %s):\n%s" % (
                    self.proc.returncode, self.log_tail()))
            # Listening is not enough: Ganesha binds before its exports are
            # loaded.  "NFS SERVER INITIALIZED" is its own word that it serves.
            if "NFS SERVER INITIALIZED" in self.log_tail(100000) and self._answers(port):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("ganesha.nfsd did not start in %d s:\n%s" % (
                    timeout, self.log_tail()))
            time.sleep(0.1)
        self.port = port
        self.ports = {"nfs": port}

    def _answers(self, port):
        try:
            with socket.create_connection((self.host, port), timeout=1):
                return True
        except OSError:
            return False

    def log_tail(self, n=3000):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-n:]
        except (OSError, TypeError):
            return ""

    def stop(self):
        """End Ganesha (SIGTERM, then SIGKILL) and remove its files.  Safe to
        call twice, or after a failed start()."""
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
            self.proc = None
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        self.port = None
        self.ports = {}

    def guestfwd(self, addr=GUEST_ADDR, port=GUEST_PORT):
        """The -netdev user option that forwards the guest's addr:port here."""
        return netservers.guestfwd(port, self.port, addr)

    def listening(self):
        """Local addresses (hex, as /proc/net/tcp* writes them) listening on port."""
        found = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                for line in f.readlines()[1:]:
                    local, state = line.split()[1], line.split()[3]
                    a, p = local.split(":")
                    if int(p, 16) == self.port and state == "0A":
                        found.append(a)
        return found

    def source(self, addr=GUEST_ADDR):
        """What the guest mounts: "10.0.2.100:/export"."""
        return "%s:%s" % (addr, self.export)


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        sys.exit(__doc__)
    port = 0
    if len(args) == 3 and args[1] == "--port":
        port = int(args[2])
    elif len(args) != 1:
        sys.exit(__doc__)
    srv = NfsServer(args[0], port=port)
    srv.start()
    try:
        print("NFSv4 server on %s:%d exporting %s read-only as %s (log %s)" % (
            srv.host, srv.port, srv.export_dir, srv.export, srv.log))
        print("boot:  tools/qemu --net-opts %s --append kboot.timeout=-1" %
              shlex.quote(srv.guestfwd()))
        print("guest: mount -t nfs -o %s %s /mnt" % (MOUNT_OPTIONS, srv.source()))
        print("Ctrl-C stops it.")
        sys.stdout.flush()
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
        srv.proc.wait()
        print("ganesha.nfsd exited:\n" + srv.log_tail())
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
