#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End-to-end tests of `kboot daemon` over --source directories.

Each test builds small filesystem trees (grub.cfg, extlinux.conf,
kboot.conf) in a temporary directory, starts the real build/kboot daemon on
them with its own control socket and uevent test socket, talks to it with
raw protocol clients (docs/protocol.md) and the real `kboot list/boot/
cancel/status` commands, and kills it at the end.  Hotplug goes through the
uevent test socket, the same path as the kernel's uevents.

Every wait has a timeout.  Timing is only ever used to say "this did NOT
happen by then", with generous margins; nothing asserts speed.
Nothing listens beyond Unix sockets.
"""
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KBOOT = os.environ.get("KBOOT", os.path.join(ROOT, "build", "kboot"))
WAIT = float(os.environ.get("KBOOT_TEST_WAIT", "20"))  # seconds for anything to happen


# ---- filesystem trees ----

def write(path, text=""):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def grub_fs(base, name, titles, timeout=5, missing=()):
    """A root with /boot/grub/grub.cfg: one menuentry per title."""
    d = os.path.join(base, name)
    cfg = ["set timeout=%d" % timeout, "set default=0"]
    for i, t in enumerate(titles):
        cfg += ["menuentry '%s' {" % t,
                "  linux /boot/vmlinuz-%d root=/dev/sda1 ro quiet" % i,
                "  initrd /boot/initrd.img-%d" % i,
                "}"]
        if t not in missing:
            write(os.path.join(d, "boot", "vmlinuz-%d" % i), "kernel %d\n" % i)
        write(os.path.join(d, "boot", "initrd.img-%d" % i), "initrd %d\n" % i)
    write(os.path.join(d, "boot", "grub", "grub.cfg"), "\n".join(cfg) + "\n")
    return d


def extlinux_fs(base, name):
    d = os.path.join(base, name)
    write(os.path.join(d, "boot", "vmlinuz-lts"), "k\n")
    write(os.path.join(d, "boot", "initramfs-lts"), "i\n")
    write(os.path.join(d, "boot", "extlinux", "extlinux.conf"),
          "DEFAULT lts\nTIMEOUT 30\n"
          "LABEL lts\n  MENU LABEL Alpine LTS\n  LINUX /boot/vmlinuz-lts\n"
          "  INITRD /boot/initramfs-lts\n  APPEND root=LABEL=alpine modules=ext4\n")
    return d


def kbootconf_fs(base, name):
    d = os.path.join(base, name)
    write(os.path.join(d, "vmlinux"), "k\n")
    write(os.path.join(d, "initrd.img"), "i\n")
    write(os.path.join(d, "kboot.conf"),
          "default=ps3\ntimeout=7\ninitrd=/initrd.img\n"
          "ps3=/vmlinux root=/dev/sda1\nother=/vmlinux root=/dev/sdb1 single\n")
    return d


def xen_fs(base, name):
    """A root whose grub.cfg boots Xen with modules, each with its own command line."""
    d = os.path.join(base, name)
    for f in ("xen.gz", "vmlinuz", "initrd.img"):
        write(os.path.join(d, "boot", f), f + "\n")
    write(os.path.join(d, "boot", "grub", "grub.cfg"),
          "set timeout=5\n"
          "menuentry 'Xen' {\n"
          "  multiboot2 /boot/xen.gz dom0_mem=1G\n"
          "  module2 /boot/vmlinuz root=/dev/sda1 ro\n"
          "  module2 --nounzip /boot/initrd.img\n"
          "}\n")
    return d


def spec(path, name):
    return "%s:name=%s" % (path, name)


# ---- the daemon and its clients ----

class Client:
    """A raw protocol client: one JSON object per line."""

    def __init__(self, path, rcvbuf=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(WAIT)
        self.sock.connect(path)
        self.buf = b""
        self.eof = False
        self.seen = []

    def close(self):
        self.sock.close()

    def send(self, obj):
        data = obj if isinstance(obj, bytes) else (json.dumps(obj) + "\n").encode()
        self.sock.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([self.sock], [], [], left)
        if not r:
            return False
        try:
            data = self.sock.recv(1 << 16)
        except ConnectionResetError:
            data = b""
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def next(self, timeout=WAIT):
        """The next message, or None on EOF/timeout."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if self.eof or not self._fill(deadline):
                return None
        line, self.buf = self.buf.split(b"\n", 1)
        msg = json.loads(line)
        self.seen.append(msg)
        return msg

    def wait_for(self, pred, timeout=WAIT, what="a message"):
        deadline = time.monotonic() + timeout
        while True:
            m = self.next(max(0.0, deadline - time.monotonic()))
            if m is None:
                raise AssertionError("no %s within %gs (eof=%s)" % (what, timeout, self.eof))
            if pred(m):
                return m

    def seen_or_wait(self, pred, timeout=WAIT, what="a message"):
        """A message already read that matches, else the next one that does."""
        for m in self.seen:
            if pred(m):
                return m
        return self.wait_for(pred, timeout, what)

    def initial(self):
        """Read the initial state up to "ready"; a dict type -> message (status: list)."""
        state = {"status": []}
        order = []
        while True:
            m = self.next()
            if m is None:
                raise AssertionError("initial state incomplete: %r" % order)
            order.append(m["type"])
            if m["type"] == "status":
                state["status"].append(m)
            else:
                state[m["type"]] = m
            if m["type"] == "ready":
                break
        state["order"] = [t for t in order if t != "status"]
        return state

    def closed(self, timeout=WAIT):
        """True when the server closes this connection within timeout."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            if time.monotonic() >= deadline:
                return False
            self._fill(deadline)
            self.buf = self.buf[-(1 << 20):]  # what it was sent no longer matters
        return True


class Daemon:
    def __init__(self, tmp, sources, args=()):
        self.tmp = tmp
        self.sock = os.path.join(tmp, "run", "kboot.sock")
        self.uevent = os.path.join(tmp, "uevent.sock")
        self.out = open(os.path.join(tmp, "daemon.out"), "w+")
        self.err = open(os.path.join(tmp, "daemon.err"), "w+")
        cmd = [KBOOT, "daemon", "--socket", self.sock, "--uevent-socket", self.uevent]
        for s in sources:
            cmd += ["--source", s]
        cmd += list(args)
        env = dict(os.environ)
        env.pop("KBOOT_SOCKET", None)
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=self.err, env=env,
                                     stdin=subprocess.DEVNULL)
        self.clients = []
        self._wait_socket()

    def _wait_socket(self):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("daemon exited %s:\n%s" % (self.proc.returncode, self.log()))
            if os.path.exists(self.sock):
                try:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(self.sock)
                    s.close()
                    return
                except OSError:
                    pass
            time.sleep(0.02)
        raise AssertionError("daemon socket never appeared:\n" + self.log())

    def log(self):
        self.err.flush()
        with open(self.err.name) as f:
            return f.read()

    def plan(self):
        with open(self.out.name) as f:
            return f.read()

    def client(self, **kw):
        c = Client(self.sock, **kw)
        self.clients.append(c)
        return c

    def kboot(self, *args, timeout=WAIT):
        env = dict(os.environ, KBOOT_SOCKET=self.sock)
        return subprocess.run([KBOOT] + list(args), env=env, capture_output=True,
                              text=True, timeout=timeout)

    def send_uevent(self, action, name, source=None):
        msg = "%s@/devices/virtual/block/%s\0ACTION=%s\0DEVNAME=%s\0SUBSYSTEM=block\0" % (
            action, name, action, name)
        if source:
            msg += "KBOOT_SOURCE=%s\0" % source
        deadline = time.monotonic() + WAIT
        while not os.path.exists(self.uevent):
            if time.monotonic() > deadline:
                raise AssertionError("no uevent socket at " + self.uevent)
            time.sleep(0.02)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            s.sendto(msg.encode(), self.uevent)
        finally:
            s.close()

    def running(self):
        return self.proc.poll() is None

    def wait_exit(self, timeout=WAIT):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("daemon still running after %gs:\n%s" % (timeout, self.log()))

    def stop(self):
        """Stop it with SIGTERM (a clean exit: socket removed, memory freed,
        which a sanitizer build checks).  None, or what went wrong."""
        for c in self.clients:
            c.close()
        problem = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(WAIT)
                problem = "" if rc == 0 else "exit status %d after SIGTERM" % rc
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(WAIT)
                problem = "did not stop on SIGTERM"
            if not problem and os.path.exists(self.sock):
                problem = "left its socket behind"
        log = self.log()
        if "Sanitizer" in log or "runtime error" in log:
            problem = "sanitizer report"
        self.out.close()
        self.err.close()
        return problem + ":\n" + log if problem else None


def entries(menu_msg):
    return menu_msg["menu"]["entries"]


def titles(menu_msg):
    return [e["title"] for e in entries(menu_msg)]


def parse_plan(text):
    plan = {}
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        plan.setdefault(key, []).append(value)
    return plan


class DaemonTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kboot-daemon-test.")
        self.daemon = None

    def tearDown(self):
        problem = self.daemon.stop() if self.daemon else None
        shutil.rmtree(self.tmp, ignore_errors=True)
        if problem:
            self.fail("daemon: " + problem)

    def start(self, sources, *args):
        self.daemon = Daemon(self.tmp, sources, args)
        return self.daemon

    def scan_json(self, sources):
        r = subprocess.run([KBOOT, "scan", "--json"] + sources, capture_output=True,
                           text=True, timeout=WAIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def three_sources(self):
        return [spec(grub_fs(self.tmp, "deb", ["Debian", "Debian recovery"]), "sda1"),
                spec(extlinux_fs(self.tmp, "alp"), "sdb1"),
                spec(kbootconf_fs(self.tmp, "ps3"), "sdc1")]

    # ---- state ----

    def test_initial_state_in_protocol_order(self):
        d = self.start(self.three_sources(), "--timeout", "-1")
        st = d.client().initial()
        self.assertEqual(st["order"], ["hello", "devices", "menu", "countdown", "settings", "network",
                                       "ready"])
        self.assertEqual(st["hello"]["protocol"], 1)
        self.assertEqual(st["hello"]["mode"], "sources")
        self.assertEqual([x["name"] for x in st["devices"]["devices"]],
                         ["sda1", "sdb1", "sdc1"])
        self.assertTrue(all(x["state"] == "ready" for x in st["devices"]["devices"]))
        self.assertEqual(st["countdown"]["state"], "off")
        self.assertIsNone(st["settings"]["timeout"])
        self.assertEqual(st["settings"]["timeout_source"], "option")

    def test_list_json_equals_scan_json(self):
        sources = self.three_sources()
        d = self.start(sources, "--timeout", "-1")
        r = d.kboot("list", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), self.scan_json(sources))
        self.assertEqual(len(json.loads(r.stdout)["entries"]), 5)

    def test_status_answers(self):
        d = self.start(self.three_sources(), "--timeout", "-1")
        r = d.kboot("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(d.running())

    # ---- hotplug ----

    def test_source_added_and_removed_updates_every_client(self):
        d = self.start([spec(grub_fs(self.tmp, "deb", ["Debian"]), "sda1")], "--timeout", "-1")
        clients = [d.client() for _ in range(4)]
        for c in clients:
            self.assertEqual(titles(c.initial()["menu"]), ["Debian"])
        usb = spec(grub_fs(self.tmp, "usb", ["Rescue stick"]), "sdx1")
        d.send_uevent("add", "sdx1", usb)
        for c in clients:
            m = c.wait_for(lambda m: m["type"] == "menu" and "Rescue stick" in titles(m),
                           what="menu with the added source")
            self.assertEqual(titles(m), ["Debian", "Rescue stick"])
            devs = [x for x in c.seen if x["type"] == "devices"]
            self.assertIn("sdx1", [x["name"] for x in devs[-1]["devices"]])
        d.send_uevent("remove", "sdx1")
        for c in clients:
            m = c.wait_for(lambda m: m["type"] == "menu" and "Rescue stick" not in titles(m),
                           what="menu without the removed source")
            self.assertEqual(titles(m), ["Debian"])
        # A client connecting now gets the same menu.
        self.assertEqual(titles(d.client().initial()["menu"]), ["Debian"])

    def test_hotplugged_menu_equals_scan_of_the_same_sources(self):
        a = spec(grub_fs(self.tmp, "deb", ["Debian"]), "sda1")
        b = spec(extlinux_fs(self.tmp, "alp"), "sdb1")
        d = self.start([a], "--timeout", "-1")
        c = d.client()
        c.initial()
        d.send_uevent("add", "sdb1", b)
        m = c.wait_for(lambda m: m["type"] == "menu" and len(entries(m)) == 2,
                       what="menu with two entries")
        self.assertEqual(m["menu"], self.scan_json([a, b]))

    # ---- countdown ----

    def test_countdown_fires_and_prints_plan(self):
        sources = [spec(grub_fs(self.tmp, "deb", ["Debian", "Other"]), "sda1")]
        default = [e for e in self.scan_json(sources)["entries"] if e["default"]][0]
        d = self.start(sources, "--timeout", "1")
        self.assertEqual(d.wait_exit(), 0, d.log())
        plan = parse_plan(d.plan())
        self.assertEqual(plan["entry"], [default["id"]])
        self.assertEqual(plan["title"], ["Debian"])
        self.assertEqual(plan["kernel"], ["sda1:/boot/vmlinuz-0"])
        self.assertEqual(plan["kernel-file"], [os.path.join(self.tmp, "deb/boot/vmlinuz-0")])
        self.assertEqual(plan["initrd"], ["sda1:/boot/initrd.img-0"])
        self.assertEqual(plan["cmdline"], [default["cmdline"]])

    def test_countdown_ticks_then_fires_for_clients(self):
        d = self.start([spec(grub_fs(self.tmp, "deb", ["Debian"]), "sda1")], "--timeout", "3")
        c = d.client()
        st = c.initial()
        self.assertEqual(st["countdown"]["state"], "running")
        self.assertEqual(st["countdown"]["title"], "Debian")
        c.wait_for(lambda m: m["type"] == "countdown" and m["state"] == "fired",
                   what="countdown fired")
        b = c.wait_for(lambda m: m["type"] == "booting", what="booting")
        self.assertEqual(b["kernel"], "sda1:/boot/vmlinuz-0")
        self.assertEqual(d.wait_exit(), 0)

    def test_timeout_zero_boots_at_once(self):
        d = self.start([spec(grub_fs(self.tmp, "deb", ["Debian"]), "sda1")], "--timeout", "0")
        self.assertEqual(d.wait_exit(), 0, d.log())
        self.assertIn("kernel sda1:/boot/vmlinuz-0\n", d.plan())

    def test_kernel_cmdline_default_and_timeout(self):
        d = self.start([spec(grub_fs(self.tmp, "deb", ["Debian", "Debian rescue"]), "sda1")],
                       "--cmdline", 'quiet kboot.default="Debian rescue" kboot.timeout=0')
        self.assertEqual(d.wait_exit(), 0, d.log())
        plan = parse_plan(d.plan())
        self.assertEqual(plan["title"], ["Debian rescue"])
        self.assertEqual(plan["kernel"], ["sda1:/boot/vmlinuz-1"])

    def test_cancel_stops_countdown_for_good(self):
        d = self.start([spec(grub_fs(self.tmp, "deb", ["Debian"]), "sda1")], "--timeout", "3")
        c = d.client()
        self.assertEqual(c.initial()["countdown"]["state"], "running")
        r = d.kboot("cancel")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = c.wait_for(lambda m: m["type"] == "countdown" and m["state"] != "running",
                       what="countdown change")
        self.assertEqual(m["state"], "stopped", "the countdown fired before the cancel")
        # Well past the timeout (3 s) it still has not fired.
        time.sleep(6)
        self.assertTrue(d.running(), "daemon exited after cancel:\n" + d.plan())
        self.assertEqual(d.plan(), "")
        st = d.client().initial()
        self.assertEqual(st["countdown"]["state"], "stopped")
        # A new device does not restart it.
        d.send_uevent("add", "sdx1", spec(grub_fs(self.tmp, "usb", ["Stick"]), "sdx1"))
        c.wait_for(lambda m: m["type"] == "menu" and "Stick" in titles(m), what="menu")
        self.assertEqual(d.kboot("status").returncode, 0)
        self.assertTrue(d.running())

    def test_new_device_never_changes_running_target(self):
        d = self.start([spec(grub_fs(self.tmp, "deb", ["Debian"]), "sda1")], "--timeout", "60")
        c = d.client()
        first = c.initial()["countdown"]
        self.assertEqual((first["state"], first["title"]), ("running", "Debian"))
        d.send_uevent("add", "sdx1", spec(grub_fs(self.tmp, "usb", ["Stick"]), "sdx1"))
        c.wait_for(lambda m: m["type"] == "menu" and "Stick" in titles(m), what="menu")
        st = d.client().initial()
        self.assertEqual(st["countdown"]["state"], "running")
        self.assertEqual(st["countdown"]["entry"], first["entry"])

    def test_removed_target_stops_countdown(self):
        d = self.start([spec(grub_fs(self.tmp, "usb", ["Stick"]), "sdx1"),
                        spec(grub_fs(self.tmp, "deb", ["Debian"]), "sda1")], "--timeout", "60")
        c = d.client()
        self.assertEqual(c.initial()["countdown"]["title"], "Stick")
        d.send_uevent("remove", "sdx1")
        m = c.wait_for(lambda m: m["type"] == "countdown" and m["state"] != "running",
                       what="countdown change")
        self.assertEqual(m["state"], "stopped")
        s = c.seen_or_wait(lambda m: m["type"] == "status" and "countdown stopped" in m["text"],
                           what="status line about the stop")
        self.assertIn("Stick", s["text"])
        self.assertTrue(d.running())

    # ---- many clients ----

    def test_twenty_clients_see_the_same_state(self):
        d = self.start(self.three_sources(), "--timeout", "-1")
        clients = [d.client() for _ in range(20)]
        states = [c.initial() for c in clients]
        for st in states[1:]:
            for key in ("hello", "devices", "menu", "countdown", "settings"):
                self.assertEqual(st[key], states[0][key], key)
        d.send_uevent("add", "sdx1", spec(grub_fs(self.tmp, "usb", ["Stick"]), "sdx1"))
        menus = [c.wait_for(lambda m: m["type"] == "menu", what="menu") for c in clients]
        for m in menus:
            self.assertEqual(m, menus[0])
        self.assertIn("Stick", titles(menus[0]))

    def test_garbage_closes_only_that_client(self):
        d = self.start(self.three_sources(), "--timeout", "-1")
        good, bad, big = d.client(), d.client(), d.client()
        for c in (good, bad, big):
            c.initial()
        bad.send(b"this is not json\n")
        self.assertTrue(bad.closed(), "a client sending garbage was not closed")
        try:
            big.send(b"[" * (1100 * 1024))
        except OSError:
            pass
        self.assertTrue(big.closed(), "a client sending an oversized line was not closed")
        d.send_uevent("add", "sdx1", spec(grub_fs(self.tmp, "usb", ["Stick"]), "sdx1"))
        good.wait_for(lambda m: m["type"] == "menu" and "Stick" in titles(m), what="menu")
        self.assertEqual(d.kboot("status").returncode, 0)

    def test_unknown_request_gets_error_reply(self):
        d = self.start(self.three_sources(), "--timeout", "-1")
        c = d.client()
        c.initial()
        c.send({"type": "frobnicate", "seq": 7})
        r = c.wait_for(lambda m: m["type"] == "reply", what="reply")
        self.assertEqual((r["seq"], r["ok"]), (7, False))
        self.assertIn("frobnicate", r["error"])
        c.send({"type": "rescan", "seq": 8})
        r = c.wait_for(lambda m: m["type"] == "reply", what="reply")
        self.assertEqual((r["seq"], r["ok"]), (8, True))
        self.assertTrue(d.running())

    def test_numbers_out_of_range_are_echoed_as_json(self):
        """A seq of 1e999 came back as `inf`, which is no JSON (json.loads refuses it)."""
        d = self.start(self.three_sources(), "--timeout", "-1")
        c = d.client()
        c.initial()
        for seq in (b"1e999", b"-1e999"):
            c.send(b'{"type":"rescan","seq":' + seq + b'}\n')
            r = c.wait_for(lambda m: m["type"] == "reply", what="reply")
            self.assertEqual(r["seq"], float(seq.decode()))
        self.assertTrue(d.running())

    def test_slow_client_does_not_block_others(self):
        # A big menu (400 entries, over 100 KiB a message) fills a queue fast.
        big = spec(grub_fs(self.tmp, "big", ["Kernel %d" % i for i in range(400)]), "sda1")
        d = self.start([big], "--timeout", "-1")
        slow = d.client(rcvbuf=4096)
        fast = d.client()
        fast.initial()
        usb = spec(grub_fs(self.tmp, "usb", ["Stick"]), "sdx1")
        for i in range(40):
            d.send_uevent("add", "sdx1", usb)
            fast.wait_for(lambda m: m["type"] == "menu" and "Stick" in titles(m),
                          what="menu with the stick (round %d)" % i)
            d.send_uevent("remove", "sdx1")
            fast.wait_for(lambda m: m["type"] == "menu" and "Stick" not in titles(m),
                          what="menu without the stick (round %d)" % i)
        r = d.kboot("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        # The client that never read was dropped once its queue passed 4 MiB.
        self.assertTrue(slow.closed(), "the slow client was never closed")
        self.assertTrue(d.running())

    # ---- boot requests ----

    def test_boot_by_id_prints_plan_and_exits(self):
        sources = self.three_sources()
        target = [e for e in self.scan_json(sources)["entries"] if e["title"] == "Alpine LTS"][0]
        d = self.start(sources, "--timeout", "-1")
        watcher = d.client()
        watcher.initial()
        r = d.kboot("boot", target["id"])
        self.assertEqual(r.returncode, 0, r.stderr)
        b = watcher.wait_for(lambda m: m["type"] == "booting", what="booting")
        self.assertEqual(b["entry"], target["id"])
        self.assertEqual(d.wait_exit(), 0)
        plan = parse_plan(d.plan())
        self.assertEqual(plan["entry"], [target["id"]])
        self.assertEqual(plan["kernel"], [target["kernel"]])
        self.assertEqual(plan["initrd"], target["initrd"])
        self.assertEqual(plan["cmdline"], [target["cmdline"]])
        self.assertEqual(plan["initrd-file"], [os.path.join(self.tmp, "alp/boot/initramfs-lts")])

    def test_plan_names_the_file_a_symlink_leads_to(self):
        """An absolute symlink in a system is read inside its filesystem, and
        the plan names the file that was checked and loaded, not the host's."""
        src = os.path.join(self.tmp, "lnk")
        write(os.path.join(src, "boot", "vmlinuz-9"), "real kernel\n")
        os.symlink("/boot/vmlinuz-9", os.path.join(src, "boot", "vmlinuz"))
        write(os.path.join(src, "boot", "grub", "grub.cfg"),
              "menuentry 'Linked' {\n  linux /boot/vmlinuz\n}\n")
        d = self.start([src + ":name=lnk"], "--timeout", "-1")
        r = d.kboot("boot", "--title", "Linked")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(d.wait_exit(), 0)
        plan = parse_plan(d.plan())
        self.assertEqual(plan["kernel"], ["lnk:/boot/vmlinuz"])
        self.assertEqual(plan["kernel-file"], [os.path.join(src, "boot", "vmlinuz-9")])

    def test_boot_by_title_over_the_protocol(self):
        d = self.start(self.three_sources(), "--timeout", "-1")
        c = d.client()
        c.initial()
        c.send({"type": "boot", "title": "Debian recovery", "seq": 3})
        r = c.wait_for(lambda m: m["type"] == "reply", what="reply")
        self.assertEqual((r["seq"], r["ok"]), (3, True), r)
        self.assertEqual(d.wait_exit(), 0)
        self.assertEqual(parse_plan(d.plan())["title"], ["Debian recovery"])

    def test_boot_edited_files(self):
        d = self.start(self.three_sources(), "--timeout", "-1")
        c = d.client()
        c.initial()
        c.send({"type": "boot", "seq": 1, "kernel": "sda1:/boot/../boot/vmlinuz-1",
                "initrd": ["sdc1:/initrd.img"], "cmdline": "root=/dev/sda1 single"})
        r = c.wait_for(lambda m: m["type"] == "reply", what="reply")
        self.assertTrue(r["ok"], r)
        self.assertEqual(d.wait_exit(), 0)
        plan = parse_plan(d.plan())
        self.assertEqual(plan["entry"], ["-"])
        self.assertEqual(plan["kernel"], ["sda1:/boot/vmlinuz-1"])
        self.assertEqual(plan["kernel-file"], [os.path.join(self.tmp, "deb/boot/vmlinuz-1")])
        self.assertEqual(plan["initrd-file"], [os.path.join(self.tmp, "ps3/initrd.img")])
        self.assertEqual(plan["cmdline"], ["root=/dev/sda1 single"])

    def test_multiboot_entry_keeps_each_modules_command_line(self):
        sources = [spec(xen_fs(self.tmp, "xen"), "sda1")]
        target = self.scan_json(sources)["entries"][0]
        self.assertEqual(target["module_args"], ["root=/dev/sda1 ro", ""])
        d = self.start(sources, "--timeout", "-1")
        c = d.client()
        c.initial()
        c.send({"type": "boot", "id": target["id"]})
        b = c.wait_for(lambda m: m["type"] == "booting", what="booting")
        self.assertEqual(b["multiboot"], True)
        self.assertEqual(b["initrd"], ["sda1:/boot/vmlinuz", "sda1:/boot/initrd.img"])
        self.assertEqual(b["module_args"], ["root=/dev/sda1 ro", ""])
        self.assertEqual(b["cmdline"], "dom0_mem=1G")
        self.assertEqual(d.wait_exit(), 0)
        plan = parse_plan(d.plan())
        self.assertEqual(plan["type"], ["multiboot"])
        self.assertEqual(plan["initrd"], target["initrd"])
        self.assertEqual(plan["module-args"], ["root=/dev/sda1 ro", ""])
        self.assertEqual(plan["cmdline"], ["dom0_mem=1G"])

    def test_boot_edited_multiboot_files(self):
        d = self.start([spec(xen_fs(self.tmp, "xen"), "sda1")], "--timeout", "-1")
        c = d.client()
        c.initial()
        c.send({"type": "boot", "seq": 1, "kernel": "sda1:/boot/xen.gz", "multiboot": True,
                "initrd": ["sda1:/boot/vmlinuz", "sda1:/boot/initrd.img"],
                "module_args": ["root=/dev/sda2 single"], "cmdline": "dom0_mem=2G"})
        b = c.wait_for(lambda m: m["type"] == "booting", what="booting")
        self.assertEqual(b["module_args"], ["root=/dev/sda2 single", ""])
        self.assertEqual(d.wait_exit(), 0)
        plan = parse_plan(d.plan())
        self.assertEqual(plan["type"], ["multiboot"])
        self.assertEqual(plan["module-args"], ["root=/dev/sda2 single", ""])

    def test_linux_plans_say_nothing_of_modules(self):
        d = self.start(self.three_sources(), "--timeout", "-1")
        c = d.client()
        c.initial()
        c.send({"type": "boot", "title": "Alpine LTS"})
        b = c.wait_for(lambda m: m["type"] == "booting", what="booting")
        self.assertNotIn("multiboot", b)
        self.assertNotIn("module_args", b)
        self.assertEqual(d.wait_exit(), 0)
        plan = parse_plan(d.plan())
        self.assertNotIn("type", plan)
        self.assertNotIn("module-args", plan)

    def test_boot_errors_keep_the_daemon_running(self):
        sources = [spec(grub_fs(self.tmp, "deb", ["Debian", "Gone"], missing=("Gone",)),
                        "sda1")]
        gone = [e for e in self.scan_json(sources)["entries"] if e["title"] == "Gone"][0]
        self.assertFalse(gone["available"])
        d = self.start(sources, "--timeout", "-1")
        r = d.kboot("boot", "no-such-entry")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no-such-entry", r.stdout + r.stderr)
        r = d.kboot("boot", gone["id"])
        self.assertNotEqual(r.returncode, 0)
        c = d.client()
        c.initial()
        bad = [
            ({"type": "boot", "id": "nope"}, "no entry with id 'nope'"),
            ({"type": "boot", "id": gone["id"]}, "cannot be booted"),
            ({"type": "boot", "title": "Nope"}, "no entry titled"),
            ({"type": "boot", "kernel": "sdz9:/vmlinuz"}, "no filesystem named 'sdz9'"),
            ({"type": "boot", "kernel": "sda1:/boot/vmlinuz-9"}, "is not there"),
            ({"type": "boot", "kernel": "sda1:/boot/vmlinuz-0", "initrd": ["sda1:/x"]},
             "is not there"),
            ({"type": "boot", "kernel": "vmlinuz"}, "NAME:/path"),
            ({"type": "boot", "kernel": "sda1:/boot/vmlinuz-0", "module_args": ["x"]},
             "needs \"multiboot\": true"),
            ({"type": "boot", "kernel": "sda1:/boot/vmlinuz-0", "multiboot": "yes"},
             "must be true or false"),
            ({"type": "boot", "kernel": "sda1:/boot/vmlinuz-0", "multiboot": True,
              "module_args": ["one too many"]}, "at most one per initrd"),
            ({"type": "boot", "kernel": "sda1:/boot/vmlinuz-0", "multiboot": True,
              "initrd": ["sda1:/boot/initrd.img-0"], "module_args": [7]}, "array of strings"),
            ({"type": "boot", "kernel": "sda1:/boot/vmlinuz-0", "multiboot": True,
              "initrd": ["sda1:/boot/nope"]}, "the module sda1:/boot/nope is not there"),
            ({"type": "boot"}, "needs"),
        ]
        for i, (req, text) in enumerate(bad):
            req["seq"] = 100 + i
            c.send(req)
            r = c.wait_for(lambda m: m["type"] == "reply", what="reply to %r" % req)
            self.assertEqual((r["seq"], r["ok"]), (100 + i, False), req)
            self.assertIn(text, r["error"])
        self.assertTrue(d.running())
        self.assertEqual(d.plan(), "")
        self.assertEqual(d.kboot("status").returncode, 0)


class ArgumentsTest(unittest.TestCase):
    def run_kboot(self, *args):
        return subprocess.run([KBOOT] + list(args), capture_output=True, text=True,
                              timeout=WAIT)

    def test_help(self):
        r = self.run_kboot("daemon", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--source", r.stdout)

    def test_bad_timeout(self):
        r = self.run_kboot("daemon", "--source", ".", "--timeout", "soon")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--timeout", r.stderr)

    @unittest.skipIf(os.geteuid() == 0, "root may watch real devices")
    def test_real_devices_need_root(self):
        r = self.run_kboot("daemon", "--socket", "/nonexistent/kboot.sock")
        self.assertEqual(r.returncode, 2)
        self.assertIn("needs root", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
