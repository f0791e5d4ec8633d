#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end, network boot: the real kboot image in QEMU on a user network
with restrict=on, its files from QEMU's own TFTP server and from servers
on 127.0.0.1 that the guest reaches through guestfwd (docs/network.md).

The kernel booted is the image's own (Debian's) with the target initramfs
of tools/mktarget, which prints its command line and powers off.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_boot import B, DEMO, ROOT, Vm  # noqa: E402
import netservers  # noqa: E402  (tests/lib/, on the path through test_boot)
import nfsserver  # noqa: E402

MAC = "52:54:00:12:34:56"  # QEMU's first NIC
BOOTIF = "BOOTIF=01-" + MAC.replace(":", "-")


def boot_tree(tmp, name, grub_title, demo):
    """A directory with /boot/vmlinuz, /boot/target.img and a grub.cfg that
    boots them at once with kboot.demo=demo."""
    d = os.path.join(tmp, name)
    os.makedirs(os.path.join(d, "boot", "grub"))
    shutil.copy(os.path.join(B, "vmlinuz"), os.path.join(d, "boot", "vmlinuz"))
    shutil.copy(os.path.join(B, "target", "target.img"), os.path.join(d, "boot", "target.img"))
    with open(os.path.join(d, "boot", "grub", "grub.cfg"), "w") as f:
        f.write("set timeout=1\nmenuentry '%s' {\n"
                "  linux /boot/vmlinuz console=ttyS0 kboot.demo=%s\n"
                "  initrd /boot/target.img\n}\n" % (grub_title, demo))
    return d


def tftp_root(tmp):
    """A TFTP directory with the kernel and the target initramfs."""
    root = os.path.join(tmp, "tftp")
    os.makedirs(os.path.join(root, "pxelinux.cfg"))
    shutil.copy(os.path.join(B, "vmlinuz"), os.path.join(root, "vmlinuz"))
    shutil.copy(os.path.join(B, "target", "target.img"), os.path.join(root, "target.img"))
    return root


class NetBootTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kboot-e2e-net.")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def vm(self, *args, **kw):
        v = Vm(*args, **kw)
        self.addCleanup(v.close)
        return v

    def test_pxe_config_over_tftp_boots_with_ipappend(self):
        root = tftp_root(self.tmp)
        # The MAC's own config comes before "default" in pxelinux's order.
        with open(os.path.join(root, "pxelinux.cfg", "default"), "w") as f:
            f.write("DEFAULT wrong\nLABEL wrong\n  KERNEL vmlinuz\n  APPEND kboot.demo=wrong\n")
        with open(os.path.join(root, "pxelinux.cfg", "01-" + MAC.replace(":", "-")), "w") as f:
            f.write("DEFAULT netboot\nTIMEOUT 10\n"
                    "LABEL netboot\n  MENU LABEL PXE target\n  KERNEL vmlinuz\n"
                    "  INITRD target.img\n  APPEND console=ttyS0 kboot.demo=pxe\n"
                    "  IPAPPEND 3\n")
        v = self.vm([], net_opts="tftp=%s,bootfile=pxelinux.0" % root)
        v.wait_screen(r"Booting 'PXE target' in \d+ s")
        initrds, cmdline = v.target()
        self.assertEqual(initrds, "target")
        self.assertEqual(cmdline, "BOOT_IMAGE=vmlinuz console=ttyS0 kboot.demo=pxe "
                                  "initrd=target.img ip=10.0.2.15:10.0.2.2::255.255.255.0 "
                                  + BOOTIF)

    def serve(self, server):
        server.start()
        self.addCleanup(server.stop)
        return server

    def boot_config_by_url(self, server_class, demo):
        """kboot.url= names the grub.cfg on server_class's server; its entry
        (kernel and initrd from the same server) autoboots."""
        d = boot_tree(self.tmp, demo, "%s target" % demo.upper(), demo)
        srv = self.serve(server_class(d))
        v = self.vm([], net_opts=netservers.net_opts(srv),
                    append="kboot.url=" + srv.url("/boot/grub/grub.cfg"))
        v.wait_screen(r"Booting '%s target' in \d+ s" % demo.upper())
        initrds, cmdline = v.target()
        self.assertEqual(initrds, "target")
        self.assertEqual(cmdline, "BOOT_IMAGE=/boot/vmlinuz console=ttyS0 kboot.demo=" + demo)

    def test_http_config_by_kboot_url_boots(self):
        self.boot_config_by_url(netservers.HttpServer, "http")

    def test_ftp_config_and_files_boot(self):
        self.boot_config_by_url(netservers.FtpServer, "ftp")

    def test_nfs_export_is_scanned_like_a_disk_and_boots(self):
        d = boot_tree(self.tmp, "nfs", "NFS target", "nfs")
        n = self.serve(nfsserver.NfsServer(d))
        # Only on loopback.
        for a in n.listening():
            self.assertIn(a, ("0100007F", "0000000000000000FFFF00000100007F"))
        v = self.vm([], net_opts=n.guestfwd(),
                    append="kboot.url=nfs://%s%s" % (nfsserver.GUEST_ADDR, n.export))
        s = v.wait_screen(r"Booting 'NFS target' in \d+ s")
        self.assertRegex(s, r"nfs1 +nfs +nfs://10\.0\.2\.100/export")
        initrds, cmdline = v.target()
        self.assertEqual(initrds, "target")
        self.assertEqual(cmdline, "BOOT_IMAGE=/boot/vmlinuz console=ttyS0 kboot.demo=nfs")

    def test_wizard_static_address_and_kernel_url(self):
        d = boot_tree(self.tmp, "www", "unused", "unused")
        h = self.serve(netservers.HttpServer(d))
        v = self.vm([], net_opts=netservers.net_opts(h), append="kboot.net=none kboot.timeout=-1")
        v.wait_screen(r"Shell")
        v.keys("n")
        v.wait_screen(r"1/3 The network interface")
        v.wait_screen(r"eth0 +link (up|down) +52:54:00:12:34:56")  # not up yet: none
        v.keys("Enter")  # eth0
        v.wait_screen(r"2/3 The address of eth0")
        v.keys("Down", "Enter")  # static
        v.wait_screen(r"^ Address\b")
        v.type("10.0.2.300/24")
        v.keys("Enter", "Enter", "Enter")
        v.wait_screen(r"'10\.0\.2\.300' is not an IPv4 address")
        v.keys("C-u")
        v.type("10.0.2.15/24")
        v.keys("Enter", "Enter", "Enter")
        v.wait_screen(r"3/3 What to boot")
        v.keys("Down", "Down", "Enter")
        v.wait_screen(r"^ Kernel URL\b")
        v.type(h.url("/boot/vmlinuz"))
        v.keys("Down")
        v.type(h.url("/boot/target.img"))
        v.keys("Down")
        v.type("console=ttyS0 kboot.demo=wizard")
        v.keys("Enter")
        initrds, cmdline = v.target()
        self.assertEqual(initrds, "target")
        self.assertEqual(cmdline, "console=ttyS0 kboot.demo=wizard")

    def test_wizard_dhcp_then_pxe(self):
        root = tftp_root(self.tmp)
        with open(os.path.join(root, "pxelinux.cfg", "default"), "w") as f:
            f.write("LABEL w\n  MENU LABEL PXE by the wizard\n  KERNEL vmlinuz\n"
                    "  INITRD target.img\n  APPEND console=ttyS0 kboot.demo=wizard-pxe\n"
                    "  IPAPPEND 1\n")
        v = self.vm([], net_opts="tftp=%s,bootfile=pxelinux.0" % root,
                    append="kboot.net=none kboot.timeout=-1")
        v.wait_screen(r"Shell")
        v.keys("n")
        v.wait_screen(r"eth0 +link (up|down) +52:54:00:12:34:56")
        v.keys("Enter")  # eth0
        v.wait_screen(r"2/3 The address of eth0")
        v.keys("Enter")  # DHCP: the wizard waits for the lease
        v.wait_screen(r"3/3 What to boot")
        v.keys("Enter")  # find the config by PXE
        v.wait_screen(r"PXE by the wizard")
        v.keys("Home", "Enter")
        initrds, cmdline = v.target()
        self.assertEqual(initrds, "target")
        self.assertEqual(cmdline, "BOOT_IMAGE=vmlinuz console=ttyS0 kboot.demo=wizard-pxe "
                                  "initrd=target.img ip=10.0.2.15:10.0.2.2::255.255.255.0")

    def test_host_name_from_the_images_hosts_file(self):
        # An image of its own, built with HOSTS= (tools/mkimage --hosts).
        hosts = os.path.join(self.tmp, "hosts")
        with open(hosts, "w") as f:
            f.write("%s bootsrv.test bootsrv\n" % netservers.GUEST_ADDR)
        build = os.path.join(self.tmp, "build")
        os.makedirs(build)
        subprocess.run([os.path.join(ROOT, "tools", "mkimage"), "--hosts", hosts, "--out", build],
                       check=True, stdout=subprocess.DEVNULL)
        d = boot_tree(self.tmp, "www", "Named target", "names")
        h = self.serve(netservers.HttpServer(d))
        v = self.vm([], net_opts=netservers.net_opts(h), build=build,
                    append="kboot.url=http://bootsrv:%d/boot/grub/grub.cfg" % h.guest_port)
        v.wait_screen(r"Booting 'Named target' in \d+ s")
        initrds, cmdline = v.target()
        self.assertEqual(cmdline, "BOOT_IMAGE=/boot/vmlinuz console=ttyS0 kboot.demo=names")

    def test_faults_404_cancel_and_stall_leave_a_working_menu(self):
        d = boot_tree(self.tmp, "www", "Good", "faults")
        with open(os.path.join(d, "boot", "big"), "wb") as f:
            f.truncate(64 << 20)
        with open(os.path.join(d, "boot", "grub", "grub.cfg"), "a") as f:
            for title, path in (("Missing", "nothere"), ("Slow", "big"), ("Stalled", "stall")):
                f.write("menuentry '%s' {\n  linux /boot/%s\n}\n" % (title, path))
        h = self.serve(netservers.HttpServer(d, faults={"/boot/big": "slow",
                                                        "/boot/stall": "stall"}))
        v = self.vm([], net_opts=netservers.net_opts(h),
                    append="kboot.timeout=-1 kboot.url=" + h.url("/boot/grub/grub.cfg"))
        v.wait_screen(r"Stalled")
        # (The serial console is 80 columns wide: the patterns fit in them.)
        v.keys("Down", "Enter")  # Missing
        v.wait_screen(r"'Missing': \S+/boot/nothere: 404 File")
        v.keys("Down")
        v.wait_screen(r"^ url1:/boot/big")
        v.keys("Enter")  # Slow: cancelled while it downloads
        v.wait_screen(r"Downloading kernel: .*of 64\.0 MiB")
        v.keys("Escape")
        s = v.wait_screen(r"Download of the kernel stopped")
        self.assertNotIn("Downloading", s)
        v.keys("Down")
        v.wait_screen(r"^ url1:/boot/stall")
        v.keys("Enter")  # Stalled: no data for 15 s
        v.wait_screen(r"'Stalled': \S+/boot/stall: no data for 15 s")
        v.keys("Home", "Enter")  # the menu still boots the good entry
        initrds, cmdline = v.target()
        self.assertEqual(cmdline, "BOOT_IMAGE=/boot/vmlinuz console=ttyS0 kboot.demo=faults")

    def test_no_dhcp_server_and_the_disk_entries_still_boot(self):
        v = self.vm([DEMO], net_opts="ipv4=off")
        v.wait_screen(r"Booting 'Demo BLS \(two initrds\)' in \d+ s")
        initrds, cmdline = v.target()
        self.assertEqual(initrds, "extra target")
        self.assertEqual(cmdline, "console=ttyS0 kboot.demo=bls")


if __name__ == "__main__":
    unittest.main(verbosity=2)
