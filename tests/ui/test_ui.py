#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The menu in a real terminal: the real kboot binary runs in tmux, keys go
in with send-keys, the screen comes out with capture-pane and is compared.

Every test runs `kboot menu --dry-run` over the fixture in tests/ui/data
(a Debian-style /boot with a submenu and an entry whose kernel is gone,
and an Alpine-style USB stick), with a fixed TERM, size and locale; a boot
prints its plan once curses is left, and the wrapper prints EXIT=<status>.
Countdowns are read as text; a test that needs a still screen turns the
countdown off (--timeout -1), so time never shows on a compared screen.
Golden screens live in tests/ui/screens/ (KBOOT_UPDATE_SCREENS=1 rewrites
them; read the diff).  Network sources and downloads come from a real HTTP
server on 127.0.0.1 (tests/lib/netservers.py); the wizard's interface steps need
interfaces, so tests/e2e/test_net.py drives them in QEMU.  Python 3 and
tmux only.
"""
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
KBOOT = os.environ.get("KBOOT", os.path.join(ROOT, "build", "kboot"))
DATA = os.path.join(ROOT, "tests", "ui", "data")
SCREENS = os.path.join(ROOT, "tests", "ui", "screens")
WAIT = float(os.environ.get("KBOOT_TEST_WAIT", "10"))
SOURCES = [os.path.join(DATA, "boot") + ":name=sda1:label=boot:uuid=0bb7-boot",
           os.path.join(DATA, "usb") + ":name=sdb1:label=ALPINE"]
KEYMAP_C = os.path.join(ROOT, "ui", "keymap.c")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import netservers  # noqa: E402
import tmuxpane  # noqa: E402


class Term(tmuxpane.Pane):
    """kboot (menu, or ui) in a tmux pane; the pane stays when it exits."""

    def __init__(self, args, width=80, height=24, term="xterm-256color", lang="C.UTF-8",
                 env=None, kboot_cmd="menu", ignore_int=False):
        envs = {"TERM": term, "LANG": lang, "LC_ALL": lang, "SHELL": "/bin/sh",
                "KBOOT_THEME_DIR": os.path.join(ROOT, "themes")}
        envs.update(env or {})
        inner = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in envs.items())
        cmd = "env %s %s %s %s; echo EXIT=$?; sleep 600" % (
            inner, shlex.quote(KBOOT), kboot_cmd, " ".join(shlex.quote(a) for a in args))
        if ignore_int:
            # As /etc/kboot/rc starts it: a background job, SIGINT and SIGQUIT ignored.
            cmd = "trap '' INT QUIT; " + cmd
        super().__init__("ui-test", cmd, width, height)

    def lines(self):
        return self.screen().split("\n")

    def wait_for(self, pattern, timeout=WAIT, gone=False):
        return self.wait_screen(pattern, timeout, gone)

    def settle(self):
        """The screen once it stopped changing (a redraw takes milliseconds)."""
        last = self.screen()
        while True:
            time.sleep(0.15)
            now = self.screen()
            if now == last:
                return now
            last = now

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "p", "-x", str(width), "-y", str(height))

    def plan(self):
        """The screen after kboot exited, wrapped lines joined, and its exit status."""
        self.wait_for(r"^EXIT=\d+")
        s = self.screen(joined=True)
        return s, int(re.search(r"^EXIT=(\d+)", s, re.M).group(1))


def menu(args=(), **kw):
    return Term(["--dry-run"] + list(args) + SOURCES, **kw)


def strip(screen):
    """Trailing blanks and blank last lines do not count."""
    return "\n".join(l.rstrip() for l in screen.rstrip("\n").split("\n")).rstrip("\n") + "\n"


class UiTest(unittest.TestCase):
    def setUp(self):
        self.terms = []

    def tearDown(self):
        for t in self.terms:
            t.close()

    def start(self, *args, **kw):
        t = menu(*args, **kw)
        self.terms.append(t)
        t.wait_for(r"Debian GNU/Linux")
        return t

    def golden(self, name, screen):
        path = os.path.join(SCREENS, name + ".txt")
        if os.environ.get("KBOOT_UPDATE_SCREENS"):
            os.makedirs(SCREENS, exist_ok=True)
            with open(path, "w") as f:
                f.write(strip(screen))
        with open(path) as f:
            self.assertEqual(strip(screen), f.read(), "screen differs from %s" % path)

    def selected_info(self, t):
        """The line under the separator describes the selected item."""
        lines = t.lines()
        sep = max(i for i, l in enumerate(lines) if l.startswith("\u2500") or l.startswith("---"))
        return lines[sep + 1].strip()

    # ---- the main menu ----

    def test_menu_groups_entries_under_device_headings(self):
        t = self.start(["--timeout", "-1"])
        self.golden("menu-80x24", t.settle())

    def test_navigation_moves_over_entries_not_headings(self):
        t = self.start(["--timeout", "-1"])
        self.assertEqual(self.selected_info(t), "sda1:/vmlinuz-6.1.0-13-amd64")
        t.keys("Down")
        t.wait_for(r"A submenu: Enter opens it")
        t.keys("Down", "Down", "Down")  # kernel removed, long title, then the next group
        t.wait_for(r"^ sdb1:/vmlinuz-lts")
        t.keys("End")
        t.wait_for(r"A shell on this terminal")
        t.keys("Home")
        t.wait_for(r"^ sda1:/vmlinuz-6.1.0-13-amd64")
        t.keys("Up")  # already at the top: stays
        t.wait_for(r"^ sda1:/vmlinuz-6.1.0-13-amd64")
        t.keys("PPage", "NPage")
        t.wait_for(r"A shell on this terminal")

    def test_submenu_opens_with_enter_and_closes_with_escape(self):
        t = self.start(["--timeout", "-1"])
        t.keys("Down", "Enter")
        s = t.wait_for(r"^ Advanced options for Debian GNU/Linux$")
        self.assertIn("with Linux 6.1.0-12-amd64", s)
        self.assertNotIn("Alpine lts", s)
        self.golden("submenu", t.settle())
        t.keys("Escape")
        s = t.wait_for(r"Alpine lts")
        self.assertIn("Advanced options for Debian GNU/Linux \u25b8", s)
        t.keys("Right")
        t.wait_for(r"^ Advanced options for Debian GNU/Linux$")
        t.keys("Left")
        t.wait_for(r"Alpine lts")

    def test_default_marker_follows_kboot_default_into_a_submenu(self):
        t = self.start(["--timeout", "-1", "--default", "sda1-04155e"])
        s = t.settle()
        self.assertRegex(s, r"(?m)^ \*  Advanced options for Debian GNU/Linux")
        self.assertRegex(s, r"(?m)^    Debian GNU/Linux$")
        t.keys("Enter")  # the submenu holding the default is selected
        s = t.wait_for(r"^ \*  Debian GNU/Linux, with Linux 6.1.0-12-amd64")

    def test_unbootable_entry_is_shown_with_its_reason_and_refuses_to_boot(self):
        t = self.start(["--timeout", "-1"])
        s = t.screen()
        self.assertRegex(s, r"! +Debian GNU/Linux, kernel removed \(kernel sda1:/vmlinuz-5\.10")
        t.keys("Down", "Down")
        t.wait_for(r"Cannot boot: kernel sda1:/vmlinuz-5.10.0-9-amd64 not found")
        t.keys("Enter")
        t.wait_for(r"Cannot boot 'Debian GNU/Linux, kernel removed'")

    def test_hotkey_from_the_config_boots_its_entry(self):
        t = self.start(["--timeout", "-1"])
        t.keys("m")
        s, code = t.plan()
        self.assertEqual(code, 0)
        self.assertIn("Booting 'Alpine lts (rescue mode)'", s)
        self.assertIn("modules=loop,squashfs single", s)

    # ---- the countdown ----

    def test_countdown_is_shown_and_a_key_stops_it(self):
        t = self.start(["--timeout", "30"])
        t.wait_for(r"Booting 'Debian GNU/Linux' in (30|29|28) s\. Any key stops")
        t.keys("Down")
        t.wait_for(r"Booting 'Debian GNU/Linux' in", gone=True)
        time.sleep(1.5)
        self.assertNotIn("Booting", t.screen())
        t.keys("l")
        t.wait_for(r"\] countdown cancelled")

    def test_countdown_boots_the_default_when_it_runs_out(self):
        t = menu(["--timeout", "1"])
        self.terms.append(t)
        s, code = t.plan()
        self.assertEqual(code, 0)
        self.assertIn("Booting 'Debian GNU/Linux'", s)
        self.assertRegex(s, r"cmdline BOOT_IMAGE=/vmlinuz-6.1.0-13-amd64 root=UUID=\S+ ro quiet")

    # ---- edit ----

    def edit_default(self, t):
        t.keys("e")
        return t.wait_for(r"^ Cmdline ")

    def test_edit_append_and_ctrl_x_boots_the_edit(self):
        t = self.start(["--timeout", "-1"])
        self.golden("edit", self.edit_default(t))
        t.type(" foo=bar")
        t.wait_for(r"ro quiet foo=bar")
        t.keys("C-x")
        s, code = t.plan()
        self.assertEqual(code, 0)
        self.assertIn("Booting 'Debian GNU/Linux (edited)'", s)
        self.assertRegex(s, r"cmdline BOOT_IMAGE=/vmlinuz-6.1.0-13-amd64 root=UUID=\S+ ro quiet "
                            r"foo=bar\n")
        self.assertIn("initrd  sda1:/initrd.img-6.1.0-13-amd64", s)

    def test_edit_f10_boots_too(self):
        t = self.start(["--timeout", "-1"])
        self.edit_default(t)
        t.keys("C-w", "F10")  # Ctrl-W removes "quiet"
        s, code = t.plan()
        self.assertRegex(s, r"cmdline \S+ root=UUID=\S+ ro *\n")

    def test_edit_escape_discards_the_edit(self):
        t = self.start(["--timeout", "-1"])
        self.edit_default(t)
        t.type(" foo=bar")
        t.wait_for(r"foo=bar")
        t.keys("Escape")
        t.wait_for(r"Alpine lts")
        t.keys("Enter")
        s, code = t.plan()
        self.assertIn("Booting 'Debian GNU/Linux'\n", s)
        self.assertNotIn("foo=bar", s)

    def test_edit_line_editor_keys(self):
        t = self.start(["--timeout", "-1"])
        self.edit_default(t)
        t.keys("C-a")
        t.type("X ")
        t.wait_for(r"^ Cmdline X BOOT_IMAGE")
        t.keys("C-e", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
        t.wait_for(r" ro$")
        t.keys("C-u")
        t.wait_for(r"^ Cmdline *$")
        t.type("console=ttyS0,115200")
        t.keys("M-b", "C-k")
        t.wait_for(r"^ Cmdline console=ttyS0,$")

    def test_edit_scrolls_a_long_command_line(self):
        t = self.start(["--timeout", "-1"], width=40, height=12)
        s = self.edit_default(t)
        # The cursor starts at the end: the start is hidden behind '<'.
        self.assertRegex(s, r"(?m)^ Cmdline <.*ro quiet *$")
        t.keys("Home")
        s = t.wait_for(r"^ Cmdline BOOT_IMAGE=")
        self.assertRegex(s, r"(?m)^ Cmdline BOOT_IMAGE=\S*>$")

    def test_edit_a_multiboot_entry_keeps_each_modules_command_line(self):
        tmp = tempfile.mkdtemp(prefix="kboot-ui-xen-")
        self.addCleanup(shutil.rmtree, tmp)
        os.makedirs(os.path.join(tmp, "boot", "grub"))
        for f in ("xen.gz", "vmlinuz", "initrd.img"):
            with open(os.path.join(tmp, "boot", f), "w") as fh:
                fh.write(f + "\n")
        with open(os.path.join(tmp, "boot", "grub", "grub.cfg"), "w") as fh:
            fh.write("menuentry 'Xen' {\n multiboot /boot/xen.gz dom0_mem=1G\n"
                     " module /boot/vmlinuz root=/dev/sda1 ro\n module /boot/initrd.img\n}\n")
        t = self.start(["--timeout", "-1", tmp + ":name=xen"])
        t.keys("Home")  # Xen comes first: its source is given first
        t.keys("e")
        s = t.wait_for(r"^ Cmdline dom0_mem=1G")
        self.assertRegex(s, r"(?m)^ Modules xen:/boot/vmlinuz root=/dev/sda1 ro --- "
                            r"xen:/boot/initrd\.img *$")
        t.keys("Up", "Up")  # the modules
        t.keys("C-u")
        # Two bursts: kboot's UI handles at most 64 keys per wake-up and
        # drops the 65th of a longer one (ui/ui.c, tty_event).
        t.type("xen:/boot/vmlinuz root=/dev/sdb2  single")
        t.type(" --- xen:/boot/initrd.img rd.x")
        t.keys("C-x")
        s, code = t.plan()
        self.assertEqual(code, 0)
        self.assertIn("Booting 'Xen (edited)'\n  kernel  xen:/boot/xen.gz\n"
                      "  module  xen:/boot/vmlinuz root=/dev/sdb2 single\n"
                      "  module  xen:/boot/initrd.img rd.x\n"
                      "  cmdline dom0_mem=1G\n", s)

    def test_tab_completes_a_kernel_path_on_the_entrys_filesystem(self):
        t = self.start(["--timeout", "-1"])
        self.edit_default(t)
        t.keys("Up", "Up", "Up")  # the kernel field
        t.keys("C-u")
        t.type("sda1:/vml")
        t.keys("Tab")
        s = t.wait_for(r"^ Kernel  sda1:/vmlinuz-6\.1\.0-1$")
        self.assertRegex(s, r"(?m)^ +sda1:/vmlinuz-6\.1\.0-12-amd64$")
        self.assertRegex(s, r"(?m)^ +sda1:/vmlinuz-6\.1\.0-13-amd64$")
        t.type("2")
        t.keys("Tab")
        t.type("x")  # after the space the completion added
        t.wait_for(r"^ Kernel  sda1:/vmlinuz-6\.1\.0-12-amd64 x$")
        t.keys("BSpace", "C-x")
        s, code = t.plan()
        self.assertIn("kernel  sda1:/vmlinuz-6.1.0-12-amd64", s)

    def test_tab_completes_a_bare_path_in_the_command_line(self):
        t = self.start(["--timeout", "-1"])
        self.edit_default(t)
        t.type(" initrd=/initrd.img-6.1.0-12")
        t.keys("Tab")
        t.wait_for(r"quiet initrd=/initrd\.img-6\.1\.0-12-amd64$")

    # ---- help, log, system information ----

    def test_help_lists_every_keymap_action(self):
        with open(KEYMAP_C) as f:
            src = f.read()
        bindings = re.findall(r'\{\s*ACT_\w+,[^{]*\{[^}]*\},\s*"([^"]*)",\s*"([^"]*)"\s*\}', src)
        self.assertGreater(len(bindings), 30)
        t = self.start(["--timeout", "-1"], width=200, height=60)
        t.keys("h")
        s = t.wait_for(r"kboot \S+ \S+ help")
        seen = s
        for _ in range(5):
            t.keys("NPage")
            seen += t.settle()
        for keys, text in bindings:
            self.assertRegex(seen, r"(?m)^   " + re.escape(keys) + r" +" + re.escape(text) + "$")
        t.keys("Escape")
        t.wait_for(r"Alpine lts")

    def test_log_lists_status_lines_with_their_time(self):
        t = self.start(["--timeout", "-1"])
        t.keys("l")
        s = t.wait_for(r"kboot \S+ \S+ log")
        self.assertRegex(s, r"(?m)^ \[ +\d+\.\d{3}\] sda1: ")
        self.assertRegex(s, r"(?m)^ \[ +\d+\.\d{3}\] sdb1: ")

    def test_system_information_shows_disks_and_kernel(self):
        t = self.start(["--timeout", "-1"], width=100, height=40)
        t.keys("i")
        s = t.wait_for(r"Disks and filesystems")
        self.assertRegex(s, r"(?m)^   Kernel +Linux ")
        self.assertRegex(s, r"(?m)^   Memory +\d+ MiB")
        self.assertRegex(s, r"(?m)^   sda1 +\S+ +boot ")
        self.assertRegex(s, r"(?m)UUID 0bb7-boot")
        self.assertIn("Network interfaces", s)
        self.assertRegex(s, r"(?m)^   lo ")

    # ---- sizes, terminals, themes ----

    def test_layout_40x12(self):
        t = self.start(["--timeout", "-1"], width=40, height=12)
        s = t.settle()
        self.golden("menu-40x12", s)
        self.assertTrue(all(len(l) <= 40 for l in s.split("\n")))

    def test_layout_200x60(self):
        t = self.start(["--timeout", "-1"], width=200, height=60)
        self.golden("menu-200x60", t.settle())

    def test_resize_lays_the_menu_out_again(self):
        t = self.start(["--timeout", "-1"])
        t.resize(40, 12)
        s = t.wait_for(r"^ \*  Debian GNU/Linux\n")
        self.golden("menu-40x12", t.settle())

    def test_vt100_is_monochrome_and_ascii(self):
        t = self.start(["--timeout", "-1"], term="vt100", lang="C")
        s = t.settle()
        self.golden("menu-vt100", s)
        self.assertIn("-" * 80, s)
        esc = t.screen(escapes=True)
        # No colour at all (SGR 30-49, 90-107, 38;5;N...), but the selection in reverse.
        sgr = re.findall(r"\x1b\[([0-9;]*)m", esc)
        # (39 and 49, "default colour", are tmux's own resets.)
        colours = [p for code in sgr for p in code.split(";")
                   if p and (30 <= int(p) <= 38 or 40 <= int(p) <= 48 or 90 <= int(p) <= 107)]
        self.assertEqual(colours, [])
        self.assertTrue(any("7" in code.split(";") for code in sgr), sgr)

    def test_256_colour_terminal_gets_colours(self):
        t = self.start(["--timeout", "-1"])
        esc = t.screen(escapes=True)
        self.assertRegex(esc, r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;5;\d+)[0-9;]*m")

    def test_every_terminal_type_draws_and_moves(self):
        for term in ("linux", "screen", "xterm-256color", "vt100", "vt220"):
            with self.subTest(term=term):
                t = self.start(["--timeout", "-1"], term=term,
                               lang="C.UTF-8" if term != "vt100" else "C")
                t.keys("Down")
                t.wait_for(r"A submenu: Enter opens it")
                t.keys("End")
                t.wait_for(r"A shell on this terminal")
                esc = t.screen(escapes=True)
                if term in ("linux", "screen"):  # 8 colours
                    self.assertRegex(esc, r"\x1b\[[0-9;]*(3[0-7]|4[0-7])[0-9;]*m")
                # The submenu's mark: the Linux console's font (CP437) has ► but not ▸.
                mark = {"linux": "\u25ba", "vt100": ">"}.get(term, "\u25b8")
                self.assertIn("Advanced options for Debian GNU/Linux " + mark, t.screen())
                t.close()

    def test_theme_from_kboot_theme_on_the_command_line(self):
        t = self.start(["--timeout", "-1", "--cmdline", "quiet kboot.theme=nope"], width=200)
        t.wait_for(r"theme 'nope': not found")
        t2 = self.start(["--timeout", "-1", "--cmdline", "kboot.theme=mono"])
        esc = t2.screen(escapes=True)
        codes = [p for c in re.findall(r"\x1b\[([0-9;]*)m", esc) for p in c.split(";") if p]
        self.assertFalse([p for p in codes if 30 <= int(p) <= 38 or 40 <= int(p) <= 48])

    def test_theme_by_name_and_a_bad_theme_falls_back(self):
        t = self.start(["--timeout", "-1", "--theme", "classic"])
        self.assertNotIn("theme", t.screen())
        t2 = self.start(["--timeout", "-1", "--theme", "no-such-theme"], width=200)
        t2.wait_for(r"theme 'no-such-theme': not found .*; using the default theme")

    def test_ctrl_l_redraws(self):
        t = self.start(["--timeout", "-1"])
        before = t.settle()
        t.keys("C-l")
        self.assertEqual(t.settle(), before)

    # ---- shell ----

    def test_shell_key_and_menu_item_return_to_the_menu(self):
        t = self.start(["--timeout", "-1"])
        t.keys("c")
        t.wait_for(r"kboot: a shell; type 'exit' to return to the menu")
        t.type("echo shell-$((6*7))")
        t.keys("Enter")
        t.wait_for(r"shell-42")
        t.type("exit")
        t.keys("Enter")
        s = t.wait_for(r"Back from the shell")
        self.assertIn("Alpine lts", s)
        self.assertNotIn("shell-42", s)  # fully redrawn
        t.keys("End", "Enter")
        t.wait_for(r"kboot: a shell")
        t.type("exit")
        t.keys("Enter")
        t.wait_for(r"Back from the shell")

    def test_ctrl_c_in_the_shell_stops_a_command(self):
        t = menu(["--timeout", "-1"], ignore_int=True)
        self.terms.append(t)
        t.wait_for(r"Debian GNU/Linux")
        t.keys("c")
        t.wait_for(r"kboot: a shell; type 'exit' to return to the menu")
        t.type("sleep 60; echo slept-$?")
        t.keys("Enter")
        time.sleep(0.5)
        t.keys("C-c")
        t.type("echo after-$((6*7))")
        t.keys("Enter")
        s = t.wait_for(r"after-42", timeout=5)
        self.assertNotIn("slept-0", s)

    def test_quit(self):
        t = self.start(["--timeout", "-1"])
        t.keys("q")
        s, code = t.plan()
        self.assertEqual(code, 0)


    # ---- the network boot wizard (n) ----

    def wizard(self, t):
        t.keys("n")
        return t.wait_for(r"kboot \S+ \S+ network boot")

    def url_boot_form(self, t):
        self.wizard(t)
        t.keys("Down", "Down", "Enter")
        return t.wait_for(r"^ Kernel URL\b")

    def test_wizard_opens_with_n_and_escape_returns_to_the_menu(self):
        t = self.start(["--timeout", "-1"])
        self.wizard(t)
        t.keys("Escape")
        s = t.wait_for(r"Alpine lts")
        self.assertNotIn("network boot", s)
        # From a form too, and Esc throws the form away.
        self.url_boot_form(t)
        t.type("http://x/k")
        t.keys("Escape")
        t.wait_for(r"Alpine lts")
        self.url_boot_form(t)
        self.assertNotIn("http://x/k", t.screen())

    def test_wizard_without_interfaces_starts_at_the_choice(self):
        t = self.start(["--timeout", "-1"])
        s = self.wizard(t)
        self.assertIn("3/3 What to boot", s)
        self.assertIn("No network interface to set up here", s)
        self.golden("net-choice", t.settle())
        t.keys("Enter")  # PXE: no interface to run it on, said next to the item
        s = t.wait_for(r"There is no network interface to run PXE on")
        self.assertRegex(s, r"Find the config by PXE\n +There is no network interface")

    def test_wizard_at_40x12_on_a_vt100(self):
        t = self.start(["--timeout", "-1"], width=40, height=12, term="vt100", lang="C")
        s = self.wizard(t)
        self.assertIn("Boot a kernel from URLs", s)
        s = self.url_boot_form(t)
        self.assertRegex(s, r"(?m)^ Command line *$")
        self.assertRegex(s, r"(?m)^ +\[ OK \]")
        self.assertTrue(all(len(l) <= 40 for l in s.split("\n")))
        self.assertTrue(all(ord(c) < 0x80 for c in s))
        t.keys("Enter", "Enter", "Enter")  # through the empty fields: nothing to send
        t.wait_for(r"^ Kernel URL *$")
        t.wait_for(r"Type the kernel's URL")

    def test_url_boot_with_a_bad_scheme_shows_the_error_next_to_the_kernel(self):
        t = self.start(["--timeout", "-1"])
        self.url_boot_form(t)
        t.type("htp://x/k")
        t.keys("Tab", "Tab", "Enter")  # Enter on the last field sends the form
        s = t.wait_for(r"^ Kernel URL +htp://x/k\n +\S")
        self.assertRegex(s, r"(?m)^ Kernel URL +htp://x/k\n +\S.*unknown scheme")

    def test_url_boot_in_dry_run_from_a_loopback_http_server(self):
        tmp = tempfile.mkdtemp(prefix="kboot-ui-http-")
        self.addCleanup(shutil.rmtree, tmp, True)
        for name, size in (("vmlinuz", 300000), ("initrd.img", 1000)):
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(os.urandom(size))
        httpd = netservers.HttpServer(tmp).start()
        self.addCleanup(httpd.stop)
        base = httpd.host_url("").rstrip("/")

        t = self.start(["--timeout", "-1"])
        self.url_boot_form(t)
        t.type(base + "/vmlinuz")
        t.keys("Down")
        t.type(base + "/initrd.img")
        t.keys("Down")
        t.type("console=ttyS0 kboot-url-test")
        t.keys("Enter")
        s, code = t.plan()
        self.assertEqual(code, 0)
        self.assertIn("Booting '", s)
        self.assertRegex(s, r"cmdline console=ttyS0 kboot-url-test\n")
        self.assertRegex(s, r"kernel +\S*vmlinuz")
        self.assertRegex(s, r"initrd +\S*initrd\.img")


class NetworkUiTest(unittest.TestCase):
    """Network sources and downloads in the menu, `kboot menu --dry-run`
    with its daemon fetching from a real HTTP server on 127.0.0.1.  The
    wizard's interface steps need interfaces: tests/e2e/test_net.py."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kboot-ui-net-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        os.makedirs(os.path.join(self.tmp, "boot"))
        with open(os.path.join(self.tmp, "boot", "grub.cfg"), "w") as f:
            f.write("menuentry 'Netboot Linux' {\n  linux /boot/vmlinuz console=ttyS0\n}\n")
        with open(os.path.join(self.tmp, "boot", "vmlinuz"), "wb") as f:
            f.write(os.urandom(300000))
        with open(os.path.join(self.tmp, "boot", "big"), "wb") as f:
            f.truncate(4 << 20)
        self.http = netservers.HttpServer(self.tmp, faults={"/boot/big": "slow"}).start()
        self.addCleanup(self.http.stop)
        self.url = self.http.host_url("").rstrip("/")
        self.terms = []

    def tearDown(self):
        for t in self.terms:
            t.close()

    def start(self, cmdline=""):
        t = menu(["--timeout", "-1", "--cmdline", cmdline])
        self.terms.append(t)
        t.wait_for(r"Debian GNU/Linux")
        return t

    def test_network_source_heading_shows_fstype_and_url(self):
        url = self.url + "/boot/grub.cfg"
        t = self.start("kboot.url=" + url)
        s = t.wait_for(r"Netboot Linux")
        self.assertRegex(s, r"(?m)^ url1  http  %s$" % re.escape(url))

    def test_config_url_from_the_wizard_and_its_failure(self):
        t = self.start()
        t.keys("n")
        t.wait_for(r"3/3 What to boot")
        t.keys("Down", "Enter")
        t.wait_for(r"^ Config URL\b")
        t.type(self.url + "/none/grub.cfg")
        t.keys("Enter")
        t.wait_for(r"/none/grub\.cfg: 404 File not found")
        t.keys("n", "Down", "Enter")
        t.wait_for(r"^ Config URL\b")
        t.type(self.url + "/boot/grub.cfg")
        t.keys("Enter")
        t.wait_for(r"Netboot Linux")
        # "Loading the config…" gave way to the daemon's news of it.
        t.wait_for(r"^ url\d+: 1 entry$")

    def test_download_progress_escape_stops_it_and_a_404_is_shown(self):
        t = self.start()
        t.keys("n")
        t.wait_for(r"3/3 What to boot")
        t.keys("Down", "Down", "Enter")
        t.wait_for(r"^ Kernel URL\b")
        t.type(self.url + "/boot/big")
        t.keys("Enter", "Enter", "Enter")
        s = t.wait_for(r"^ Downloading kernel: [\d.]+ KiB of 4\.0 MiB \(\d+%\), ")
        self.assertIn("Esc stops the download", s)
        t.keys("Escape")
        s = t.wait_for(r"Download of the kernel stopped")
        self.assertNotIn("Downloading", s)
        t.keys("n", "Down", "Down", "Enter")
        t.wait_for(r"^ Kernel URL\b")
        t.type(self.url + "/boot/nothere")
        t.keys("Enter", "Enter", "Enter")
        s = t.wait_for(r"/boot/nothere: 404 File not found")
        self.assertNotIn("Downloading", s)
        # The menu goes on: an entry of the disk boots.
        t.keys("Home", "Enter")
        s, code = t.plan()
        self.assertEqual(code, 0)
        self.assertIn("Booting 'Debian GNU/Linux", s)


class TwoClientsTest(unittest.TestCase):
    """`kboot ui` twice on one `kboot daemon`: one countdown, one cancel."""

    def test_two_uis_show_one_countdown_and_one_key_stops_it_for_both(self):
        tmp = tempfile.mkdtemp(prefix="kboot-ui-")
        sock = os.path.join(tmp, "kboot.sock")
        cmd = [KBOOT, "daemon", "--socket", sock, "--timeout", "30"]
        for s in SOURCES:
            cmd += ["--source", s]
        d = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        terms = []
        try:
            deadline = time.monotonic() + WAIT
            while not os.path.exists(sock):
                self.assertLess(time.monotonic(), deadline, "no daemon socket")
                time.sleep(0.05)
            for _ in range(2):
                terms.append(Term(["--socket", sock], kboot_cmd="ui"))
            for t in terms:
                t.wait_for(r"Booting 'Debian GNU/Linux' in \d+ s")
            terms[0].keys("Down")
            for t in terms:
                t.wait_for(r"Booting 'Debian GNU/Linux' in", gone=True, timeout=2)
            # The other one still works and boots for both.
            terms[1].keys("Enter")
            for t in terms:
                s, code = t.plan()
                self.assertEqual(code, 0)
                self.assertIn("Booting 'Debian GNU/Linux'", s)
            self.assertEqual(d.wait(timeout=WAIT), 0)
        finally:
            for t in terms:
                t.close()
            if d.poll() is None:
                d.kill()
                d.wait()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if not shutil.which("tmux"):
        sys.exit("tests/ui: tmux is missing (tools/install-deps build installs it)")
    unittest.main(verbosity=2)
