# SPDX-License-Identifier: Apache-2.0
"""tokenserver.py - a small Bearer token server for docker-registry 2.8.2 (Docker token auth + OAuth2).

Run as ``/usr/bin/python3 tokenserver.py STATEDIR``.  It reads
STATEDIR/token-config.json (again whenever the file changes, so a test can
change users or token lifetime while it runs):

    {"issuer": I, "service": S, "key": PEM-PATH, "cert": PEM-PATH,
     "expires_in": 300, "tls_cert": PATH|null, "tls_key": PATH|null,
     "users": {"NAME": {"password": P, "actions": ["pull", "push", "delete", "*"]}}}

binds 127.0.0.1 on a free port, writes it to STATEDIR/token.port, and appends
one JSON line per request to STATEDIR/token-requests.jsonl (method, params,
scopes, whether Authorization was sent, the account, the answer's status).

GET /token?service=&scope=&account= with Basic credentials (or none: an
anonymous token with no access); POST /token form-encoded with
grant_type=password (answers a refresh_token too) or grant_type=refresh_token.
Tokens are ES256 JWTs whose header carries x5c, the signing certificate that
is also the registry's rootcertbundle.
"""

import base64
import datetime
import http.server
import json
import os
import secrets
import ssl
import sys
import threading
import time
import urllib.parse

import jwt  # python3-jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization


class Config:
    """token-config.json, reloaded when its mtime changes."""

    def __init__(self, path):
        self.path = path
        self.mtime = None
        self.doc = None
        self.key = None
        self.x5c = None
        self.lock = threading.Lock()

    def get(self):
        with self.lock:
            mtime = os.stat(self.path).st_mtime_ns
            if mtime != self.mtime:
                with open(self.path, 'rb') as f:
                    doc = json.load(f)
                with open(doc['key'], 'rb') as f:
                    self.key = serialization.load_pem_private_key(f.read(), password=None)
                with open(doc['cert'], 'rb') as f:
                    cert = x509.load_pem_x509_certificate(f.read())
                self.x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
                self.doc, self.mtime = doc, mtime
            return self.doc


def parse_scopes(values):
    """Scopes from repeated and/or space-separated scope= values -> [(type, name, [actions])]."""
    out = []
    for v in values:
        for s in v.split(' '):
            if not s:
                continue
            parts = s.split(':', 1)
            if len(parts) != 2 or ':' not in parts[1]:
                continue
            name, actions = parts[1].rsplit(':', 1)
            out.append((parts[0], name, [a for a in actions.split(',') if a]))
    return out


def grant(scopes, allowed):
    """The access claim: each requested action the account may have; one entry per type+name."""
    access = {}
    for typ, name, actions in scopes:
        ent = access.setdefault((typ, name), [])
        for a in actions:
            if (a in allowed or '*' in allowed) and a not in ent:
                ent.append(a)
    return [{'type': t, 'name': n, 'actions': a} for (t, n), a in access.items()]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'wpkg-test-token/1'

    def log_message(self, fmt, *args):  # the JSONL record is the log
        pass

    def _answer(self, status, doc, record):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        if status == 401:
            self.send_header('WWW-Authenticate', 'Basic realm="wpkg-test-token"')
        self.end_headers()
        record['status'] = status
        self.server.record(record)
        self.wfile.write(body)

    def _basic(self):
        """(sent, username, password) from a Basic Authorization header."""
        h = self.headers.get('Authorization')
        if not h:
            return False, None, None
        scheme, _, value = h.partition(' ')
        if scheme.lower() != 'basic':
            return True, None, None
        try:
            user, _, pw = base64.b64decode(value.strip()).decode('utf-8').partition(':')
        except (ValueError, UnicodeDecodeError):
            return True, None, None
        return True, user, pw

    def _issue(self, cfg, account, allowed, scopes, params, record, refresh=False):
        now = int(time.time())
        expires_in = int(cfg.get('expires_in', 300))
        service = (params.get('service') or [cfg['service']])[0]
        access = grant(scopes, allowed) if account else []
        claims = {'iss': cfg['issuer'], 'sub': account or '', 'aud': service,
                  'exp': now + expires_in, 'nbf': now - 1, 'iat': now,
                  'jti': secrets.token_hex(16), 'access': access}
        token = jwt.encode(claims, self.server.config.key, algorithm='ES256',
                           headers={'x5c': self.server.config.x5c})
        doc = {'token': token, 'access_token': token, 'expires_in': expires_in,
               'issued_at': datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
               .strftime('%Y-%m-%dT%H:%M:%SZ')}
        if refresh and account:
            rt = secrets.token_urlsafe(24)
            self.server.refresh_tokens[rt] = account
            doc['refresh_token'] = rt
        record['access'] = access
        self._answer(200, doc, record)

    def _base_record(self, params):
        sent, user, _ = self._basic()
        return {'method': self.command, 'path': urllib.parse.urlsplit(self.path).path,
                'params': params, 'scopes': [s for v in params.get('scope', []) for s in v.split(' ') if s],
                'authorization': sent, 'account': user, 'grant_type': None}

    def _user(self, cfg, user, pw):
        u = cfg.get('users', {}).get(user) if user is not None else None
        if u is None or not secrets.compare_digest(u['password'].encode(), (pw or '').encode()):
            return None
        return set(u.get('actions', []))

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        record = self._base_record(params)
        if url.path != '/token':
            return self._answer(404, {'error': 'not_found'}, record)
        cfg = self.server.config.get()
        sent, user, pw = self._basic()
        allowed = set()
        if sent:
            allowed = self._user(cfg, user, pw)
            if allowed is None:
                return self._answer(401, {'error': 'invalid_grant',
                                          'details': 'wrong username or password'}, record)
        offline = params.get('offline_token', ['false'])[0] == 'true'
        self._issue(cfg, user if sent else None, allowed, parse_scopes(params.get('scope', [])),
                    params, record, refresh=offline)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get('Content-Length') or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode('utf-8', 'replace'),
                                     keep_blank_values=True)
        record = self._base_record(form)
        record['grant_type'] = (form.get('grant_type') or [None])[0]
        record['params'] = {k: (['***'] if k in ('password', 'refresh_token') else v)
                            for k, v in form.items()}
        if url.path != '/token':
            return self._answer(404, {'error': 'not_found'}, record)
        cfg = self.server.config.get()
        gt = record['grant_type']
        scopes = parse_scopes(form.get('scope', []))
        if gt == 'password':
            user = (form.get('username') or [None])[0]
            allowed = self._user(cfg, user, (form.get('password') or [''])[0])
            if allowed is None:
                return self._answer(401, {'error': 'invalid_grant'}, record)
            record['account'] = user
            return self._issue(cfg, user, allowed, scopes, form, record, refresh=True)
        if gt == 'refresh_token':
            user = self.server.refresh_tokens.get((form.get('refresh_token') or [''])[0])
            u = cfg.get('users', {}).get(user) if user else None
            if u is None:
                return self._answer(401, {'error': 'invalid_grant'}, record)
            record['account'] = user
            return self._issue(cfg, user, set(u.get('actions', [])), scopes, form, record)
        return self._answer(400, {'error': 'unsupported_grant_type'}, record)


class TokenServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state_dir):
        self.config = Config(os.path.join(state_dir, 'token-config.json'))
        cfg = self.config.get()
        super().__init__(('127.0.0.1', 0), Handler)
        if cfg.get('tls_cert'):
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cfg['tls_cert'], cfg['tls_key'])
            self.socket = ctx.wrap_socket(self.socket, server_side=True)
        self.refresh_tokens = {}
        self.log_lock = threading.Lock()
        self.log_path = os.path.join(state_dir, 'token-requests.jsonl')

    def record(self, rec):
        with self.log_lock, open(self.log_path, 'a') as f:
            f.write(json.dumps(rec) + '\n')


def main(argv):
    if len(argv) != 2:
        sys.stderr.write('usage: tokenserver.py STATEDIR\n')
        return 2
    state_dir = argv[1]
    srv = TokenServer(state_dir)
    port_file = os.path.join(state_dir, 'token.port')
    with open(port_file + '.tmp', 'w') as f:
        f.write('%d\n' % srv.server_address[1])
    os.rename(port_file + '.tmp', port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.exit(main(sys.argv))
