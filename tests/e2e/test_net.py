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
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_boot import B, DEMO, Vm  # noqa: E402

MAC = "52:54:00:12:34:56"  # QEMU's first NIC
BOOTIF = "BOOTIF=01-" + MAC.replace(":", "-")


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

    def test_no_dhcp_server_and_the_disk_entries_still_boot(self):
        v = self.vm([DEMO], net_opts="ipv4=off")
        v.wait_screen(r"Booting 'Demo BLS \(two initrds\)' in \d+ s")
        initrds, cmdline = v.target()
        self.assertEqual(initrds, "extra target")
        self.assertEqual(cmdline, "console=ttyS0 kboot.demo=bls")


if __name__ == "__main__":
    unittest.main(verbosity=2)
