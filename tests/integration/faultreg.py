# SPDX-License-Identifier: Apache-2.0
"""faultreg.py - a tiny fake registry for faults a real one will not produce (refused uploads, corrupt blobs).

    with FaultRegistry(manifests={...}, blobs={...}, upload_status=403) as fr:
        ... wpkg ... --plain-http fr.host/repo:tag ...
        fr.requests  -> [(method, path), ...]

Manifests and blobs are served from the dicts given (keyed by tag or digest);
HEAD of any blob answers 404, uploads start with 202 and finish with
upload_status; manifest PUTs are recorded and answered 201.
"""

import hashlib
import http.server
import json

from localserver import LocalServer


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def _send(self, status, body=b'', headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def _error(self, status, code, message):
        self._send(status, json.dumps({'errors': [{'code': code, 'message': message}]}).encode(),
                   {'Content-Type': 'application/json'})

    def _handle(self):
        fr = self.server.fake
        n = int(self.headers.get('Content-Length') or 0)
        if n:
            self.rfile.read(n)
        path = self.path.split('?')[0]
        fr.requests.append((self.command, self.path))
        parts = path.split('/')
        if path == '/v2/':
            return self._send(200, b'{}', {'Content-Type': 'application/json'})
        if '/blobs/uploads/' in path or path.startswith('/upload/'):
            if self.command == 'POST':
                return self._send(202, b'', {'Location': '/upload/1', 'Range': '0-0'})
            return self._error(fr.upload_status, 'DENIED', 'uploads refused by the fault registry')
        if len(parts) >= 5 and parts[-2] == 'blobs':
            data = fr.blobs.get(parts[-1])
            if data is None:
                return self._error(404, 'BLOB_UNKNOWN', 'blob unknown')
            return self._send(200, data, {'Content-Type': 'application/octet-stream',
                                          'Docker-Content-Digest': parts[-1]})
        if len(parts) >= 5 and parts[-2] == 'manifests':
            if self.command == 'PUT':
                return self._send(201, b'', {'Location': path})
            doc = fr.manifests.get(parts[-1])
            if doc is None:
                return self._error(404, 'MANIFEST_UNKNOWN', 'manifest unknown')
            media_type, body = doc
            return self._send(200, body, {'Content-Type': media_type,
                                          'Docker-Content-Digest': 'sha256:' + hashlib.sha256(body).hexdigest()})
        return self._error(404, 'NAME_UNKNOWN', 'unknown path')

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class FaultRegistry(LocalServer):
    def __init__(self, manifests=None, blobs=None, upload_status=403):
        self.manifests = manifests or {}
        self.blobs = blobs or {}
        self.upload_status = upload_status
        self.requests = []
        self.start_server(_Handler)
        self.server.fake = self
