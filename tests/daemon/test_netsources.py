#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Network sources and downloads of `kboot daemon` (docs/network.md), over
real HTTP and FTP servers on 127.0.0.1.

The daemon runs with --source directories (it never touches the host's
network); kboot.url= and the "source" request add configs by URL, and
boots of their entries (or of URLs given by hand) download the files
first.  Faults: a 404, a server that accepts and never answers, a slow
download cancelled with "abort".  PXE needs a lease: tests/e2e covers it.
"""
import json
import os
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from test_daemon import Daemon, WAIT, entries, parse_plan, write  # noqa: E402
from netservers import FtpServer, HttpServer  # noqa: E402

KERNEL = b"K" * 300000


class NetSourceTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kboot-netsrc-test.")
        self.srv_dir = os.path.join(self.tmp, "srv")
        write(os.path.join(self.srv_dir, "boot", "grub.cfg"),
              "set timeout=3\n"
              "menuentry 'Net GRUB' {\n  linux /boot/vmlinuz console=ttyS0 net=grub\n"
              "  initrd /boot/initrd.img\n}\n"
              "source /boot/more.cfg\n")
        write(os.path.join(self.srv_dir, "boot", "more.cfg"),
              "menuentry 'Included' {\n  linux /boot/vmlinuz inc=1\n}\n"
              "menuentry 'Missing kernel' {\n  linux /boot/nothere\n}\n")
        write(os.path.join(self.srv_dir, "pxe", "menu.cfg"),
              "DEFAULT one\nLABEL one\n  KERNEL ../boot/vmlinuz\n  APPEND x=1\n")
        with open(os.path.join(self.srv_dir, "boot", "vmlinuz"), "wb") as f:
            f.write(KERNEL)
        write(os.path.join(self.srv_dir, "boot", "initrd.img"), "INITRD\n")
        self.empty = os.path.join(self.tmp, "disk")
        os.makedirs(self.empty)
        write(os.path.join(self.empty, "boot", "vmlinuz-disk"), "disk kernel\n")
        write(os.path.join(self.empty, "boot", "grub", "grub.cfg"),
              "menuentry 'Disk entry' {\n  linux /boot/vmlinuz-disk\n}\n")
        with open(os.path.join(self.srv_dir, "boot", "big"), "wb") as f:
            f.truncate(16 << 20)
        self.http = HttpServer(self.srv_dir, faults={"/boot/stall": "stall",
                                                     "/boot/big": "slow"}).start()
        self.url = self.http.host_url("").rstrip("/")
        self.daemon = None

    def tearDown(self):
        problem = self.daemon.stop() if self.daemon else None
        self.http.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
        if problem:
            self.fail("daemon: " + problem)

    def start(self, cmdline=""):
        self.daemon = Daemon(self.tmp, [self.empty + ":name=disk"],
                             ["--dry-run", "--cmdline", "kboot.timeout=-1 " + cmdline])
        c = self.daemon.client()
        c.initial()
        return c

    def wait_menu(self, c, n):
        return c.seen_or_wait(lambda m: m["type"] == "menu" and len(entries(m)) >= n,
                              what="a menu of %d entries" % n)

    def test_kboot_url_config_and_its_includes_join_the_menu(self):
        c = self.start("kboot.url=%s/boot/grub.cfg" % self.url)
        menu = self.wait_menu(c, 4)
        by_title = {e["title"]: e for e in entries(menu)}
        self.assertEqual(by_title["Net GRUB"]["kernel"], "url1:/boot/vmlinuz")
        self.assertEqual(by_title["Net GRUB"]["initrd"], ["url1:/boot/initrd.img"])
        self.assertIn("Included", by_title)
        # Network files are only looked at when they are fetched.
        self.assertTrue(by_title["Missing kernel"]["available"])
        devs = c.seen_or_wait(lambda m: m["type"] == "devices" and any(
            d["name"] == "url1" and d["state"] == "ready" for d in m["devices"]))
        url1 = [d for d in devs["devices"] if d["name"] == "url1"][0]
        self.assertEqual(url1["fstype"], "http")
        self.assertEqual(url1["url"], self.url + "/boot/grub.cfg")

    def test_boot_of_a_network_entry_downloads_then_boots(self):
        c = self.start("kboot.url=%s/boot/grub.cfg" % self.url)
        menu = self.wait_menu(c, 4)
        e = [e for e in entries(menu) if e["title"] == "Net GRUB"][0]
        c.send({"type": "boot", "id": e["id"], "seq": 1})
        c.wait_for(lambda m: m["type"] == "reply" and m["ok"], what="ok reply")
        done = c.wait_for(lambda m: m["type"] == "download" and m["name"] == "kernel"
                          and m["state"] == "done", what="kernel downloaded")
        self.assertEqual(done["bytes"], len(KERNEL))
        self.assertEqual(done["total"], len(KERNEL))
        self.assertEqual(done["url"], self.url + "/boot/vmlinuz")
        b = c.wait_for(lambda m: m["type"] == "booting", what="booting")
        self.assertEqual(b["kernel"], self.url + "/boot/vmlinuz")
        self.assertEqual(b["initrd"], [self.url + "/boot/initrd.img"])
        self.assertEqual(self.daemon.wait_exit(), 0)
        plan = parse_plan(self.daemon.plan())
        self.assertEqual(plan["cmdline"], ["BOOT_IMAGE=/boot/vmlinuz console=ttyS0 net=grub"])
        self.assertEqual(plan["kernel"], [self.url + "/boot/vmlinuz"])

    def test_a_password_in_a_url_is_never_shown(self):
        """Not in status lines, the backlog a new client gets, devices, downloads,
        booting, the plan or the daemon's own output; the URL is shown with ***."""
        secret = self.url.replace("http://", "http://alice:SeCrEt1@", 1)
        c = self.start("kboot.url=%s/boot/grub.cfg" % secret)
        menu = self.wait_menu(c, 4)
        late = self.daemon.client()
        late.initial()
        e = [e for e in entries(menu) if e["title"] == "Net GRUB"][0]
        c.send({"type": "boot", "id": e["id"], "seq": 1})
        c.wait_for(lambda m: m["type"] == "booting", what="booting")
        self.assertEqual(self.daemon.wait_exit(), 0)
        shown = "\n".join(json.dumps(m) for m in c.seen + late.seen)
        shown += self.daemon.log() + self.daemon.plan()
        self.assertNotIn("SeCrEt1", shown)
        self.assertIn("alice:***@127.0.0.1", shown)
        self.assertIn("alice:***@127.0.0.1", self.daemon.plan())

    def test_404_is_a_message_and_the_disk_still_boots(self):
        c = self.start("kboot.url=%s/boot/grub.cfg" % self.url)
        menu = self.wait_menu(c, 4)
        e = [e for e in entries(menu) if e["title"] == "Missing kernel"][0]
        c.send({"type": "boot", "id": e["id"], "seq": 1})
        st = c.wait_for(lambda m: m["type"] == "status" and m["level"] == "error",
                        what="an error")
        self.assertIn(self.url + "/boot/nothere: 404", st["text"])
        # The same through the command line: an exit status and the reason.
        r = self.daemon.kboot("boot", "--kernel", self.url + "/boot/nothere2")
        self.assertEqual(r.returncode, 1)
        self.assertIn("/boot/nothere2: 404", r.stderr)
        r = self.daemon.kboot("status")
        self.assertRegex(r.stdout, r"\n  kernel +failed +0 bytes, 0.0 MiB/s, http://\S+/boot/nothere2: 404")
        disk = [e for e in entries(menu) if e["title"] == "Disk entry"][0]
        r = self.daemon.kboot("boot", disk["id"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.daemon.wait_exit(), 0)
        self.assertIn("Disk entry", self.daemon.plan())

    def test_stalled_server_times_out_with_a_message(self):
        c = self.start()
        c.send({"type": "boot", "kernel": self.url + "/boot/stall", "seq": 1})
        c.wait_for(lambda m: m["type"] == "reply" and m["ok"], what="ok reply")
        t0 = time.monotonic()
        st = c.wait_for(lambda m: m["type"] == "status" and m["level"] == "error",
                        timeout=WAIT * 2, what="the stall timeout")
        self.assertIn("/boot/stall: no data for", st["text"])
        self.assertGreater(time.monotonic() - t0, 5)  # it did wait for data first
        # The menu is still usable: a disk entry boots.
        r = self.daemon.kboot("boot", "--title", "Disk entry")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.daemon.wait_exit(), 0)

    def test_abort_stops_a_slow_download_at_once(self):
        c = self.start()
        c.send({"type": "boot", "kernel": self.url + "/boot/big", "seq": 1})
        c.wait_for(lambda m: m["type"] == "download" and m["state"] == "running"
                   and m["bytes"] > 0, what="download progress")
        c.send({"type": "boot", "title": "Disk entry", "seq": 2})
        busy = c.wait_for(lambda m: m["type"] == "reply" and m.get("seq") == 2)
        self.assertFalse(busy["ok"])
        self.assertIn("downloads", busy["error"])
        t0 = time.monotonic()
        c.send({"type": "abort", "seq": 3})
        c.wait_for(lambda m: m["type"] == "download" and m["state"] == "cancelled",
                   what="the cancelled download")
        self.assertLess(time.monotonic() - t0, 1.0)
        r = self.daemon.kboot("boot", "--title", "Disk entry")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.daemon.wait_exit(), 0)

    def test_source_request_and_its_errors(self):
        c = self.start()
        c.send({"type": "source", "url": "htp://x/k", "seq": 1})
        r = c.wait_for(lambda m: m["type"] == "reply" and m.get("seq") == 1)
        self.assertFalse(r["ok"])
        self.assertIn("unknown scheme", r["error"])
        c.send({"type": "source", "url": self.url + "/none/grub.cfg", "seq": 2})
        self.assertTrue(c.wait_for(lambda m: m["type"] == "reply" and m.get("seq") == 2)["ok"])
        devs = c.wait_for(lambda m: m["type"] == "devices" and any(
            d["state"] == "failed" for d in m["devices"]), what="a failed source")
        failed = [d for d in devs["devices"] if d["state"] == "failed"][0]
        self.assertIn("/none/grub.cfg: 404", failed["reason"])
        # A syslinux config whose paths go up from its directory.
        c.send({"type": "source", "url": self.url + "/pxe/menu.cfg", "seq": 3})
        menu = c.wait_for(lambda m: m["type"] == "menu" and any(
            e["title"] == "one" for e in entries(m)), what="the syslinux entry")
        one = [e for e in entries(menu) if e["title"] == "one"][0]
        self.assertEqual(one["kernel"], "url2:/boot/vmlinuz")

    def test_ftp_kernel_by_url(self):
        ftpd = FtpServer(self.srv_dir, host=True).start()
        self.addCleanup(ftpd.stop)
        url = ftpd.host_url("/boot/vmlinuz")
        c = self.start()
        c.send({"type": "boot", "kernel": url, "cmdline": "ftp=1", "seq": 1})
        done = c.wait_for(lambda m: m["type"] == "download" and m["state"] == "done",
                          what="the FTP download")
        self.assertEqual(done["bytes"], len(KERNEL))
        self.assertEqual(self.daemon.wait_exit(), 0)
        self.assertEqual(parse_plan(self.daemon.plan())["kernel"], [url])


if __name__ == "__main__":
    unittest.main(verbosity=2)
