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
from test_boot import DEMO, ROOT, WAIT, Vm, secs  # noqa: E402
import netservers  # noqa: E402
import sshserver  # noqa: E402
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
        # Two images with the test key: one makes its host key at start,
        # one has a host key baked in (an OpenSSH one: mkimage converts it).
        cls.hostkey = os.path.join(cls.tmp, "host")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", cls.hostkey],
                       check=True)
        cls.build, cls.build_hostkey = (os.path.join(cls.tmp, n) for n in ("b", "bh"))
        for out, extra in ((cls.build, []), (cls.build_hostkey, ["--ssh-host-key", cls.hostkey])):
            os.makedirs(out)
            subprocess.run([os.path.join(ROOT, "tools", "mkimage"), "--ssh-authorized-keys",
                            cls.key + ".pub", "--out", out] + extra, check=True,
                           stdout=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def boot(self, append, build=None, vga=False):
        self.port = free_port()
        v = Vm([DEMO], append=append, build=build or self.build, vga=vga,
               net_opts="hostfwd=tcp:127.0.0.1:%d-:22" % self.port)
        self.addCleanup(v.close)
        return v

    def known_hosts(self):
        """What ssh learnt from this test's VM (each has its own host key)."""
        return os.path.join(self.tmp, "known_hosts-%d" % self.port)

    def ssh_args(self, *extra):
        return ["ssh", "-p", str(self.port), "-i", self.key, "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=" + self.known_hosts(),
                "-o", "ConnectTimeout=10"] + list(extra) + ["root@127.0.0.1"]

    def ssh(self, *cmd, timeout=secs(60)):
        return subprocess.run(self.ssh_args() + list(cmd), capture_output=True, text=True,
                              timeout=timeout)

    def wait_ssh(self, v):
        """The consoles' status line says the server listens, with its host
        key's fingerprint; ssh then logs in and sees that very key."""
        fp = v.wait_output(r"ssh: port 22, host key (SHA256:[A-Za-z0-9+/]{43})").group(1)
        r = self.ssh("true")
        self.assertEqual(r.returncode, 0, r.stderr)
        seen = subprocess.run(["ssh-keygen", "-l", "-f", self.known_hosts()],
                              capture_output=True, text=True).stdout
        self.assertIn(fp, seen)
        return fp

    def test_scripted_remote_boot_and_fingerprint(self):
        v = self.boot("kboot.timeout=-1", build=self.build_hostkey)
        # Off until asked: here by the menu's S key (pressed whether or not
        # the network is up yet: the server waits for it).
        v.wait_screen(r"Demo extlinux")
        self.assertNotIn("ssh: port 22", v.output())
        v.keys("S")
        fp = self.wait_ssh(v)  # the host key ssh saw is the one the console showed
        # ... and it is the image's: the same at every boot.
        baked = subprocess.run(["ssh-keygen", "-l", "-f", self.hostkey + ".pub"],
                               capture_output=True, text=True, check=True).stdout.split()[1]
        self.assertEqual(fp, baked)
        r = self.ssh("kboot", "list", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        entries = json.loads(r.stdout)["entries"]
        ext = [e for e in entries if e["title"] == "Demo extlinux"][0]
        # Passwords are refused, always.
        r = subprocess.run(["ssh", "-p", str(self.port), "-o", "BatchMode=yes",
                            "-o", "PubkeyAuthentication=no",
                            "-o", "UserKnownHostsFile=" + self.known_hosts(),
                            "root@127.0.0.1", "true"], capture_output=True, text=True,
                           timeout=secs(60))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Permission denied (publickey)", r.stderr)
        r = self.ssh("kboot", "boot", ext["id"], timeout=secs(120))
        self.assertEqual(r.returncode, 0, r.stderr)
        initrds, cmdline = v.target()
        self.assertIn("kboot.demo=extlinux", cmdline)

    def test_every_console_and_a_session_in_step(self):
        """The serial line, the VGA screen and an SSH session: one menu, one
        countdown; the entry chosen over SSH is announced on both consoles."""
        v = self.boot("kboot.ssh=on kboot.timeout=60", vga=True)
        fp = self.wait_ssh(v)
        counting = r"Booting 'Demo BLS \(two initrds\)' in \d+ s"
        v.wait_screen(counting)
        v.vga.wait_screen(counting, WAIT)
        cmd = " ".join(shlex.quote(a) for a in self.ssh_args("-t")) + "; sleep 600"
        s = tmuxpane.Pane("ssh", "env TERM=xterm-256color " + cmd, 100, 30, key_delay=0.1)
        self.addCleanup(s.close)
        s.wait_screen(counting, WAIT)
        # A key over SSH stops the countdown on both consoles.
        s.keys("Down")
        for p in (s, v, v.vga):
            p.wait_screen(counting, WAIT, gone=True)
        # The VGA screen's menu is the VT's own (TERM=linux, 80x25), drawn
        # with glyphs its font has (► for a submenu: no box).
        v.vga.wait_screen("Advanced options for Demo GRUB \u25ba", WAIT)
        v.vga.keys("i")
        v.vga.wait_screen(r"Terminal +linux, 80x25", WAIT)
        v.vga.keys("Escape")
        # The system information screen shows the server and its host key.
        s.keys("i")
        s.wait_screen(r"system information", WAIT)
        s.keys("End")
        info = s.wait_screen(r"Host key +" + re.escape(fp), WAIT)
        self.assertRegex(info, r"SSH server\n +State +running")
        s.keys("Escape")
        # The menu's shell, on the session's terminal; exit comes back.
        s.wait_screen(r"Demo GRUB", WAIT)
        s.keys("c")
        s.wait_screen(r"type 'exit' to return to the menu", WAIT)
        s.type("echo $((6 * 7))-over-ssh; sleep 3; exit")
        s.keys("Enter")
        s.wait_screen(r"^42-over-ssh", WAIT)
        s.wait_screen(r"Demo GRUB", WAIT)
        # Chosen over SSH (Demo GRUB, its submenu, Demo extlinux): announced
        # on the VGA screen and the serial line; the target speaks on the latter.
        s.keys("Down", "Down")
        time.sleep(1)
        s.keys("Enter")
        v.vga.wait_screen(r"Booting 'Demo extlinux'", WAIT, poll=0.1)
        v.wait_output(r"Booting 'Demo extlinux'")
        initrds, cmdline = v.target()
        self.assertIn("kboot.demo=extlinux", cmdline)

    def test_without_keys_the_port_is_closed(self):
        v = self.boot("kboot.ssh=on kboot.timeout=-1",
                      build=os.path.join(ROOT, "build"))
        v.wait_output(r"ssh: not started: the image has no authorized keys|Demo extlinux")
        v.wait_screen(r"Demo extlinux")
        r = self.ssh("true", timeout=secs(60))
        self.assertEqual(r.returncode, 255)
        self.assertRegex(r.stderr, r"Connection (refused|reset|closed)|kex_exchange_identification")



class SshOutTest(unittest.TestCase):
    """From kboot's shell: scp and ssh:// URLs to a server on 127.0.0.1."""

    def test_scp_and_ssh_urls_with_known_host_keys_only(self):
        tmp = tempfile.mkdtemp(prefix="kboot-e2e-sshout.")
        self.addCleanup(shutil.rmtree, tmp, True)
        key = os.path.join(tmp, "client")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        files = os.path.join(tmp, "files")
        os.makedirs(files)
        shutil.copy(os.path.join(ROOT, "build", "vmlinuz"), os.path.join(files, "vmlinuz"))
        shutil.copy(os.path.join(ROOT, "build", "target", "target.img"),
                    os.path.join(files, "target.img"))
        with open(key + ".pub") as f:
            srv = sshserver.SshServer(f.read()).start()
        self.addCleanup(srv.stop)
        known = os.path.join(tmp, "known_hosts")
        with open(known, "w") as f:
            f.write(srv.known_hosts_line("10.0.2.100"))  # 10.0.2.101 is the same server, unknown
        build = os.path.join(tmp, "build")
        os.makedirs(build)
        subprocess.run([os.path.join(ROOT, "tools", "mkimage"), "--ssh-client-key", key,
                        "--ssh-known-hosts", known, "--out", build], check=True,
                       stdout=subprocess.DEVNULL)
        opts = ",".join(netservers.guestfwd(22, srv.port, addr) for addr in
                        ("10.0.2.100", "10.0.2.101"))
        v = Vm([], append="kboot.timeout=-1", build=build, net_opts=opts)
        self.addCleanup(v.close)
        v.wait_screen(r"Shell")
        v.keys("c")
        v.wait_output(r"type 'exit' to return to the menu")
        # The lease, as the shell sees it (a status line may be overdrawn).
        v.type("for i in $(seq 60); do ip -4 addr show eth0 | grep -q 'inet 10' && break;"
               " sleep 1; done; echo NET-$i")
        v.keys("Enter")
        self.assertNotEqual(v.wait_output(r"NET-(\d+)\n").group(1), "60")
        # scp (OpenSSH's, over dbclient) with the image's key and known hosts.
        v.type("scp -O root@10.0.2.100:%s /tmp/k 2>/dev/null; echo SCP=$?" %
               os.path.join(files, "vmlinuz"))
        v.keys("Enter")
        v.wait_output(r"SCP=0")
        # An unknown host key is refused, and its fingerprint shown.
        v.type("kboot fetch ssh://root@10.0.2.101%s /tmp/x; echo FETCH=$?" %
               os.path.join(files, "vmlinuz"))
        v.keys("Enter")
        m = v.wait_output(r"host key is not a known one \((\S+)\); refused")
        self.assertEqual(m.group(1).lower(), srv.fingerprint.lower())
        v.wait_output(r"FETCH=1")
        # The scp'd kernel, and an initrd through an ssh:// URL: booted.
        v.type("kboot boot --kernel file:///tmp/k --initrd ssh://root@10.0.2.100%s "
               "--append 'console=ttyS0 kboot.demo=ssh-out'" % os.path.join(files, "target.img"))
        v.keys("Enter")
        initrds, cmdline = v.target()
        self.assertEqual(initrds, "target")
        self.assertEqual(cmdline, "console=ttyS0 kboot.demo=ssh-out")


if __name__ == "__main__":
    unittest.main(verbosity=2)
