#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tftpd.py - a small TFTP server for kboot's tests (RFC 1350, options as in
RFC 2347/2348/2349), with switches to misbehave.

Serves the files of --dir on 127.0.0.1 only, port 0 (the kernel picks one);
prints "PORT <n>" on stdout once it listens.  One thread per transfer, each
from its own port (the transfer ID).  Block numbers roll over from 65535 to 0.

Misbehaviour:
  --no-options     ignore options in requests (no OACK; 512-byte blocks)
  --refuse-options answer a request with options with ERROR 8
  --drop N         lose every Nth DATA packet (from block 2) the first time:
                   it is sent when the client acknowledges the block before
                   again
  --lose-acks N    ignore every Nth ACK received
  --dup N          send every Nth DATA packet twice
  --stray N        send DATA block N a second time from another port (a
                   wrong transfer ID the client must answer with ERROR 5)
  --junk SECS      after block 1, send for SECS seconds every 50 ms a DATA
                   of a block never asked for, from the transfer's port and
                   from another one, and nothing else
  --silent         never answer anything
  --error CODE:MSG answer every request with this ERROR packet
  --log FILE       append one line per event: "rrq NAME OPTS", "error-from
                   PORT CODE", "done NAME BLOCKS"

Ends on SIGTERM or when stdin closes.
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time

RRQ, WRQ, DATA, ACK, ERROR, OACK = 1, 2, 3, 4, 5, 6
RETRANSMIT = 0.2  # the server's own resend timeout, seconds
RETRIES = 10


def log(args, text):
    if args.log:
        with open(args.log, "a") as f:
            f.write(text + "\n")


def error_packet(code, msg):
    return struct.pack("!HH", ERROR, code) + msg.encode() + b"\0"


def parse_request(pkt):
    fields = pkt[2:].split(b"\0")
    if len(fields) < 3 or fields[-1] != b"":
        return None, None, {}
    name, mode = fields[0].decode(errors="replace"), fields[1].decode().lower()
    opts = {}
    rest = fields[2:-1]
    for i in range(0, len(rest) - 1, 2):
        opts[rest[i].decode().lower()] = rest[i + 1].decode()
    return name, mode, opts


def transfer(args, client, name, opts, counters):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    root = os.path.realpath(args.dir)
    path = os.path.realpath(os.path.join(root, name.lstrip("/")))
    if not path.startswith(root + "/") or not os.path.isfile(path):
        sock.sendto(error_packet(1, "File not found"), client)
        return
    with open(path, "rb") as f:
        data = memoryview(f.read())

    blksize = 512
    if opts and args.refuse_options:
        sock.sendto(error_packet(8, "Options refused"), client)
        return
    if opts and not args.no_options:
        reply = {}
        if "blksize" in opts:
            blksize = max(8, min(65464, int(opts["blksize"])))
            reply["blksize"] = str(blksize)
        if "tsize" in opts:
            reply["tsize"] = str(len(data))
        if reply:
            pkt = struct.pack("!H", OACK) + b"".join(
                k.encode() + b"\0" + v.encode() + b"\0" for k, v in reply.items())
            if not exchange(args, sock, client, pkt, 0, counters):
                return

    nblocks = len(data) // blksize + 1  # a short (maybe empty) last block
    for i in range(nblocks):
        if args.junk and i == 1:
            send_junk(args, sock, client)
            return
        block = (i + 1) & 0xFFFF
        pkt = struct.pack("!HH", DATA, block) + data[i * blksize:(i + 1) * blksize]
        if args.stray and i + 1 == args.stray:
            stray = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            stray.bind(("127.0.0.1", 0))
            stray.sendto(pkt, client)
            stray.settimeout(1)
            try:
                reply, _ = stray.recvfrom(1024)
                op, code = struct.unpack("!HH", reply[:4])
                if op == ERROR:
                    log(args, "error-from stray %d" % code)
            except socket.timeout:
                log(args, "stray got no answer")
            stray.close()
        if not exchange(args, sock, client, pkt, block, counters):
            return
    log(args, "done %s %d" % (name, nblocks))


def send_junk(args, sock, client):
    """Packets that move nothing: a wrong block (right port), and a stranger."""
    stray = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stray.bind(("127.0.0.1", 0))
    wrong = struct.pack("!HH", DATA, 0x7777) + b"junk"
    deadline = time.monotonic() + args.junk
    n = 0
    while time.monotonic() < deadline:
        sock.sendto(wrong, client)
        stray.sendto(wrong, client)
        n += 1
        time.sleep(0.05)
    stray.close()
    log(args, "junk sent %d" % n)


def exchange(args, sock, client, pkt, block, counters):
    """Send pkt until the ACK of block comes back; False when the client gave up."""
    counters["sent"] += 1
    if pkt[1] == DATA and block >= 2 and args.drop and counters["sent"] % args.drop == 0:
        # Lost on the way: only the client's timeout (it acknowledges the
        # block before again) brings it back.
        if not wait_ack(args, sock, client, block - 1, 5, counters):
            return False
        log(args, "client asked again for block %d" % block)
    for _ in range(RETRIES):
        sock.sendto(pkt, client)
        counters["data"] += 1
        if args.dup and counters["data"] % args.dup == 0:
            sock.sendto(pkt, client)
        got = wait_ack(args, sock, client, block, RETRANSMIT, counters)
        if got is None:
            return False
        if got:
            return True
    return False


def wait_ack(args, sock, client, block, timeout, counters):
    """True when the ACK of block came within timeout, False when not, None
    when the client sent an ERROR."""
    sock.settimeout(timeout)
    while True:
        try:
            reply, addr = sock.recvfrom(70000)
        except socket.timeout:
            return False
        if addr != client or len(reply) < 4:
            continue
        op, num = struct.unpack("!HH", reply[:4])
        if op == ERROR:
            log(args, "error-from client %d" % num)
            return None
        if op == ACK and num == block:
            counters["acks"] += 1
            if args.lose_acks and counters["acks"] % args.lose_acks == 0:
                continue  # as if it never came: resend after the timeout
            return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--no-options", action="store_true")
    p.add_argument("--refuse-options", action="store_true")
    p.add_argument("--drop", type=int, default=0)
    p.add_argument("--lose-acks", type=int, default=0)
    p.add_argument("--dup", type=int, default=0)
    p.add_argument("--stray", type=int, default=0)
    p.add_argument("--junk", type=float, default=0)
    p.add_argument("--silent", action="store_true")
    p.add_argument("--error")
    p.add_argument("--log")
    args = p.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    print("PORT %d" % sock.getsockname()[1], flush=True)
    # Quit when the test that started us goes away.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()

    while True:
        pkt, client = sock.recvfrom(70000)
        if len(pkt) < 4:
            continue
        op = struct.unpack("!H", pkt[:2])[0]
        if op != RRQ:
            sock.sendto(error_packet(4, "Only reading"), client)
            continue
        name, mode, opts = parse_request(pkt)
        log(args, "rrq %s %s" % (name, " ".join("%s=%s" % kv for kv in sorted(opts.items()))))
        if args.silent:
            continue
        if args.error:
            code, _, msg = args.error.partition(":")
            sock.sendto(error_packet(int(code), msg), client)
            continue
        if name is None or mode != "octet":
            sock.sendto(error_packet(4, "Octet mode only"), client)
            continue
        counters = {"sent": 0, "data": 0, "acks": 0}
        threading.Thread(target=transfer, args=(args, client, name, opts, counters),
                         daemon=True).start()


if __name__ == "__main__":
    main()
