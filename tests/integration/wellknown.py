# SPDX-License-Identifier: Apache-2.0
"""wellknown.py - a small server for /.well-known/wasm-pkg/registry.json on 127.0.0.1, for the resolve tests.

It serves one fixed answer (status and body) and counts the requests, so tests can check
which document wpkg read, that inline metadata skips it, and that answers are cached.
"""

import http.server

from localserver import LocalServer


class WellKnown(LocalServer):
    def __init__(self, body, status=200, content_type='application/json'):
        self.body = body.encode() if isinstance(body, str) else body
        self.status = status
        self.content_type = content_type
        self.paths = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.paths.append(self.path)
                if self.path == '/.well-known/wasm-pkg/registry.json':
                    status, body = outer.status, outer.body
                else:
                    status, body = 404, b'not here'
                self.send_response(status)
                self.send_header('Content-Type', outer.content_type)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.start_server(Handler)
