# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/lib/tmuxpane.py - one command in a pane of a private tmux server: what
the UI tests (tests/ui) and the QEMU tests (tests/e2e) drive kboot through.
Keys go in with send-keys, the screen comes out with capture-pane."""
import os
import re
import subprocess
import time


class Pane:
    count = 0

    def __init__(self, name, cmd, width, height, key_delay=0.05, joined=False):
        Pane.count += 1
        self.sock = "kboot-%s-%d-%d" % (name, os.getpid(), Pane.count)
        self.key_delay = key_delay  # seconds after each key: let the program read it
        self.joined = joined        # screen(): wrapped lines joined (-J)
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "p", "-x", str(width),
                  "-y", str(height), cmd)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.sock] + list(args), check=True,
                              capture_output=True, text=True).stdout

    def close(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True)

    def screen(self, escapes=False, joined=None):
        joined = self.joined if joined is None else joined
        return self.tmux("capture-pane", "-p", "-t", "p", *(["-J"] if joined else []),
                         *(["-e"] if escapes else []))

    def keys(self, *keys):
        for k in keys:
            self.tmux("send-keys", "-t", "p", k)
            time.sleep(self.key_delay)

    def type(self, text):
        self.tmux("send-keys", "-t", "p", "-l", text)
        time.sleep(self.key_delay)

    def context(self):
        """More to show when a wait fails (a subclass may add a log)."""
        return ""

    def wait_screen(self, pattern, timeout, gone=False, poll=0.05):
        """Wait until the screen matches (or, gone=True, no longer matches) pattern."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.screen()
            if bool(re.search(pattern, s, re.M)) != gone:
                return s
            if time.monotonic() > deadline:
                raise AssertionError("screen %s /%s/ after %.0f s:\n%s%s" % (
                    "still matches" if gone else "never matched", pattern, timeout, s,
                    self.context()))
            time.sleep(poll)
