"""faultproxy.py - an HTTP/1.1 proxy on 127.0.0.1 that injects faults in front of the real test registry.

    with FaultProxy(reg.host) as fp:
        fp.fault(('PATCH', 'PUT'), r'/blobs/uploads/', 'stale', times=1)
        ... wpkg --plain-http fp.host/repo:tag ...

Every request is forwarded (Host kept, so the registry's Location and Link
answers point back here) unless a rule matches it: rules are tried in order,
by method and a regular expression searched in the path, and each fires
`times` times (None: forever).  The faults, by name (FAULTS):

  drop             the connection is closed without an answer
  500 502 503      that status, a distribution-spec error body, not forwarded
  429:SECONDS      429 TOOMANYREQUESTS with Retry-After: SECONDS and RateLimit headers
  stale            404 BLOB_UPLOAD_UNKNOWN (an upload session the registry forgot)
  corrupt          forwarded, one body byte flipped
  short            forwarded, half the body sent under the full Content-Length, then closed
  endless          forwarded, then random bytes without end (chunked), until the client goes
  cl-larger        forwarded, Content-Length 1000 more than the body, closed after the body
  cl-smaller       forwarded, Content-Length smaller than the body, the whole body sent, closed
  drip             forwarded at 2 bytes/s
  stall            nothing at all is sent for 300 s (or until the client goes)

Bounded: the server threads are daemons, stall and drip give up after 300 s,
endless after 1 GiB.
"""

import http.client
import http.server
import json
import os
import re
import socket
import threading
import time

FAULTS = ('drop', '500', '502', '503', '429:', 'stale', 'corrupt', 'short', 'endless', 'cl-larger',
          'cl-smaller', 'drip', 'stall')
LIMIT_S = 300
HOP = {'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'proxy-connection', 'te', 'upgrade'}


class _Rule:
    def __init__(self, methods, pattern, fault, times):
        self.methods = methods
        self.pattern = re.compile(pattern)
        self.fault = fault
        self.times = times


def _error_body(code, message):
    return json.dumps({'errors': [{'code': code, 'message': message}]}).encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def _status(self, code, body, headers=()):
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def _forward(self, body):
        fp = self.server.proxy
        conn = http.client.HTTPConnection(fp.upstream_host, fp.upstream_port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        if body or self.command in ('PUT', 'POST', 'PATCH'):
            headers['Content-Length'] = str(len(body))
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        try:
            data = resp.read() if self.command != 'HEAD' else b''
        except http.client.IncompleteRead as e:
            # the registry's own answer was short (docker-registry's 416): relayed as it came
            data = e.partial
            self.close_connection = True
        out = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP]
        length = resp.getheader('Content-Length')
        conn.close()
        return resp.status, out, data, length

    def _head(self, status, headers, length):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if length is not None:
            self.send_header('Content-Length', str(length))
        self.end_headers()

    def _sleep_while_open(self, seconds):
        end = time.monotonic() + seconds
        self.connection.settimeout(0.2)
        while time.monotonic() < end:
            try:
                if self.connection.recv(1, socket.MSG_PEEK) == b'':
                    return
            except socket.timeout:
                continue
            except OSError:
                return
            time.sleep(0.2)

    def _handle(self):
        fp = self.server.proxy
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else b''
        fault = fp._take(self.command, self.path)
        fp.requests.append((self.command, self.path, fault, self.headers.get('Range')))
        if fault is None:
            status, headers, data, length = self._forward(body)
            self._head(status, headers, length if self.command == 'HEAD' or self.close_connection else len(data))
            if self.command != 'HEAD':
                self.wfile.write(data)
            return
        self.close_connection = True
        if fault == 'drop':
            return
        if fault in ('500', '502', '503'):
            return self._status(int(fault), _error_body('UNAVAILABLE', 'injected ' + fault))
        if fault.startswith('429:'):
            return self._status(429, _error_body('TOOMANYREQUESTS', 'slow down'),
                                [('Retry-After', fault[4:]), ('RateLimit-Limit', '100;w=21600'),
                                 ('RateLimit-Remaining', '0;w=21600')])
        if fault == 'stale':
            return self._status(404, _error_body('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry'))
        if fault == 'stall':
            return self._sleep_while_open(LIMIT_S)
        status, headers, data, length = self._forward(body)
        if self.command == 'HEAD' or not data:
            self._head(status, headers, length)
            return
        if fault == 'corrupt':
            data = data[:-1] + bytes([data[-1] ^ 0x01])
            self._head(status, headers, len(data))
            self.wfile.write(data)
        elif fault == 'short':
            self._head(status, headers, len(data))
            self.wfile.write(data[:len(data) // 2])
        elif fault == 'cl-larger':
            self._head(status, headers, len(data) + 1000)
            self.wfile.write(data)
        elif fault == 'cl-smaller':
            self._head(status, headers, max(0, len(data) - max(1, min(10, len(data) // 2))))
            self.wfile.write(data)
        elif fault == 'endless':
            self._head(status, headers + [('Transfer-Encoding', 'chunked')], None)
            chunk = os.urandom(64 * 1024)
            sent = 0
            for piece in (data, ) + (chunk, ) * (1 << 14):
                self.wfile.write(b'%x\r\n%s\r\n' % (len(piece), piece))
                sent += len(piece)
        elif fault == 'drip':
            self._head(status, headers, len(data))
            end = time.monotonic() + LIMIT_S
            for i in range(0, len(data), 2):
                if time.monotonic() > end:
                    return
                self.wfile.write(data[i:i + 2])
                self.wfile.flush()
                time.sleep(1)
        else:
            raise ValueError('unknown fault ' + fault)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, socket.timeout, TimeoutError):
            self.close_connection = True

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = _handle


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


class FaultProxy:
    def __init__(self, upstream):
        host, port = upstream.rsplit(':', 1)
        self.upstream_host, self.upstream_port = host, int(port)
        self.rules = []
        self.requests = []
        self._lock = threading.Lock()
        self._server = None

    def fault(self, methods, pattern, fault, times=1):
        if not any(fault == f or (f.endswith(':') and fault.startswith(f)) for f in FAULTS):
            raise ValueError('unknown fault ' + fault)
        with self._lock:
            self.rules.append(_Rule(tuple(methods), pattern, fault, times))

    def clear(self):
        with self._lock:
            self.rules = []
            self.requests = []

    def _take(self, method, path):
        with self._lock:
            for r in self.rules:
                if method in r.methods and r.pattern.search(path) and (r.times is None or r.times > 0):
                    if r.times is not None:
                        r.times -= 1
                    return r.fault
        return None

    @property
    def host(self):
        return '127.0.0.1:%d' % self._server.server_address[1]

    def start(self):
        self._server = _Server(('127.0.0.1', 0), _Handler)
        self._server.proxy = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
