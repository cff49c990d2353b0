#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_cli_loopback.py - loopback registries need no --plain-http (HTTPS first, plain HTTP when the handshake is
answered in HTTP), TLS ones stay verified, and a TLS/HTTP mismatch names the flag that fixes it."""

import socket
import threading

import harness
from registry import Registry

HELLO = 'components/hello-c.component.wasm'


class ConnectProxy:
    """A CONNECT-only forward proxy on 127.0.0.1 that sends every tunnel to one real registry, whatever host the
    client names: how a registry with a non-loopback name is reached in a test without leaving the machine."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.sock.settimeout(1)
        self.port = self.sock.getsockname()[1]
        self.hosts = []
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._tunnel, args=(c,), daemon=True).start()

    def _tunnel(self, c):
        c.settimeout(10)
        head = b''
        while b'\r\n\r\n' not in head and len(head) < 8192:
            b = c.recv(4096)
            if not b:
                c.close()
                return
            head += b
        line = head.split(b'\r\n', 1)[0].decode('latin-1').split()
        self.hosts.append(line[1] if len(line) > 1 else '?')
        u = socket.create_connection(('127.0.0.1', self.target_port), timeout=10)
        c.sendall(b'HTTP/1.1 200 Connection established\r\n\r\n')

        def pump(a, b):
            try:
                while True:
                    d = a.recv(65536)
                    if not d:
                        break
                    b.sendall(d)
            except OSError:
                pass
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        t = threading.Thread(target=pump, args=(u, c), daemon=True)
        t.start()
        pump(c, u)
        t.join(10)
        c.close()
        u.close()

    def stop(self):
        self.stopping = True
        self.sock.close()
        self.thread.join(5)


class PlainLoopback(harness.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reg = Registry('plain')
        cls.reg.start()

    @classmethod
    def tearDownClass(cls):
        cls.reg.stop()

    def test_no_flag_needed_on_127_and_localhost(self):
        ref = '%s/loop/a:1' % self.reg.host
        digest = self.wpkg('push', '-q', ref, harness.fixture(HELLO)).stdout.strip()
        self.assertRegex(digest, r'^sha256:[0-9a-f]{64}$')
        port = self.reg.host.rsplit(':', 1)[1]
        for host in ('localhost:' + port, 'wpkg.localhost:' + port):
            r = self.wpkg('resolve', '%s/loop/a:1' % host, expect=None)
            if host.startswith('wpkg.') and r.returncode != 0 and 'resolve' in r.stderr and 'host' in r.stderr:
                continue  # *.localhost names may not resolve on this machine (no nss-myhostname)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), digest)
        self.assertEqual(self.wpkg('tags', ref.rsplit(':', 1)[0]).stdout, '1\n')

    def test_non_loopback_http_registry_names_the_flag(self):
        proxy = ConnectProxy(int(self.reg.host.rsplit(':', 1)[1]))
        self.addCleanup(proxy.stop)
        env = {'https_proxy': 'http://127.0.0.1:%d' % proxy.port}
        r = self.wpkg('tags', 'registry.example:5000/loop/a', env=env, expect=7)
        self.assertEqual(r.stdout, '')
        self.assertIn('registry.example:5000 speaks plain HTTP, not HTTPS: pass --plain-http', r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertEqual(proxy.hosts[:1], ['registry.example:5000'])


class TlsLoopback(harness.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reg = Registry('tls')
        cls.reg.start()

    @classmethod
    def tearDownClass(cls):
        cls.reg.stop()

    def test_tls_on_loopback_stays_verified(self):
        ref = '%s/loop/t:1' % self.reg.host
        self.wpkg('push', '-q', '--ca-file', self.reg.ca_file, ref, harness.fixture(HELLO))
        # without its CA the handshake fails on the certificate: no fallback to plain HTTP
        r = self.wpkg('resolve', ref, expect=7)
        self.assertIn('certificate', r.stderr)
        self.assertNotIn('plain HTTP', r.stderr)

    def test_plain_http_against_tls_names_the_flag(self):
        r = self.wpkg('tags', '--plain-http', '%s/loop/t' % self.reg.host, expect=7)
        self.assertEqual(r.stdout, '')
        self.assertIn('%s speaks HTTPS, not plain HTTP: drop --plain-http' % self.reg.host, r.stderr)
        # the registry's 400 answer is not what the user reads (the port itself may contain "400")
        self.assertNotIn('400', r.stderr.replace(self.reg.host, 'HOST'))


if __name__ == '__main__':
    harness.main()
