#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end on a system nobody here wrote: build/real/debian12.img, a
Debian 12 installed by Debian's own tools (tools/mkrealdisk,
docs/real-disk.md): two kernels, update-grub's "Advanced options"
submenu, GRUB_DEFAULT=saved, grub-set-default naming the older kernel
inside the submenu by title, grub-reboot the newer one by id.

The same disk boots under its own GRUB (SeaBIOS, tools/qemu --disk-boot)
and under kboot, which must choose the same entry and pass the same
command line: the booted Debian reaches multi-user.target and its
kboot-report.service prints

    REAL-TARGET: uname=<uname -r> multi-user=<state> cmdline=<its /proc/cmdline>

then powers off.  GRUB consumes grub-reboot's one-shot (it writes
next_entry= into grubenv), so the sequence is: GRUB on a copy of the disk
(a qcow2 overlay, written), kboot on the disk as built (grub-reboot's
entry), then kboot and GRUB on the copy (saved_entry only).  kboot must
write nothing before the jump; the booted Debian then writes to its own
disk, so that is proven from QEMU's trace of the disk (tools/qemu
--trace-writes): no write before the kernel kboot jumped to drives it.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_boot import B, Vm, secs  # noqa: E402

REAL = os.path.join(B, "real", "debian12.img")
REPORT = r"REAL-TARGET: uname=(\S+) multi-user=(\S+) cmdline=(.*?)\r?\n"
# A whole Debian boot under TCG (SeaBIOS or kboot, kernel, initramfs,
# systemd to multi-user.target).
BOOT = secs(400)


def disk_takeovers(trace):
    """From a `tools/qemu --trace-writes` log: each time a driver took the
    disk over (set DRIVER_OK, status bit 4, after a reset), the number of
    disk writes since the previous one.  One disk, three drivers in turn:
    SeaBIOS (probing for a boot loader), kboot's kernel, the kernel kboot
    jumped to.  Returns [writes before the 1st, before the 2nd, ..., after
    the last]."""
    counts = [0]
    driving = False
    with open(trace) as f:
        for line in f:
            if "virtio_blk_handle_write" in line:
                counts[-1] += 1
                continue
            m = re.search(r"virtio_set_status vdev \S+ val (\d+)", line)
            if not m:
                continue
            ok = int(m.group(1)) & 4 != 0
            if ok and not driving:
                counts.append(0)
            driving = ok
    return counts


class RealDiskTest(unittest.TestCase):
    def boot(self, disk, grub, trace=None, writable=False):
        """Boot disk under its GRUB or under kboot: (uname, cmdline)."""
        v = Vm([disk], disk_boot=grub, trace_writes=trace, writable=writable)
        self.addCleanup(v.close)
        m = v.wait_output(REPORT, timeout=BOOT)
        v.wait_screen(r"^QEMU-EXIT=0$")
        uname, multi_user, cmdline = m.groups()
        self.assertEqual(multi_user, "active", v.context())
        return uname, cmdline

    def test_kboot_chooses_and_passes_what_the_disks_own_grub_does(self):
        tmp = tempfile.mkdtemp(prefix="kboot-e2e-real-")
        self.addCleanup(shutil.rmtree, tmp)
        copy = os.path.join(tmp, "copy.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", REAL, "-F", "raw",
                        copy], check=True)
        # GRUB, writable: it boots grub-reboot's entry and clears next_entry.
        grub_next = self.boot(copy, grub=True, writable=True)
        # kboot on the disk as built: the same entry, nothing written.
        trace = os.path.join(tmp, "trace")
        kboot_next = self.boot(REAL, grub=False, trace=trace)
        self.assertEqual(kboot_next, grub_next)
        # SeaBIOS, kboot's kernel, Debian's: kboot wrote nothing before
        # the jump, and the trace does see writes (Debian's, after it).
        counts = disk_takeovers(trace)
        self.assertEqual(len(counts), 4, "expected 3 drivers of the disk: %r" % counts)
        self.assertEqual(counts[:3], [0, 0, 0], "writes before the jump: %r" % counts)
        self.assertGreater(counts[3], 0)
        # Both on the copy, where only saved_entry is left.
        kboot_saved = self.boot(copy, grub=False)
        grub_saved = self.boot(copy, grub=True)
        self.assertEqual(kboot_saved, grub_saved)
        # The two defaults are different kernels: the test tells them apart.
        self.assertNotEqual(grub_next[0], grub_saved[0])


if __name__ == "__main__":
    if not os.path.exists(REAL):
        sys.exit("tests/e2e: %s is missing (make real-disk)" % REAL)
    unittest.main(verbosity=2)
