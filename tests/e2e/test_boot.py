#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end: the real kboot image boots in QEMU, finds the demo disk's
systems and kexecs a real kernel.

Each test runs tools/qemu (the image in build/, the serial console in a
tmux pane, no network) and reads the console.  The kernels kboot jumps
into boot a tiny "target" initramfs (tools/mktarget) that prints

    KBOOT-TARGET: initrds=<the initrds it received> cmdline=<its /proc/cmdline>

and powers off, which ends QEMU.  Needs build/vmlinuz, build/kboot.cpio.zst,
build/demo.img and build/test-disks/ (`make check` builds them).  Python 3,
tmux and qemu-system-x86 only.

The multiboot tests boot Debian's Xen from build/test-disks/multiboot.img
(tools/mkdemo --multiboot): kboot kexecs Xen through kexec-tools with the
kernel and the target as modules, Xen starts the kernel as dom0, and the
target's line is dom0's command line - the first module's own.

Timeouts are written for TCG (a whole boot, kexec included, takes 15-25 s
here) and scale with the accelerator tools/qemu-accel picks once for every
VM of the run: a quarter of them under KVM.  KBOOT_E2E_WAIT sets the main
one (seconds under TCG, default 120).
"""
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
B = os.path.join(ROOT, "build")
DEMO = os.path.join(B, "demo.img")
DISKS = os.path.join(B, "test-disks")
MULTIBOOT = os.path.join(DISKS, "multiboot.img")
XEN_ARGS = "console=com1 com1=115200,8n1 dom0_mem=256M no-real-mode edd=off"
DOM0_ARGS = "root=/dev/sda1 console=hvc0"

# One probe for the whole run; every tools/qemu of it inherits the answer.
ACCEL = os.environ["KBOOT_ACCEL"] = subprocess.run(
    [os.path.join(ROOT, "tools", "qemu-accel")], stdout=subprocess.PIPE, check=True,
    universal_newlines=True).stdout.strip()


def secs(tcg_seconds):
    """A timeout written for TCG, for the accelerator in use."""
    return tcg_seconds * (1 if ACCEL == "tcg" else 0.25)


WAIT = secs(float(os.environ.get("KBOOT_E2E_WAIT", "120")))
MARK = r"KBOOT-TARGET: initrds=(.*?) cmdline=(.*)\n"  # a whole line: the log may end mid-line
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import tmuxpane  # noqa: E402


class Vm(tmuxpane.Pane):
    """One QEMU, its serial console in a tmux pane, everything it prints in a log.

    vga=True: QEMU's VGA text screen (with a kernel console, so a menu) is
    in a second pane, self.vga, and the serial line reaches the first one
    through a Unix socket (tools/qemu --vga --serial-socket, socat)."""

    def __init__(self, disks, append="", writable=False, net=False, width=100, height=30,
                 net_opts=None, build=None, vga=False, disk_boot=False, trace_writes=None):
        self.log = tempfile.NamedTemporaryFile(prefix="kboot-e2e-", suffix=".log", delete=False)
        self.log.close()
        self.vga = None
        args = [os.path.join(ROOT, "tools", "qemu")]
        if writable:
            args.append("--writable")
        if net:
            args.append("--net")
        if net_opts:
            args += ["--net-opts", net_opts]
        if append:
            args += ["--append", append]
        if disk_boot:
            args.append("--disk-boot")
        if trace_writes:
            args += ["--trace-writes", trace_writes]
        env = "TERM=xterm-256color" + (" KBOOT_BUILD=" + shlex.quote(build) if build else "")
        if vga:
            self.tmp = tempfile.mkdtemp(prefix="kboot-e2e-vga-")
            sock, rc = (shlex.quote(os.path.join(self.tmp, n)) for n in ("serial", "rc"))
            args += ["--vga", "--serial-socket", os.path.join(self.tmp, "serial")] + disks
            self.vga = tmuxpane.Pane("vga", "env %s %s; echo $? >%s; sleep 600" % (
                env, " ".join(shlex.quote(a) for a in args), rc), 100, 30, key_delay=0.1)
            cmd = ("until [ -S {s} ]; do sleep 0.1; done; socat -,raw,echo=0 unix-connect:{s};"
                   " until [ -s {rc} ]; do sleep 0.2; done; echo QEMU-EXIT=$(cat {rc});"
                   " sleep 600").format(s=sock, rc=rc)
        else:
            cmd = "env %s %s; echo QEMU-EXIT=$?; sleep 600" % (env, " ".join(
                shlex.quote(a) for a in args + disks))
        super().__init__("e2e", cmd, width, height, key_delay=0.1, joined=True)
        self.tmux("pipe-pane", "-t", "p", "cat >> " + shlex.quote(self.log.name))

    def close(self):
        super().close()
        os.unlink(self.log.name)
        if self.vga:
            self.vga.close()
            shutil.rmtree(self.tmp, True)

    def output(self):
        """Everything the console printed so far (raw, escapes included)."""
        with open(self.log.name, "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r", "")

    def context(self):
        return "\n--- log:\n" + self.output()[-3000:]

    def wait_screen(self, pattern, timeout=WAIT, gone=False):
        return super().wait_screen(pattern, timeout, gone, poll=0.25)

    def wait_output(self, pattern, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.output(), re.M)
            if m:
                return m
            if time.monotonic() > deadline:
                raise AssertionError("no /%s/ in the console output after %.0f s:\n%s" % (
                    pattern, timeout, self.output()[-3000:]))
            time.sleep(0.25)

    def target(self):
        """The target's marker: (initrds, cmdline); and QEMU must have ended."""
        m = self.wait_output(MARK)
        self.wait_screen(r"^QEMU-EXIT=0$")
        return m.group(1).strip(), m.group(2).strip()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class BootTest(unittest.TestCase):
    def vm(self, *args, **kw):
        v = Vm(*args, **kw)
        self.addCleanup(v.close)
        return v

    def test_autoboot_boots_the_default_bls_entry_with_both_initrds(self):
        v = self.vm([DEMO])
        v.wait_screen(r"Booting 'Demo BLS \(two initrds\)' in \d+ s")
        initrds, cmdline = v.target()
        self.assertEqual(initrds, "extra target")
        self.assertEqual(cmdline, "console=ttyS0 kboot.demo=bls")

    def boot_by_default(self, title):
        v = self.vm([DEMO], append='kboot.timeout=1 kboot.default="%s"' % title)
        return v.target()

    def test_grub_submenu_entry(self):
        initrds, cmdline = self.boot_by_default("Demo GRUB (submenu entry)")
        self.assertEqual(initrds, "target")
        self.assertRegex(cmdline, r"^BOOT_IMAGE=/vmlinuz-\S+ root=UUID=\S+ ro console=ttyS0 "
                                  r"kboot.demo=grub-submenu$")

    def test_kexec_tools_loads_when_asked(self):
        v = self.vm([DEMO], append='kboot.timeout=1 kboot.kexec=tools kboot.default="Demo GRUB"')
        initrds, cmdline = v.target()
        self.assertEqual(initrds, "target")
        self.assertIn("console=ttyS0 kboot.demo=grub", cmdline)

    def test_extlinux_entry(self):
        initrds, cmdline = self.boot_by_default("Demo extlinux")
        self.assertEqual(initrds, "target")
        self.assertIn("console=ttyS0 kboot.demo=extlinux", cmdline)

    def test_lilo_entry_through_the_fstab_mounted_boot(self):
        initrds, cmdline = self.boot_by_default("demo-lilo")
        self.assertEqual(initrds, "target")
        self.assertRegex(cmdline, r"^BOOT_IMAGE=demo-lilo .*console=ttyS0 kboot.demo=lilo")

    def test_fallback_scan_entry_chosen_and_edited_in_the_menu(self):
        v = self.vm([DEMO], append="kboot.timeout=-1")
        v.wait_screen(r"Linux \S+ \(vda4\)")
        v.keys("End", "Up")  # the last entry, above the shell
        v.wait_screen(r"^ vda4:/boot/vmlinuz-")
        v.keys("e")
        v.wait_screen(r"^ Cmdline ")
        v.type(" kboot.demo=scan-edited")
        v.keys("C-x")
        initrds, cmdline = v.target()
        self.assertRegex(cmdline, r"^root=UUID=\S+ ro kboot.demo=scan-edited$")
        self.assertRegex(initrds, r"target")

    def test_ctrl_c_before_the_menu_gives_an_emergency_shell(self):
        v = self.vm([DEMO], append="kboot.timeout=-1")
        v.wait_output(r"Booting from ROM", timeout=WAIT)  # SeaBIOS: the kernel is next
        deadline = time.monotonic() + WAIT
        while "emergency shell" not in v.output():
            self.assertLess(time.monotonic(), deadline, v.output()[-2000:])
            v.keys("C-c")
            time.sleep(0.2)
        self.assertNotIn("kboot 0.1.0", v.screen())  # no menu took the console
        v.type("echo shell-$((6*7))")
        v.keys("Enter")
        v.wait_output(r"shell-42")

    def test_a_file_that_is_no_kernel_is_refused_and_the_menu_goes_on(self):
        v = self.vm([DEMO, os.path.join(DISKS, "garbage-config.img")],
                    append='kboot.timeout=1 kboot.default="Not a kernel"')
        s = v.wait_screen(r"cannot boot 'Not a kernel': ")
        self.assertNotIn("KBOOT-TARGET", v.output())
        v.keys("End")
        for _ in range(10):  # up to Survivor, the entry with a real kernel
            v.keys("Up")
            time.sleep(0.5)
            if re.search(r"(?m)^ vdb:/boot/vmlinuz-", v.screen()):
                break
        v.wait_screen(r"^ vdb:/boot/vmlinuz-", timeout=secs(5))
        v.keys("Enter")
        initrds, cmdline = v.target()
        self.assertEqual(cmdline, "console=ttyS0 kboot.demo=garbage")

    def test_a_dead_daemon_gives_a_message_and_a_shell_not_a_panic(self):
        v = self.vm([DEMO], append="kboot.timeout=-1")
        v.wait_screen(r"Demo BLS")
        v.keys("c")
        v.wait_output(r"type 'exit' to return to the menu")
        v.type("kill -9 $(ps | awk '/kboot daemon$/ {print $1}')")
        v.keys("Enter")
        v.wait_output(r"kboot: the daemon stopped \(status 137\); a shell follows")
        v.wait_output(r"a shell follows(.|\n)*Enter 'help' for a list of built-in commands")
        self.assertNotIn("Kernel panic", v.output())

    def test_dhcp_lease_from_qemus_user_network_in_system_information(self):
        v = self.vm([DEMO], append="kboot.timeout=-1", net=True)
        v.wait_screen(r"Demo BLS")
        v.keys("i")
        v.wait_screen(r"Network interfaces")
        v.keys("End")  # the daemon's view is at the bottom of the page
        # With restrict=on QEMU's DHCP server gives no router and no DNS.
        # Both lines in one match: a screen read mid-redraw may hold only the first.
        v.wait_screen(r"eth0 +dhcp, up: 10\.0\.2\.15/24 *\n +boot server 10\.0\.2\.2, file -")
        s = v.screen()
        self.assertRegex(s, r"eth0 +up +52:54:00:")

    def boot_xen(self, title):
        """Boot a multiboot entry of the multiboot disk: (what Xen says of
        its loader and command line, the target's initrds and cmdline)."""
        v = self.vm([MULTIBOOT], append='kboot.timeout=1 kboot.default="%s"' % title)
        initrds, cmdline = v.target()
        loader = v.wait_output(r"\(XEN\) Bootloader: (.*)\n").group(1).strip()
        xen = v.wait_output(r"\(XEN\) Command line: (.*)\n").group(1).strip()
        return loader, xen, initrds, cmdline

    def test_grub_multiboot_modules_keep_their_command_lines(self):
        loader, xen, initrds, cmdline = self.boot_xen("Xen (GRUB multiboot)")
        self.assertRegex(loader, r"^kexec ")  # kexec-tools loaded it
        self.assertEqual(xen, XEN_ARGS + " kboot.xen=grub")
        # The first module's own command line is dom0's, exactly; the
        # second module is dom0's initrd.
        self.assertEqual(cmdline, DOM0_ARGS + " kboot.demo=grub-xen")
        self.assertEqual(initrds, "target")

    def test_syslinux_mboot_c32_modules_keep_their_command_lines(self):
        loader, xen, initrds, cmdline = self.boot_xen("Xen (syslinux mboot.c32)")
        self.assertRegex(loader, r"^kexec ")
        self.assertEqual(xen, XEN_ARGS + " kboot.xen=mboot")
        self.assertEqual(cmdline, DOM0_ARGS + " kboot.demo=mboot-xen")
        self.assertEqual(initrds, "target")

    def test_bad_media_leave_a_working_menu_and_no_disk_is_written(self):
        disks = [DEMO] + [os.path.join(DISKS, n) for n in
                          ("bad-table.img", "garbage-config.img", "needs-recovery.img")]
        tmp = tempfile.mkdtemp(prefix="kboot-e2e-disks-")
        self.addCleanup(shutil.rmtree, tmp)
        copies = []
        for d in disks:
            c = os.path.join(tmp, os.path.basename(d))
            shutil.copyfile(d, c)
            copies.append(c)
        before = [sha256(c) for c in copies]
        v = self.vm(copies, writable=True, append='kboot.timeout=5 kboot.default=Survivor')
        v.wait_screen(r"Booting 'Survivor' in \d+ s")
        for title in ("Demo BLS (two initrds)", "Demo GRUB", "Journal survivor", "Survivor"):
            v.wait_screen(re.escape(title), timeout=secs(10))  # disks are probed side by side
        initrds, cmdline = v.target()
        self.assertIn("target", initrds)
        after = [sha256(c) for c in copies]
        self.assertEqual(before, after, "a disk image changed")


if __name__ == "__main__":
    print("tests/e2e: QEMU with %s" % ACCEL.upper(), file=sys.stderr)
    for f in (os.path.join(B, "vmlinuz"), os.path.join(B, "kboot.cpio.zst"), DEMO, MULTIBOOT):
        if not os.path.exists(f):
            sys.exit("tests/e2e: %s is missing (make image demo-disk test-disks)" % f)
    unittest.main(verbosity=2)
