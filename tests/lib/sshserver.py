# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/lib/sshserver.py - an SSH server on 127.0.0.1 for the tests of kboot's
outbound SSH: the image's own dropbear (build/image/root, Debian's
dropbear-bin), run from this host in a private mount namespace whose /root
is a temporary directory holding the authorized key, so nothing of the
host's own /root is read or changed.  Passwords are refused (-s).

    srv = SshServer(authorized_key_line).start()
    srv.port, srv.known_hosts_line("10.0.2.100"), srv.fingerprint
    srv.stop()
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STAGE = os.path.join(ROOT, "build", "image", "root")  # tools/mkimage's staging tree
LIBS = os.path.join(STAGE, "lib", "x86_64-linux-gnu")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SshServer:
    def __init__(self, authorized_key):
        self.authorized_key = authorized_key.strip() + "\n"
        self.tmp = None
        self.proc = None
        self.port = None

    def _tool(self, *args):
        return subprocess.run([os.path.join(STAGE, "usr", "bin", "dropbearkey")] + list(args),
                              env=dict(os.environ, LD_LIBRARY_PATH=LIBS), check=True,
                              capture_output=True, text=True).stdout

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="kboot-sshd.")
        home = os.path.join(self.tmp, "home")
        os.makedirs(os.path.join(home, ".ssh"), mode=0o700)
        os.chmod(home, 0o700)
        keys = os.path.join(home, ".ssh", "authorized_keys")
        with open(keys, "w") as f:
            f.write(self.authorized_key)
        os.chmod(keys, 0o600)
        self.host_key = os.path.join(self.tmp, "host_key")
        self._tool("-t", "ed25519", "-f", self.host_key)
        out = self._tool("-y", "-f", self.host_key)
        self.public = next(l for l in out.splitlines() if l.startswith("ssh-ed25519 "))
        self.fingerprint = out.split("Fingerprint: ")[1].split()[0]
        self.port = _free_port()
        script = ('mount --make-rprivate / && mount --bind "$1" /root && '
                  'LD_LIBRARY_PATH="$2" exec "$3" -F -E -s -j -k -p "127.0.0.1:$4" -r "$5" '
                  '-P "$6"')
        self.log = open(os.path.join(self.tmp, "log"), "w")
        self.proc = subprocess.Popen(
            ["unshare", "-m", "sh", "-c", script, "sh", home, LIBS,
             os.path.join(STAGE, "usr", "sbin", "dropbear"), str(self.port), self.host_key,
             os.path.join(self.tmp, "pid")], stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("sshserver: dropbear did not start")

    def known_hosts_line(self, host):
        """host's line for a known_hosts file (dropbear's and OpenSSH's format)."""
        return "%s %s\n" % (host, " ".join(self.public.split()[:2]))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.tmp:
            self.log.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
