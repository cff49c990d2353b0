# SPDX-License-Identifier: Apache-2.0
"""fakereg.py - a small threaded HTTP/1.1 fake OCI registry that injects faults a real registry will not.

    with FakeRegistry(auth=('user', 'pass')) as reg:
        reg.push_artifact('app/x', 'v1', wasm_bytes)
        reg.fault('GET', r'/blobs/sha256:', Status(503), times=2)
        ... run wpkg against reg.host with --plain-http ...
        reg.requests      # every request seen: Request(method, path, headers, body_len)

It speaks enough of the distribution API for wpkg pull/push (blobs, uploads
monolithic and chunked, manifests, tags; with referrers_api=True the OCI 1.1
referrers API too; referrers_page_size=N splits its answer into pages of N
descriptors chained by Link: <...?n=N&last=DIGEST>; rel="next"; tags/list pages
by ?n= or tags_page_size the same way) and keeps
everything in memory.
Faults are matched in the order they were added, by method and a regular
expression searched in the path (query included); each fires `times` times
(None: forever).  It can also run as a plain blob server (storage=True) that
serves /storage/DIGEST, to play the storage host a registry redirects to.
"""

import hashlib
import http.server
import json
import re
import threading
import time
import uuid

MT_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
MT_CONFIG = 'application/vnd.wasm.config.v0+json'
MT_WASM = 'application/wasm'


def digest_of(data):
    return 'sha256:' + hashlib.sha256(data).hexdigest()


class Request:
    """What the server saw: method, path (with query), headers (names lowercased), body length, time (monotonic),
    and conn, the client's port (one per connection)."""

    def __init__(self, method, path, headers, body_len, conn=None):
        self.time = time.monotonic()
        self.conn = conn
        self.method = method
        self.path = path
        self.headers = headers
        self.body_len = body_len

    def __repr__(self):
        return 'Request(%s %s)' % (self.method, self.path)


# Faults ----------------------------------------------------------------------

class Status:
    """Answer with this status (and headers, body) instead of the real answer."""

    def __init__(self, code, headers=None, body=b''):
        self.code = code
        self.headers = headers or {}
        self.body = body if isinstance(body, bytes) else body.encode()


class Drop:
    """Send the real answer's headers (full Content-Length) but close after `after` body bytes."""

    def __init__(self, after):
        self.after = after


class Overstate:
    """Send the whole real body under a Content-Length `extra` bytes larger, then close."""

    def __init__(self, extra):
        self.extra = extra


class Corrupt:
    """Send the real body with one byte changed (same length)."""


class Slow:
    """Wait `stall` seconds before answering at all, then send the body `rate` bytes per second (None: at once).

    A drip stops when the client goes away; `stop` (a threading.Event) ends it early too.
    """

    def __init__(self, rate=None, stall=0.0):
        self.rate = rate
        self.stall = stall
        self.stop = threading.Event()


class Redirect:
    """307 to url; '{digest}' and '{path}' in url are filled from the request."""

    def __init__(self, url, code=307):
        self.url = url
        self.code = code


class Delay:
    """Answer as usual, but only after `seconds` (a far or slow server)."""

    def __init__(self, seconds):
        self.seconds = seconds


class IgnoreRange:
    """Answer a Range request with 200 and the whole body (as some servers do)."""


class _Rule:
    def __init__(self, method, pattern, action, times):
        self.method = method
        self.pattern = re.compile(pattern)
        self.action = action
        self.left = times


# Server ----------------------------------------------------------------------

class FakeRegistry:
    def __init__(self, auth=None, storage=False, shared_blobs=None, referrers_api=False, referrers_filter=True,
                 referrers_page_size=None, tags_page_size=None, quirks=(), bearer=None):
        self.auth = auth                     # (user, password) for Basic, or None
        # the OCI 1.1 referrers API: GET /v2/R/referrers/D, OCI-Subject on PUT; referrers_filter False
        # ignores ?artifactType= (no OCI-Filters-Applied), as the spec allows; 'first' honours it on the
        # first page only (a registry inconsistent across pages, which the client must not trust)
        self.referrers_api = referrers_api
        self.referrers_filter = referrers_filter
        # None: one answer; N: pages of N descriptors in digest order, the next one named by a relative
        # Link: </v2/R/referrers/D?...&n=N&last=DIGEST>; rel="next" (as distribution pages tags/list)
        self.referrers_page_size = referrers_page_size
        # None: the client's ?n= (all when it sends none); N: at most N tags a page whatever it asks, in
        # lexical order, the next page named by Link: </v2/R/tags/list?n=N&last=TAG>; rel="next"
        self.tags_page_size = tags_page_size
        # registries' known departures from distribution, each by name:
        #   range-0-0         every upload answer says Range: 0-0 (GHCR), whatever it holds
        #   range-stuck       PATCH answers keep the Range of the first chunk (ECR)
        #   patch-201         PATCH answered 201 instead of 202 (ECR)
        #   no-digest         blob and manifest PUT answers without Docker-Content-Digest (ECR)
        #   mount-needs-from  a mount POST without from= is refused 400 (Quay); one with from= that cannot
        #                     mount opens an upload (202 and a Location), as the spec allows
        self.quirks = set(quirks)
        # Bearer tokens from the registry's own /token (realm): 'opaque' (GHCR-like base64, no dots) or 'jwt'
        # (three dotted parts, unsigned); each token covers the scopes it was asked for, and is refused (401 and
        # a challenge naming the scope needed) for any other repository unless bearer_any_repo
        self.bearer = bearer
        self.bearer_any_repo = False
        self.tokens = {}                     # token -> set of (repo, action) granted
        self.token_requests = []             # the scope lists asked for, in order
        self.storage = storage               # serve /storage/DIGEST only
        self.blobs = shared_blobs if shared_blobs is not None else {}
        self.manifests = {}                  # (repo, ref) -> (media type, bytes)
        self.tags = {}                       # repo -> [tag, ...]
        self.uploads = {}                    # id -> _Upload
        self.requests = []
        self.rules = []
        self.lock = threading.Lock()
        self.server = None
        self.thread = None

    # lifecycle
    def start(self):
        owner = self

        class Handler(_Handler):
            reg = owner
        self.server = _Server(('127.0.0.1', 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        for r in self.rules:
            if isinstance(r.action, Slow):
                r.action.stop.set()
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def host(self):
        return '127.0.0.1:%d' % self.port

    # configuration
    def fault(self, method, pattern, action, times=1):
        with self.lock:
            self.rules.append(_Rule(method, pattern, action, times))

    def add_blob(self, data):
        d = digest_of(data)
        with self.lock:
            self.blobs[d] = bytes(data)
        return d

    def put_manifest(self, repo, tag, data, media_type=MT_MANIFEST):
        d = digest_of(data)
        with self.lock:
            self.manifests[(repo, d)] = (media_type, bytes(data))
            if tag:
                self.manifests[(repo, tag)] = (media_type, bytes(data))
                self.tags.setdefault(repo, [])
                if tag not in self.tags[repo]:
                    self.tags[repo].append(tag)
        return d

    def push_artifact(self, repo, tag, wasm, layer_digest=None, layer_size=None):
        """A Wasm OCI artifact for wasm; layer_digest / layer_size override the descriptor's (to lie).

        Returns (manifest digest, layer digest)."""
        ld = layer_digest or digest_of(wasm)
        config = json.dumps({'created': '2024-01-01T00:00:00Z', 'author': None, 'architecture': 'wasm',
                             'os': 'wasip2', 'layerDigests': [ld],
                             'component': {'exports': [], 'imports': [], 'target': None}},
                            separators=(',', ':')).encode()
        cd = self.add_blob(config)
        with self.lock:
            self.blobs[ld] = bytes(wasm)
        manifest = json.dumps({
            'schemaVersion': 2, 'mediaType': MT_MANIFEST, 'artifactType': MT_CONFIG,
            'config': {'mediaType': MT_CONFIG, 'digest': cd, 'size': len(config)},
            'layers': [{'mediaType': MT_WASM, 'digest': ld, 'size': len(wasm) if layer_size is None else layer_size,
                        'annotations': {'org.opencontainers.image.title': 'app.wasm'}}],
        }, separators=(',', ':')).encode()
        return self.put_manifest(repo, tag, manifest), ld

    # queries for assertions
    def seen(self, method=None, pattern=None):
        rx = re.compile(pattern) if pattern else None
        with self.lock:
            return [r for r in self.requests
                    if (method is None or r.method == method) and (rx is None or rx.search(r.path))]

    def _take_fault(self, method, path):
        with self.lock:
            for rule in self.rules:
                if rule.method == method and rule.pattern.search(path) and rule.left != 0:
                    if rule.left is not None:
                        rule.left -= 1
                    return rule.action
        return None


class _Upload:
    def __init__(self):
        self.data = bytearray()
        self.state = uuid.uuid4().hex
        self.first_end = None   # the Range end after the first PATCH (range-stuck)

    def location(self, repo, uid):
        return '/v2/%s/blobs/uploads/%s?_state=%s' % (repo, uid, self.state)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # clients open many connections at once (parallel transfers): with socketserver's backlog of 5 the
    # kernel drops the rest of the SYNs and they come back a second later
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # clients that hang up mid-answer are part of the game (aborted transfers), not errors
        import sys
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _error(code, message):
    return json.dumps({'errors': [{'code': code, 'message': message}]}).encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    reg = None   # set by FakeRegistry.start

    def log_message(self, *args):
        pass

    # plumbing
    def _body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n else b''

    def _send(self, code, body=b'', headers=None, fault=None):
        headers = dict(headers or {})
        if isinstance(fault, Corrupt) and body:
            body = bytes([body[0] ^ 0xff]) + body[1:]
        if isinstance(fault, Slow) and fault.stall and fault.stop.wait(fault.stall):
            return
        self.send_response(code)
        if isinstance(fault, Overstate):
            headers['Content-Length'] = str(len(body) + fault.extra)
            fault = Drop(len(body))
        headers.setdefault('Content-Length', str(len(body)))
        headers.setdefault('Docker-Distribution-Api-Version', 'registry/2.0')
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command == 'HEAD':
            return
        if isinstance(fault, Drop):
            self.wfile.write(body[:fault.after])
            self.wfile.flush()
            self.close_connection = True
            try:
                import socket
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if isinstance(fault, Slow) and fault.rate:
            return self._drip(body, fault)
        self.wfile.write(body)

    def _drip(self, body, fault):
        step = max(1, fault.rate // 10)
        for i in range(0, len(body), step):
            if fault.stop.wait(0.1):
                return
            try:
                self.wfile.write(body[i:i + step])
                self.wfile.flush()
            except OSError:
                return

    def _authorized(self):
        if self.reg.auth is None or self.reg.storage:
            return True
        import base64
        want = 'Basic ' + base64.b64encode(('%s:%s' % self.reg.auth).encode()).decode()
        return self.headers.get('Authorization') == want

    def _token(self, query):
        import base64
        import urllib.parse
        reg = self.reg
        scopes = urllib.parse.parse_qs(query).get('scope', [])
        granted = set()
        for sc in scopes:
            parts = sc.split(':')
            if len(parts) == 3 and parts[0] == 'repository':
                granted |= {(parts[1], a) for a in parts[2].split(',')}
        raw = uuid.uuid4().bytes
        if reg.bearer == 'jwt':
            tok = '.'.join(base64.urlsafe_b64encode(x).decode().rstrip('=') for x in (
                b'{"alg":"none"}', json.dumps({'access': sorted(granted)}).encode(), raw))
        else:
            tok = base64.b64encode(b'v1:' + raw + b'\x00').decode()   # 'djE6...' with '=' padding
        with reg.lock:
            reg.tokens[tok] = granted
            reg.token_requests.append(scopes)
        return self._send(200, json.dumps({'token': tok, 'expires_in': 300}).encode(),
                          {'Content-Type': 'application/json'})

    def _bearer_ok(self, path):
        """None when the request's token covers it, else the scope to name in the challenge ('' for /v2/)."""
        reg = self.reg
        m = re.match(r'/v2/(.+?)/(blobs|manifests|tags|referrers)/', path)
        if not m:
            need = None
        else:
            need = (m.group(1), 'pull' if self.command in ('GET', 'HEAD') else 'push')
        auth = self.headers.get('Authorization') or ''
        granted = reg.tokens.get(auth[7:]) if auth.startswith('Bearer ') else None
        if granted is not None and (need is None or need in granted or
                                    (reg.bearer_any_repo and need[1] == 'pull')):
            return None
        return '' if need is None else 'repository:%s:%s' % need

    def _handle(self):
        body = self._body() if self.command in ('PUT', 'POST', 'PATCH') else b''
        reg = self.reg
        with reg.lock:
            reg.requests.append(Request(self.command, self.path,
                                        {k.lower(): v for k, v in self.headers.items()}, len(body),
                                        self.client_address[1]))
        # authentication first: a fault is spent only on a request that got past it
        if not self._authorized():
            return self._send(401, _error('UNAUTHORIZED', 'authentication required'),
                              {'WWW-Authenticate': 'Basic realm="fakereg"', 'Content-Type': 'application/json'})
        if reg.bearer and self.path.startswith('/token'):
            return self._token(self.path.split('?', 1)[1] if '?' in self.path else '')
        scope = self._bearer_ok(self.path.split('?', 1)[0]) if reg.bearer else None
        if scope is not None:
            challenge = 'Bearer realm="http://%s/token",service="fakereg"' % reg.host
            if scope:
                challenge += ',scope="%s"' % scope
            return self._send(401, _error('UNAUTHORIZED', 'authentication required'),
                              {'WWW-Authenticate': challenge, 'Content-Type': 'application/json'})
        fault = reg._take_fault(self.command, self.path)
        if isinstance(fault, Delay):
            time.sleep(fault.seconds)
            fault = None
        if isinstance(fault, Status):
            return self._send(fault.code, fault.body, fault.headers)
        if isinstance(fault, Redirect):
            m = re.search(r'(sha256:[0-9a-f]{64})', self.path)
            loc = fault.url.format(digest=m.group(1) if m else '', path=self.path)
            return self._send(fault.code, b'', {'Location': loc})
        path = self.path.split('?', 1)[0]
        query = self.path.split('?', 1)[1] if '?' in self.path else ''
        if reg.storage:
            m = re.fullmatch(r'/storage/(sha256:[0-9a-f]{64})', path)
            return self._blob(m.group(1) if m else None, fault)
        if path == '/v2/':
            return self._send(200, b'{}', {'Content-Type': 'application/json'})
        m = re.fullmatch(r'/v2/(.+)/blobs/uploads/([^/]*)', path)
        if m:
            return self._upload(m.group(1), m.group(2), query, body)
        m = re.fullmatch(r'/v2/(.+)/blobs/(sha256:[0-9a-f]{64})', path)
        if m:
            return self._blob(m.group(2), fault)
        m = re.fullmatch(r'/v2/(.+)/manifests/([^/]+)', path)
        if m:
            return self._manifest(m.group(1), m.group(2), body, fault)
        m = re.fullmatch(r'/v2/(.+)/referrers/(sha256:[0-9a-f]{64})', path)
        if m and reg.referrers_api and self.command == 'GET':
            return self._referrers(m.group(1), m.group(2), query)
        m = re.fullmatch(r'/v2/(.+)/tags/list', path)
        if m:
            return self._tags(m.group(1), query)
        return self._send(404, b'404 page not found\n', {'Content-Type': 'text/plain'})

    def _blob(self, digest, fault):
        data = self.reg.blobs.get(digest)
        if data is None:
            return self._send(404, _error('BLOB_UNKNOWN', 'blob unknown to registry'))
        rng = self.headers.get('Range')
        m = re.fullmatch(r'bytes=(\d+)-', rng or '')
        if m and not isinstance(fault, IgnoreRange) and self.command == 'GET':
            start = int(m.group(1))
            if start >= len(data):
                return self._send(416, b'', {'Content-Range': 'bytes */%d' % len(data)})
            return self._send(206, data[start:], {'Content-Range': 'bytes %d-%d/%d' % (start, len(data) - 1,
                                                                                      len(data)),
                                                  'Content-Type': 'application/octet-stream'}, fault)
        return self._send(200, data, {'Content-Type': 'application/octet-stream', 'Docker-Content-Digest': digest,
                                      'Accept-Ranges': 'bytes'}, fault)

    def _upload(self, repo, upload_id, query, body):
        reg = self.reg
        params = dict(p.split('=', 1) for p in query.split('&') if '=' in p)
        import urllib.parse
        params = {k: urllib.parse.unquote(v) for k, v in params.items()}
        if self.command == 'POST':
            quay = 'mount-needs-from' in reg.quirks
            if 'mount' in params and 'from' not in params and quay:
                return self._send(400, _error('UNSUPPORTED', 'mount needs a source repository (from)'))
            if 'mount' in params and params['mount'] in reg.blobs and not quay:
                return self._send(201, b'', {'Location': '/v2/%s/blobs/%s' % (repo, params['mount'])})
            uid = uuid.uuid4().hex
            up = _Upload()
            with reg.lock:
                reg.uploads[uid] = up
            return self._send(202, b'', {'Location': up.location(repo, uid), 'Range': '0-0',
                                         'Docker-Upload-UUID': uid})
        up = reg.uploads.get(upload_id)
        if up is None:
            return self._send(404, _error('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry'))
        if self.command == 'DELETE':
            reg.uploads.pop(upload_id, None)
            return self._send(204)
        # like distribution: every answer carries a new _state and an old one is refused
        if params.get('_state') != up.state:
            return self._send(404, _error('BLOB_UPLOAD_INVALID', 'stale upload state'))
        buf = up.data
        buf.extend(body)
        if self.command == 'PATCH':
            up.state = uuid.uuid4().hex
            if up.first_end is None:
                up.first_end = len(buf) - 1
            end = 0 if 'range-0-0' in reg.quirks else up.first_end if 'range-stuck' in reg.quirks else len(buf) - 1
            return self._send(201 if 'patch-201' in reg.quirks else 202, b'',
                              {'Location': up.location(repo, upload_id), 'Range': '0-%d' % end})
        if self.command == 'PUT':
            want = params.get('digest')
            if digest_of(bytes(buf)) != want:
                return self._send(400, _error('DIGEST_INVALID', 'provided digest did not match uploaded content'))
            with reg.lock:
                reg.blobs[want] = bytes(buf)
                reg.uploads.pop(upload_id, None)
            headers = {'Location': '/v2/%s/blobs/%s' % (repo, want)}
            if 'no-digest' not in reg.quirks:
                headers['Docker-Content-Digest'] = want
            return self._send(201, b'', headers)
        return self._send(405)

    def _referrers(self, repo, subject, query):
        import urllib.parse
        params = urllib.parse.parse_qs(query)
        want = params.get('artifactType', [None])[0]
        with self.reg.lock:
            stored = [(k[1], v) for k, v in self.reg.manifests.items() if k[0] == repo and k[1].startswith('sha256:')]
        found = []
        for d, (mt, data) in sorted(stored):
            doc = json.loads(data)
            if (doc.get('subject') or {}).get('digest') != subject:
                continue
            desc = {'mediaType': mt, 'digest': d, 'size': len(data)}
            at = doc.get('artifactType') or (doc.get('config') or {}).get('mediaType')
            if at:
                desc['artifactType'] = at
            if doc.get('annotations'):
                desc['annotations'] = doc['annotations']
            found.append(desc)
        headers = {'Content-Type': 'application/vnd.oci.image.index.v1+json'}
        filt = self.reg.referrers_filter
        if want is not None and (filt is True or (filt == 'first' and 'last' not in params)):
            found = [d for d in found if d.get('artifactType') == want]
            headers['OCI-Filters-Applied'] = 'artifactType'
        size = self.reg.referrers_page_size
        if size:
            last = params.get('last', [''])[0]
            found = [d for d in found if d['digest'] > last]
            if len(found) > size:
                found = found[:size]
                # the client's own query (artifactType) is kept, whether this server honours it or not
                q = [('artifactType', want)] if want is not None else []
                q += [('n', str(size)), ('last', found[-1]['digest'])]
                headers['Link'] = '</v2/%s/referrers/%s?%s>; rel="next"' % (repo, subject, urllib.parse.urlencode(q))
        body = json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.index.v1+json',
                           'manifests': found}).encode()
        return self._send(200, body, headers)

    def _tags(self, repo, query):
        import urllib.parse
        tags = self.reg.tags.get(repo)
        if tags is None:
            return self._send(404, _error('NAME_UNKNOWN', 'repository name not known to registry'))
        params = urllib.parse.parse_qs(query)
        headers = {'Content-Type': 'application/json'}
        sizes = [int(params['n'][0])] if 'n' in params else []
        sizes += [self.reg.tags_page_size] if self.reg.tags_page_size else []
        if sizes:
            last = params.get('last', [''])[0]
            tags = [t for t in sorted(tags) if t > last]
            if len(tags) > min(sizes):
                tags = tags[:min(sizes)]
                q = urllib.parse.urlencode([('n', str(min(sizes))), ('last', tags[-1])])
                headers['Link'] = '</v2/%s/tags/list?%s>; rel="next"' % (repo, q)
        return self._send(200, json.dumps({'name': repo, 'tags': tags}).encode(), headers)

    def _manifest(self, repo, ref, body, fault):
        reg = self.reg
        if self.command == 'PUT':
            mt = self.headers.get('Content-Type', '')
            reg.put_manifest(repo, None if ref.startswith('sha256:') else ref, body, mt)
            headers = {'Location': '/v2/%s/manifests/%s' % (repo, digest_of(body))}
            if 'no-digest' not in reg.quirks:
                headers['Docker-Content-Digest'] = digest_of(body)
            subject = (json.loads(body).get('subject') or {}).get('digest') if reg.referrers_api else None
            if subject:
                headers['OCI-Subject'] = subject
            return self._send(201, b'', headers)
        got = reg.manifests.get((repo, ref))
        if got is None:
            return self._send(404, _error('MANIFEST_UNKNOWN', 'manifest unknown'))
        if self.command == 'DELETE':
            with reg.lock:
                for k in [k for k, v in reg.manifests.items() if k[0] == repo and v == got]:
                    del reg.manifests[k]
            return self._send(202)
        mt, data = got
        return self._send(200, data, {'Content-Type': mt, 'Docker-Content-Digest': digest_of(data)}, fault)

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = _handle
