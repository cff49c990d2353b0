#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_cli_tls.py - TLS parity: mTLS with --cert-file/--key-file against docker-registry's http.tls.clientcas,
docker's certs.d/HOST discovery, SSL_CERT_FILE, TLS flag files checked before anything is sent, HTTP_PROXY."""

import os
import shutil
import socket
import threading

import harness
from regcase import RegistryCase

HELLO = 'components/hello-c.component.wasm'


class Listener:
    """A listening TCP port on 127.0.0.1 that never accepts: a connection attempt waits in its backlog, so after a
    run connected() says whether anything tried to talk to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]

    def connected(self):
        self.sock.setblocking(False)
        try:
            c, _ = self.sock.accept()
        except BlockingIOError:
            return False
        c.close()
        return True

    def stop(self):
        self.sock.close()


class Mtls(RegistryCase, harness.TestCase):
    VARIANT = 'mtls'

    def test_without_client_cert_a_clear_error(self):
        ref = '%s/mtls/none:1' % self.reg.host
        r = self.wpkg('push', '--retries', '0', '--ca-file', self.reg.ca_file, ref, harness.fixture(HELLO), expect=7)
        self.assertEqual(r.stdout, '')
        # the alert, or (the server dropping the connection first) the closed connection, with the fix
        self.assertIn('requires a client certificate', r.stderr)
        self.assertIn('pass --cert-file and --key-file, or put client.cert and client.key in '
                      '~/.docker/certs.d/HOST/)', r.stderr)
        self.assertIn(self.reg.host, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_push_pull_with_cert_and_key(self):
        ref = '%s/mtls/app:1' % self.reg.host
        digest = self.wpkg('push', '-q', *self.reg.flags, ref, harness.fixture(HELLO)).stdout.strip()
        self.assertRegex(digest, r'^sha256:[0-9a-f]{64}$')
        # the registry's own view of the tag, through Python's TLS stack with the same client certificate
        status, headers, _ = self.reg.raw_request(
            'HEAD', '/v2/mtls/app/manifests/1',
            {'Accept': 'application/vnd.oci.image.manifest.v1+json'})
        self.assertEqual(status, 200)
        self.assertEqual(headers['Docker-Content-Digest'], digest)
        out = self.path('out.wasm')
        self.wpkg('pull', '-q', *self.reg.flags, '-o', out, ref)
        self.assertEqual(harness.sha256_file(out), harness.sha256_file(harness.fixture(HELLO)))

    def test_cert_and_key_in_one_file(self):
        both = self.path('both.pem')
        cert, key = self.reg.client_cert
        with open(both, 'wb') as f:
            f.write(open(cert, 'rb').read() + open(key, 'rb').read())
        ref = '%s/mtls/one:1' % self.reg.host
        self.wpkg('push', '-q', '--ca-file', self.reg.ca_file, '--cert-file', both, ref, harness.fixture(HELLO))
        self.assertEqual(self.wpkg('tags', '--ca-file', self.reg.ca_file, '--cert-file', both,
                                   ref.rsplit(':', 1)[0]).stdout, '1\n')

    def test_certs_d_of_home(self):
        d = os.path.join(self.home, '.docker', 'certs.d', self.reg.host)
        os.makedirs(d)
        shutil.copy(self.reg.ca_file, os.path.join(d, 'ca.crt'))
        shutil.copy(self.reg.client_cert[0], os.path.join(d, 'client.cert'))
        shutil.copy(self.reg.client_cert[1], os.path.join(d, 'client.key'))
        ref = '%s/mtls/certsd:1' % self.reg.host
        env = {'WPKG_CERTS_D_SYSTEM': self.path('no-system-certs.d')}
        digest = self.wpkg('push', '-q', ref, harness.fixture(HELLO), env=env).stdout.strip()
        self.assertEqual(self.wpkg('resolve', ref, env=env).stdout.strip(), digest)
        # a client.cert without its key is named, not silently skipped
        os.unlink(os.path.join(d, 'client.key'))
        r = self.wpkg('resolve', ref, env=env, expect=3)
        self.assertIn(os.path.join(d, 'client.cert') + ': no client.key beside it', r.stderr)

    def test_certs_d_of_the_system(self):
        sysd = self.path('etc-docker-certs.d')
        d = os.path.join(sysd, self.reg.host)
        os.makedirs(d)
        shutil.copy(self.reg.ca_file, os.path.join(d, 'ca.crt'))
        shutil.copy(self.reg.client_cert[0], os.path.join(d, 'client.cert'))
        shutil.copy(self.reg.client_cert[1], os.path.join(d, 'client.key'))
        ref = '%s/mtls/sys:1' % self.reg.host
        self.wpkg('push', '-q', ref, harness.fixture(HELLO), env={'WPKG_CERTS_D_SYSTEM': sysd})
        # certs.d of another host is not used
        other = os.path.join(sysd, '127.0.0.2:1')
        os.rename(d, other)
        r = self.wpkg('resolve', '--retries', '0', ref, env={'WPKG_CERTS_D_SYSTEM': sysd}, expect=7)
        self.assertIn('certificate', r.stderr)


class TlsFiles(RegistryCase, harness.TestCase):
    VARIANT = 'tls'

    def test_ssl_cert_file_is_trusted(self):
        ref = '%s/tlsf/a:1' % self.reg.host
        self.wpkg('push', '-q', ref, harness.fixture(HELLO), env={'SSL_CERT_FILE': self.reg.ca_file})
        r = self.wpkg('resolve', '--retries', '0', ref, expect=7)
        self.assertIn('certificate', r.stderr)

    def test_missing_ssl_cert_file_named(self):
        missing = self.path('nope.pem')
        ref = '%s/tlsf/a:1' % self.reg.host
        r = self.wpkg('resolve', ref, env={'SSL_CERT_FILE': missing}, expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: resolve %s: SSL_CERT_FILE %s: No such file or directory; give a '
                         'readable PEM file\n' % (ref, missing))

    def test_flag_files_checked_before_anything_is_sent(self):
        lst = Listener()
        self.addCleanup(lst.stop)
        ref = '127.0.0.1:%d/tlsf/b:1' % lst.port
        missing = self.path('missing.pem')
        for flag, extra in (('--ca-file', []), ('--cert-file', []), ('--key-file', ['--cert-file', self.reg.ca_file])):
            r = self.wpkg('resolve', *extra, flag, missing, ref, expect=2)
            self.assertEqual(r.stderr, "wpkg: error: resolve: %s %s: No such file or directory; give a readable "
                             "PEM file\nTry 'wpkg resolve --help'.\n" % (flag, missing))
        r = self.wpkg('push', '--ca-file', self.tmp, ref, harness.fixture(HELLO), expect=2)
        self.assertIn('--ca-file %s: is a directory; give a PEM file' % self.tmp, r.stderr)
        r = self.wpkg('tags', '--key-file', self.reg.ca_file, ref.rsplit(':', 1)[0], expect=2)
        self.assertIn('--key-file %s: no --cert-file given; give both' % self.reg.ca_file, r.stderr)
        r = self.wpkg('login', '--ca-file', missing, '-u', 'x', '--password-stdin', '127.0.0.1:%d' % lst.port,
                      input='pw\n', expect=2)
        self.assertIn('--ca-file %s: No such file or directory' % missing, r.stderr)
        self.assertFalse(lst.connected())


class UpperCaseProxy(harness.TestCase):
    """HTTP_PROXY in upper case reaches curl (which reads only http_proxy): a plain-HTTP registry seen through
    a forward proxy that records the absolute-form request line."""

    def test_http_proxy_upper_case(self):
        seen = []
        srv = socket.socket()
        srv.bind(('127.0.0.1', 0))
        srv.listen(4)
        srv.settimeout(10)
        port = srv.getsockname()[1]

        def serve():
            try:
                c, _ = srv.accept()
            except OSError:
                return
            with c:
                c.settimeout(10)
                seen.append(c.recv(65536).split(b'\r\n', 1)[0].decode('latin-1'))
                c.sendall(b'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        t = threading.Thread(target=serve, daemon=True)
        t.start()
        self.addCleanup(srv.close)
        r = self.wpkg('tags', '--plain-http', '--retries', '0', 'registry.example:5000/p/a',
                      env={'HTTP_PROXY': 'http://127.0.0.1:%d' % port, 'http_proxy': None}, expect=None)
        t.join(10)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(seen[:1], ['GET http://registry.example:5000/v2/p/a/tags/list?n=1000 HTTP/1.1'], r.stderr)


if __name__ == '__main__':
    harness.main()
