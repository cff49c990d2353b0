#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_cli_tls_redirect.py - the client certificate goes to the registry's own origin only: a registry that requires
one redirects a blob GET (307) to a second TLS server that asks for a certificate without requiring it, and records
whether one was offered."""

import hashlib
import http.server
import os
import ssl
import threading

import harness
from localserver import LocalServer
from registry import make_tls

BLOB = b'redirected blob bytes\n' * 64
DIGEST = 'sha256:' + hashlib.sha256(BLOB).hexdigest()


class TlsServer(LocalServer):
    """A TLS server on 127.0.0.1 with the test CA's server certificate; require: CERT_REQUIRED, else CERT_OPTIONAL
    (the CertificateRequest is sent, so a client with a certificate offers it).  peers: one entry per request, the
    DER certificate the client offered or None."""

    def __init__(self, tls_dir, require, redirect_to=None):
        owner = self
        self.peers = []
        self.paths = []

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.peers.append(self.connection.getpeercert(binary_form=True))
                owner.paths.append(self.path)
                if self.path == '/v2/':
                    return self.answer(200, b'{}')
                if redirect_to is not None:
                    self.send_response(307)
                    self.send_header('Location', 'https://%s/storage/%s' % (redirect_to(), DIGEST))
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                    return None
                return self.answer(200, BLOB, 'application/octet-stream')

            def answer(self, code, body, ctype='application/json'):
                self.send_response(code)
                self.send_header('Content-Type', ctype)
                self.send_header('Content-Length', str(len(body)))
                self.send_header('Docker-Distribution-API-Version', 'registry/2.0')
                self.end_headers()
                self.wfile.write(body)

        self.start_server(Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(tls_dir, 'server.crt'), os.path.join(tls_dir, 'server.key'))
        ctx.load_verify_locations(os.path.join(tls_dir, 'ca.crt'))
        ctx.verify_mode = ssl.CERT_REQUIRED if require else ssl.CERT_OPTIONAL
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)


class ClientCertNotForwarded(harness.TestCase):

    def setUp(self):
        super().setUp()
        self.tls = self.path('tls')
        os.makedirs(self.tls)
        make_tls(self.tls, client=True)
        self.flags = ['--ca-file', os.path.join(self.tls, 'ca.crt'),
                      '--cert-file', os.path.join(self.tls, 'client.crt'),
                      '--key-file', os.path.join(self.tls, 'client.key')]
        self.target = TlsServer(self.tls, require=False)
        self.target.__enter__()
        self.addCleanup(self.target.__exit__)

    def fetch(self, host, out):
        return self.wpkg('blob', 'fetch', *self.flags, '%s/app/x@%s' % (host, DIGEST), '-o', out)

    def test_the_target_sees_a_certificate_when_it_is_the_registry(self):
        # the control: the recording server does see a certificate that is offered to it
        self.fetch(self.target.host, self.path('direct'))
        with open(self.path('direct'), 'rb') as f:
            self.assertEqual(f.read(), BLOB)
        self.assertTrue(self.target.peers and all(self.target.peers), 'offered to the registry itself')

    def test_no_certificate_is_offered_to_a_redirect_target(self):
        with TlsServer(self.tls, require=True, redirect_to=lambda: self.target.host) as origin:
            self.fetch(origin.host, self.path('blob'))
            self.assertTrue(origin.peers and all(origin.peers), 'the registry got the certificate it requires')
        with open(self.path('blob'), 'rb') as f:
            self.assertEqual(f.read(), BLOB)
        self.assertEqual(self.target.paths, ['/storage/' + DIGEST])
        self.assertEqual(self.target.peers, [None], 'the redirect target was offered no client certificate')


if __name__ == '__main__':
    harness.main()
