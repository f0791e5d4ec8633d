#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""httpd.py - Python's http.server for kboot's tests, with paths that
misbehave on purpose.

Serves --dir on 127.0.0.1, port 0 (the kernel picks one); prints
"PORT <n>" on stdout once it listens.  Ends on SIGTERM or when stdin closes.

  /NAME                   the file, as http.server sends it (Content-Length)
  /chunked/NAME           HTTP/1.1, chunked, uneven chunks, an extension, a trailer
  /close/NAME             HTTP/1.0, no Content-Length: read to the close
  /short/NAME             Content-Length of NAME, half of it sent, then closed
  /stall/NAME             Content-Length of NAME, 1000 bytes, then silence
  /drip/NAME              Content-Length of NAME, then one byte every 100 ms
  /redirect-abs/NAME      301 to http://127.0.0.1:PORT/NAME
  /redirect-rel/a/NAME    302 to ../NAME (relative: /redirect-rel/NAME... -> /NAME)
  /redirect-chain/N/NAME  307 to /redirect-chain/N-1/NAME, 308 to /NAME at 0
  /loop                   302 to /loop, for ever
  /auth/NAME              401 unless Basic kboot:secret
  /header-flood           a response header larger than 64 KiB
  /bad-status             "HTTP/1.1 2000 OK"
  /bad-chunk/NAME         a chunk size that is not hexadecimal
  /gzip-te/NAME           Transfer-Encoding: gzip, chunked
  /continue/NAME          "100 Continue" before the real answer
"""
import argparse
import base64
import http.server
import os
import sys
import threading
import time
import urllib.parse


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def raw(self, data):
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def file_bytes(self, name):
        path = os.path.join(self.directory, name)
        if not os.path.isfile(path):
            self.send_error(404, "Not Found")
            return None
        with open(path, "rb") as f:
            return f.read()

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path).path.split("/")[1:]
        kind, rest = parts[0], "/".join(parts[1:])
        port = self.server.server_address[1]
        if kind == "chunked":
            data = self.file_bytes(rest)
            if data is None:
                return
            out = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"]
            i, n = 0, 1
            while i < len(data):
                piece = data[i:i + n]
                ext = b";name=value" if n % 3 == 0 else b""
                out.append(b"%X%s\r\n%s\r\n" % (len(piece), ext, piece))
                i += len(piece)
                n = n * 7 + 1 if n < 200000 else 3
            out.append(b"0\r\nX-Trailer: yes\r\n\r\n")
            self.raw(b"".join(out))
        elif kind == "close":
            data = self.file_bytes(rest)
            if data is not None:
                self.raw(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n" + data)
        elif kind == "short":
            data = self.file_bytes(rest)
            if data is not None:
                self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(data) +
                         data[:len(data) // 2])
        elif kind == "stall":
            data = self.file_bytes(rest)
            if data is not None:
                self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(data) + data[:1000])
                time.sleep(20)
        elif kind == "drip":
            data = self.file_bytes(rest)
            if data is not None:
                self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(data))
                for i in range(min(len(data), 600)):
                    self.raw(data[i:i + 1])
                    time.sleep(0.1)
        elif kind == "redirect-abs":
            self.redirect(301, "http://127.0.0.1:%d/%s" % (port, rest))
        elif kind == "redirect-rel":
            self.redirect(302, "../" + parts[-1])
        elif kind == "redirect-chain":
            n = int(parts[1])
            name = "/".join(parts[2:])
            if n > 0:
                self.redirect(307, "/redirect-chain/%d/%s" % (n - 1, name))
            else:
                self.redirect(308, "/" + name)
        elif kind == "loop":
            self.redirect(302, "/loop")
        elif kind == "auth":
            want = "Basic " + base64.b64encode(b"kboot:secret").decode()
            if self.headers.get("Authorization") != want:
                self.raw(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n"
                         b"WWW-Authenticate: Basic realm=\"kboot\"\r\n\r\n")
            else:
                self.path = "/" + rest
                super().do_GET()
        elif kind == "header-flood":
            self.raw(b"HTTP/1.1 200 OK\r\n" + b"X-Flood: %s\r\n" % (b"x" * 1000) * 70 + b"\r\n")
        elif kind == "bad-status":
            self.raw(b"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n")
        elif kind == "bad-chunk":
            self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
        elif kind == "gzip-te":
            self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
        elif kind == "continue":
            data = self.file_bytes(rest)
            if data is not None:
                self.raw(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n"
                         % len(data) + data)
        elif kind == "echo-request":
            # What kboot sent, as the body (for the request-format test).
            text = self.requestline + "\r\n" + str(self.headers)
            body = text.encode()
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        else:
            super().do_GET()

    def redirect(self, code, where):
        self.raw(b"HTTP/1.1 %d Moved\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n"
                 % (code, where.encode()))


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # kboot hangs up on purpose (limits, cancelling): not worth a traceback.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    args = p.parse_args()

    def handler(*a, **kw):
        return Handler(*a, directory=args.dir, **kw)

    server = Server(("127.0.0.1", 0), handler)
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
