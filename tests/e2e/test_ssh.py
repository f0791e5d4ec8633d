#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end, SSH into kboot (docs/ssh.md): an image built with a test key
(tools/mkimage --ssh-authorized-keys), booted in QEMU with the guest's port
22 forwarded from 127.0.0.1 only (hostfwd), reached with OpenSSH's ssh."""
import json
import re
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_boot import DEMO, ROOT, WAIT, Vm  # noqa: E402
import tmuxpane  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SshTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kboot-e2e-ssh.")
        cls.key = os.path.join(cls.tmp, "id")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kboot-test",
                        "-f", cls.key], check=True)
        cls.build = os.path.join(cls.tmp, "build")
        os.makedirs(cls.build)
        subprocess.run([os.path.join(ROOT, "tools", "mkimage"), "--ssh-authorized-keys",
                        cls.key + ".pub", "--out", cls.build], check=True,
                       stdout=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def boot(self, append, build=None):
        self.port = free_port()
        v = Vm([DEMO], append=append, build=build or self.build,
               net_opts="hostfwd=tcp:127.0.0.1:%d-:22" % self.port)
        self.addCleanup(v.close)
        return v

    def ssh_args(self, *extra):
        return ["ssh", "-p", str(self.port), "-i", self.key, "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=" + os.path.join(self.tmp, "known_hosts"),
                "-o", "ConnectTimeout=10"] + list(extra) + ["root@127.0.0.1"]

    def ssh(self, *cmd, timeout=60):
        return subprocess.run(self.ssh_args() + list(cmd), capture_output=True, text=True,
                              timeout=timeout)

    def wait_ssh(self, v):
        """The server is up once the console says so; its fingerprint is shown."""
        m = v.wait_output(r"kboot: SSH on port 22, host key (SHA256:\S+)")
        return m.group(1)

    def test_scripted_remote_boot_and_fingerprint(self):
        v = self.boot("kboot.ssh=on kboot.timeout=-1")
        fp = self.wait_ssh(v)
        r = self.ssh("kboot", "list", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        entries = json.loads(r.stdout)["entries"]
        ext = [e for e in entries if e["title"] == "Demo extlinux"][0]
        # The host key ssh saw is the one the console showed.
        seen = subprocess.run(["ssh-keygen", "-l", "-f", os.path.join(self.tmp, "known_hosts")],
                              capture_output=True, text=True).stdout
        self.assertIn(fp, seen)
        # Passwords are refused, always.
        r = subprocess.run(["ssh", "-p", str(self.port), "-o", "BatchMode=yes",
                            "-o", "PubkeyAuthentication=no",
                            "-o", "UserKnownHostsFile=" + os.path.join(self.tmp, "known_hosts"),
                            "root@127.0.0.1", "true"], capture_output=True, text=True,
                           timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Permission denied (publickey)", r.stderr)
        r = self.ssh("kboot", "boot", ext["id"], timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        initrds, cmdline = v.target()
        self.assertIn("kboot.demo=extlinux", cmdline)

    def test_interactive_login_is_the_menu_in_step_with_the_console(self):
        v = self.boot("kboot.ssh=on kboot.timeout=60")
        fp = self.wait_ssh(v)
        v.wait_screen(r"Booting 'Demo BLS \(two initrds\)' in \d+ s")
        cmd = " ".join(shlex.quote(a) for a in self.ssh_args("-t")) + "; sleep 600"
        s = tmuxpane.Pane("ssh", "env TERM=xterm-256color " + cmd, 100, 30, key_delay=0.1)
        self.addCleanup(s.close)
        s.wait_screen(r"Booting 'Demo BLS \(two initrds\)' in \d+ s", WAIT)
        # A key over SSH stops the countdown on the serial console too.
        s.keys("Down")
        v.wait_screen(r"Booting 'Demo BLS", gone=True)
        s.wait_screen(r"Booting 'Demo BLS", WAIT, gone=True)
        # The system information screen shows the server and its host key.
        s.keys("i")
        s.wait_screen(r"system information", WAIT)
        s.keys("End")
        info = s.wait_screen(r"Host key +" + re.escape(fp), WAIT)
        self.assertRegex(info, r"SSH server\n +State +running")
        s.keys("Escape")
        s.wait_screen(r"Demo GRUB", WAIT)
        # Chosen over SSH (Demo GRUB, its submenu, Demo extlinux), booted:
        # the target speaks on the serial console.
        s.keys("Down", "Down")
        time.sleep(1)
        s.keys("Enter")
        initrds, cmdline = v.target()
        self.assertIn("kboot.demo=extlinux", cmdline)

    def test_without_keys_the_port_is_closed(self):
        v = self.boot("kboot.ssh=on kboot.timeout=-1",
                      build=os.path.join(ROOT, "build"))
        v.wait_output(r"ssh: not started: the image has no authorized keys|Demo extlinux")
        v.wait_screen(r"Demo extlinux")
        r = self.ssh("true", timeout=60)
        self.assertEqual(r.returncode, 255)
        self.assertRegex(r.stderr, r"Connection (refused|reset|closed)|kex_exchange_identification")


if __name__ == "__main__":
    unittest.main(verbosity=2)
