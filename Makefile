# SPDX-License-Identifier: GPL-2.0-or-later
# kboot - one non-recursive Makefile.  `make` builds build/kboot;
# `make check` runs every test CI runs; `make help` lists the rest.

VERSION := 0.1.0
B := build

CC ?= gcc
CLANG ?= clang
PKG_CFLAGS := $(shell pkg-config --cflags blkid 2>/dev/null)
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation -Wshadow -Wformat=2 -Wvla
CFLAGS ?= -O2 -g
# Headers of core/ are included by their path below core/, folder first
# ("config/scan.h", "lib/arena.h"): the include line says which subsystem a
# file leans on (docs/architecture.md; `make lint` checks the directions).
KB_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -DKBOOT_VERSION='"$(VERSION)"' -Icore $(PKG_CFLAGS) -MMD -MP
LDLIBS := -lblkid
# ui/ (and only ui/) is linked with ncursesw; unit tests link everything.
UI_LIBS := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# core/ and its subsystems' folders (docs/architecture.md).
# Debian's python3 (its python3-pyftpdlib), not another one first on PATH.
PYTHON := $(firstword $(wildcard /usr/bin/python3) python3)
CORE_SRC := $(sort $(shell find core -name '*.c'))
CORE_HDR := $(sort $(shell find core -name '*.h'))
CMD_SRC := $(sort $(wildcard cmd/*.c))
UI_SRC := $(sort $(wildcard ui/*.c))
# The boot image, the demo disk and the broken test disks (tools/mk*)
IMAGE := $(B)/vmlinuz $(B)/kboot.cpio.zst
SKEL := $(shell find rootfs-skel -type f) $(wildcard themes/*.theme)
TARGET_IMG := $(B)/target/target.img $(B)/target/extra.img
TEST_DISKS := $(addprefix $(B)/test-disks/,bad-table.img garbage-config.img needs-recovery.img \
	multiboot.img)
# A Debian 12 installed by Debian's own tools (tools/mkrealdisk, docs/real-disk.md)
REAL_DISK := $(B)/real/debian12.img
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_NAMES := $(patsubst tests/unit/%.c,%,$(UNIT_SRC))

CORE_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(CORE_SRC))
CMD_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(CMD_SRC))
UI_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(UI_SRC))
ASAN_CORE_OBJ := $(patsubst %.c,$(B)/asan/%.o,$(CORE_SRC))
ASAN_UI_OBJ := $(patsubst %.c,$(B)/asan/%.o,$(UI_SRC))
UNIT_BIN := $(addprefix $(B)/tests/,$(UNIT_NAMES))
ASAN_UNIT_BIN := $(addprefix $(B)/asan/tests/,$(UNIT_NAMES))

.PHONY: all check unit unit-asan cli lint format format-check analyze deps fuzz fuzz-build bench clean help golden-update
# Keep objects that pattern rules chain through (make would delete them).
.SECONDARY:
all: $(B)/kboot

$(B)/kboot: $(CORE_OBJ) $(UI_OBJ) $(CMD_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(UI_LIBS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KB_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KB_CFLAGS) -O1 -g $(SAN) -c -o $@ $<

# ---- tests ----
# Every tests/unit/test_*.c is one cmocka program linked with all of core/
# and the shared helpers of tests/unit/testutil.h.
TU_OBJ := $(B)/obj/tests/unit/testutil.o
ASAN_TU_OBJ := $(B)/asan/tests/unit/testutil.o
$(B)/tests/%: tests/unit/%.c $(CORE_OBJ) $(UI_OBJ) $(TU_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(KB_CFLAGS) $(CFLAGS) -Iui -o $@ $(filter %.c %.o,$^) $(LDLIBS) $(UI_LIBS) -lcmocka

$(B)/asan/tests/%: tests/unit/%.c $(ASAN_CORE_OBJ) $(ASAN_UI_OBJ) $(ASAN_TU_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(KB_CFLAGS) -O1 -g $(SAN) -Iui -o $@ $(filter %.c %.o,$^) $(LDLIBS) $(UI_LIBS) -lcmocka

deps:
	@tools/install-deps build image

unit: $(UNIT_BIN) $(B)/kboot
	@tools/run-tests $(UNIT_BIN)

unit-asan: $(ASAN_UNIT_BIN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		tools/run-tests $(ASAN_UNIT_BIN)

# core/ must not know curses; ui/ must not mount, open disks or kexec; every
# include points the way the layers allow (tools/lint-layers,
# docs/architecture.md); no files call each other in a circle but the GRUB
# interpreter's (tools/file-graph, from the objects' symbols); and both
# lints refuse what they must (tests/lint).
lint: $(B)/kboot
	@! grep -nE '#include *[<"](n?curses|menu|form|panel)' $(CORE_SRC) $(CORE_HDR) || \
		{ echo "lint: core/ includes curses"; exit 1; }
	@! grep -nE '\b(mount|umount2?|kexec_file_load|kexec_load|blkid_[a-z_]+|reboot) *\(' \
		ui/*.c ui/*.h 2>/dev/null || { echo "lint: ui/ touches disks or kexec"; exit 1; }
	@$(PYTHON) tools/lint-layers
	@$(PYTHON) tools/file-graph --check $(B)/obj $(CORE_OBJ) $(UI_OBJ) $(CMD_OBJ)
	@tests/lint/test-layers.sh
	@tests/lint/test-file-graph.sh
	@echo "lint: ok"

# The C files clang-format keeps in the project's style (.clang-format);
# `make format` rewrites them, `make format-check` fails on the first that
# differs, naming it (tables fenced with "clang-format off" are kept as
# written).
FORMAT_SRC := $(CORE_SRC) $(CORE_HDR) $(CMD_SRC) $(wildcard cmd/*.h) $(UI_SRC) $(wildcard ui/*.h) \
	$(wildcard tests/unit/*.[ch] tests/fuzz/*.c tests/bench/*.c)
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	@clang-format --dry-run -Werror $(FORMAT_SRC) || \
		{ echo "format-check: run 'make format' (clang-format, .clang-format)"; exit 1; }
	@echo "format-check: ok"

# Static analysis: cppcheck's classes that find bugs (warning, portability,
# performance) over core/, ui/ and cmd/.  A finding fails the build unless
# its line carries "// cppcheck-suppress ID" with the reason beside it
# (docs/architecture.md, "Habits").
analyze:
	@cppcheck -q --std=c11 -D_GNU_SOURCE -Icore --enable=warning,portability,performance \
		--inline-suppr --error-exitcode=1 core ui cmd
	@echo "analyze: ok"

check: deps
	@$(MAKE) --no-print-directory format-check analyze lint unit unit-asan fuzz-regress cli \
		daemon-test ui-test e2e-test

# The kboot binary's command line.
cli: $(B)/kboot
	@tests/cli/test-scan.sh
	@tests/cli/test-fetch.sh

# `kboot daemon` end to end over --source directories (Python 3, stdlib only).
.PHONY: daemon-test
# Run twice: the normal binary, then one built with ASan + UBSan.
daemon-test: $(B)/kboot $(B)/asan/kboot
	@$(PYTHON) tests/daemon/test_daemon.py
	@$(PYTHON) tests/daemon/test_netsources.py
	@KBOOT=$(B)/asan/kboot ASAN_OPTIONS=detect_leaks=1 $(PYTHON) tests/daemon/test_daemon.py
	@KBOOT=$(B)/asan/kboot ASAN_OPTIONS=detect_leaks=1 $(PYTHON) tests/daemon/test_netsources.py

# The menu in real terminals (tmux), plain and under ASan + UBSan.
.PHONY: ui-test
ui-test: $(B)/kboot $(B)/asan/kboot
	@$(PYTHON) tests/ui/test_ui.py
	@KBOOT=$(B)/asan/kboot ASAN_OPTIONS=detect_leaks=1 $(PYTHON) tests/ui/test_ui.py

# QEMU boots the real image into real kernels (tests/e2e, docs/image.md).
.PHONY: e2e-test
e2e-test: $(IMAGE) $(B)/demo.img $(TEST_DISKS) $(REAL_DISK)
	@$(PYTHON) tests/e2e/test_boot.py
	@$(PYTHON) tests/e2e/test_net.py
	@$(PYTHON) tests/e2e/test_ssh.py
	@$(PYTHON) tests/e2e/test_real.py

$(B)/asan/kboot: $(ASAN_CORE_OBJ) $(ASAN_UI_OBJ) $(patsubst %.c,$(B)/asan/%.o,$(CMD_SRC))
	$(CC) -O1 -g $(SAN) -o $@ $^ $(LDLIBS) $(UI_LIBS)

# Rewrite tests/data/<format>/<case>/expected.json from the current build;
# read the diff before committing it.
golden-update: $(B)/kboot
	@tools/golden-update $(CASES)

# ---- fuzzing (clang libFuzzer, ASan + UBSan): a target per parser ----
PARSERS := grub2 syslinux lilo bls kboot scan
FUZZ_SECONDS ?= 300
FUZZ_BIN := $(addprefix $(B)/fuzz/fuzz_,$(PARSERS))

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -DKBOOT_VERSION='"$(VERSION)"' -Icore -O1 -g \
		-fsanitize=fuzzer-no-link,address,undefined -DKBOOT_FUZZ -MMD -MP \
		-c -o $@ $<

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_parser.c $(patsubst %.c,$(B)/fuzz/obj/%.o,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-Icore -DFUZZ_PARSER='"$*"' -o $@ $^ $(LDLIBS)

# The JSON reader every client request goes through: its own target.
FUZZ_BIN += $(B)/fuzz/fuzz_json
$(B)/fuzz/fuzz_json: tests/fuzz/fuzz_json.c $(patsubst %.c,$(B)/fuzz/obj/%.o,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-Icore -o $@ $^ $(LDLIBS)

# URLs (core/net/fetch/url.c): what DHCP, configs and HTTP servers hand the downloader.
FUZZ_BIN += $(B)/fuzz/fuzz_url
$(B)/fuzz/fuzz_url: tests/fuzz/fuzz_url.c $(patsubst %.c,$(B)/fuzz/obj/%.o,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-Icore -o $@ $^ $(LDLIBS)

# The daemon's requests, from a client's bytes to the replies: its own target.
FUZZ_BIN += $(B)/fuzz/fuzz_request
$(B)/fuzz/fuzz_request: tests/fuzz/fuzz_request.c tests/fuzz/netns.h $(patsubst %.c,$(B)/fuzz/obj/%.o,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-Icore -o $@ $(filter %.c %.o,$^) $(LDLIBS)

# What an HTTP server answers kb_fetch(): its own target.
FUZZ_BIN += $(B)/fuzz/fuzz_http
$(B)/fuzz/fuzz_http: tests/fuzz/fuzz_http.c tests/fuzz/netns.h tests/fuzz/answer.h \
		$(patsubst %.c,$(B)/fuzz/obj/%.o,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-Icore -o $@ $(filter %.c %.o,$^) $(LDLIBS) -lpthread

# What an FTP server answers kb_fetch(): its own target.
FUZZ_BIN += $(B)/fuzz/fuzz_ftp
$(B)/fuzz/fuzz_ftp: tests/fuzz/fuzz_ftp.c tests/fuzz/netns.h tests/fuzz/answer.h \
		$(patsubst %.c,$(B)/fuzz/obj/%.o,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-Icore -o $@ $(filter %.c %.o,$^) $(LDLIBS) -lpthread

# What a TFTP server sends kb_fetch(): its own target.
FUZZ_BIN += $(B)/fuzz/fuzz_tftp
$(B)/fuzz/fuzz_tftp: tests/fuzz/fuzz_tftp.c tests/fuzz/netns.h $(patsubst %.c,$(B)/fuzz/obj/%.o,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-Icore -o $@ $(filter %.c %.o,$^) $(LDLIBS) -lpthread

# What a DHCP server hands kboot (the lease) and the PXE names from it: its own target.
FUZZ_BIN += $(B)/fuzz/fuzz_lease
$(B)/fuzz/fuzz_lease: tests/fuzz/fuzz_lease.c $(patsubst %.c,$(B)/fuzz/obj/%.o,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-Icore -o $@ $(filter %.c %.o,$^) $(LDLIBS)

fuzz-build:
	@tools/install-deps fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

fuzz: fuzz-build
	@tools/fuzz $(FUZZ_SECONDS) $(PARSERS) json url request http ftp tftp lease

# An hour per target, as a nightly run would (tools/fuzz; the corpus grows).
.PHONY: fuzz-long fuzz-regress
fuzz-long: fuzz-build
	@tools/fuzz 3600 $(PARSERS) json url request http ftp tftp lease

# The regression run of `make check`: every target over its corpus once,
# built with gcc's ASan + UBSan and a plain main() (tests/fuzz/replay.c)
# instead of libFuzzer, with the fuzz build's limits (-DKBOOT_FUZZ).
REPLAY_TARGETS := $(PARSERS) json url request http ftp tftp lease
REPLAY_BIN := $(addprefix $(B)/replay/fuzz_,$(REPLAY_TARGETS))
REPLAY_OBJ := $(patsubst %.c,$(B)/replay/obj/%.o,$(CORE_SRC))
REPLAY_FLAGS := $(filter-out -MMD -MP,$(KB_CFLAGS)) -DKBOOT_FUZZ -O1 -g $(SAN)

$(B)/replay/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(REPLAY_FLAGS) -MMD -MP -c -o $@ $<

$(B)/replay/fuzz_json: tests/fuzz/fuzz_json.c tests/fuzz/replay.c $(REPLAY_OBJ)
	$(CC) $(REPLAY_FLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

$(B)/replay/fuzz_url: tests/fuzz/fuzz_url.c tests/fuzz/replay.c $(REPLAY_OBJ)
	$(CC) $(REPLAY_FLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

$(B)/replay/fuzz_request: tests/fuzz/fuzz_request.c tests/fuzz/netns.h tests/fuzz/replay.c $(REPLAY_OBJ)
	$(CC) $(REPLAY_FLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

$(B)/replay/fuzz_http: tests/fuzz/fuzz_http.c tests/fuzz/netns.h tests/fuzz/answer.h \
		tests/fuzz/replay.c $(REPLAY_OBJ)
	$(CC) $(REPLAY_FLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS) -lpthread

$(B)/replay/fuzz_lease: tests/fuzz/fuzz_lease.c tests/fuzz/replay.c $(REPLAY_OBJ)
	$(CC) $(REPLAY_FLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

$(B)/replay/fuzz_tftp: tests/fuzz/fuzz_tftp.c tests/fuzz/netns.h tests/fuzz/replay.c $(REPLAY_OBJ)
	$(CC) $(REPLAY_FLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS) -lpthread

$(B)/replay/fuzz_ftp: tests/fuzz/fuzz_ftp.c tests/fuzz/netns.h tests/fuzz/answer.h \
		tests/fuzz/replay.c $(REPLAY_OBJ)
	$(CC) $(REPLAY_FLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS) -lpthread

$(B)/replay/fuzz_%: tests/fuzz/fuzz_parser.c tests/fuzz/replay.c $(REPLAY_OBJ)
	$(CC) $(REPLAY_FLAGS) -DFUZZ_PARSER='"$*"' -o $@ $(filter %.c %.o,$^) $(LDLIBS)

fuzz-regress: $(REPLAY_BIN)
	@for t in $(REPLAY_TARGETS); do \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
			$(B)/replay/fuzz_$$t tests/fuzz/corpus/$$t; \
		s=$$?; [ $$s = 0 ] || [ $$s = 77 ] || exit 1; \
	done

# ---- benchmarks (numbers, never pass/fail) ----
$(B)/bench: tests/bench/bench.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(KB_CFLAGS) -O2 -g -o $@ $(filter %.c %.o,$^) $(LDLIBS)

bench: $(B)/bench $(B)/kboot $(IMAGE)
	@$(B)/bench tests/data
	@tools/bench-daemon
	@tools/bench-ui
	@tools/bench-fetch
	@tools/bench-net

# ---- the boot image, the demo disk, QEMU (docs/image.md, docs/demo-disk.md) ----
.PHONY: image demo-disk test-disks real-disk qemu image-deps

image-deps:
	@tools/install-deps image

image: image-deps
	@$(MAKE) --no-print-directory $(IMAGE)

# HOSTS=FILE: lines for the image's /etc/hosts (docs/network.md);
# SSH_AUTHORIZED_KEYS, SSH_HOST_KEY, SSH_KNOWN_HOSTS, SSH_CLIENT_KEY=FILE (docs/ssh.md)
IMAGE_FILES := $(HOSTS) $(SSH_AUTHORIZED_KEYS) $(SSH_HOST_KEY) $(SSH_KNOWN_HOSTS) $(SSH_CLIENT_KEY)
$(IMAGE) &: $(B)/kboot tools/mkimage tools/debs $(SKEL) $(IMAGE_FILES)
	tools/mkimage $(if $(HOSTS),--hosts $(HOSTS)) \
		$(if $(SSH_AUTHORIZED_KEYS),--ssh-authorized-keys $(SSH_AUTHORIZED_KEYS)) \
		$(if $(SSH_HOST_KEY),--ssh-host-key $(SSH_HOST_KEY)) \
		$(if $(SSH_KNOWN_HOSTS),--ssh-known-hosts $(SSH_KNOWN_HOSTS)) \
		$(if $(SSH_CLIENT_KEY),--ssh-client-key $(SSH_CLIENT_KEY))

$(TARGET_IMG) &: tools/mktarget tools/debs
	tools/mktarget $(B)/target

demo-disk: image-deps
	@$(MAKE) --no-print-directory $(B)/demo.img

$(B)/demo.img: tools/mkdemo tools/debs $(TARGET_IMG)
	tools/mkdemo --target $(B)/target --staging $(B)/staging $@

# The file name is the option: bad-table.img <- --bad-table, ...
$(B)/test-disks/%.img: tools/mkdemo tools/debs $(TARGET_IMG)
	tools/mkdemo --target $(B)/target --$* $@

test-disks: $(TEST_DISKS)

# Built once and kept: rebuilt only when its tools change (make clean, or
# delete it, for a fresh one from the archive of the day).
real-disk: image-deps
	@$(MAKE) --no-print-directory $(REAL_DISK)

$(REAL_DISK): tools/mkrealdisk tools/installer-vm | $(IMAGE)
	@mkdir -p $(dir $@)
	tools/mkrealdisk $@

# kboot with the demo disk, the menu on this terminal.  Quit: Ctrl-A X.
qemu: image-deps
	@$(MAKE) --no-print-directory $(IMAGE) $(B)/demo.img
	@tools/qemu $(B)/demo.img

clean:
	rm -rf $(B)

help:
	@echo "make            build build/kboot"
	@echo "make check      every test: format, analysis, lint, unit + golden (cmocka), the same under ASan+UBSan"
	@echo "make fuzz       libFuzzer per parser, the JSON reader and URLs, FUZZ_SECONDS each (default 300)"
	@echo "make bench      parse time, peak memory, download speed (numbers, not a test)"
	@echo "make golden-update [CASES=dir...]  regenerate expected.json files"
	@echo "make image      build/vmlinuz and build/kboot.cpio.zst from Debian packages"
	@echo "make demo-disk  build/demo.img: one disk, every config language"
	@echo "make real-disk  build/real/debian12.img: Debian 12 installed by its own tools"
	@echo "make qemu       boot kboot with the demo disk in QEMU (quit: Ctrl-A X)"
	@echo "make format     clang-format the sources (make format-check: only look)"
	@echo "make analyze    cppcheck over core/, ui/ and cmd/ (part of make check)"

-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)
