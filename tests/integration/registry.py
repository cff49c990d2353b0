# SPDX-License-Identifier: Apache-2.0
"""registry.py - Debian's docker-registry on 127.0.0.1 for tests: plain, basic, tls, mtls, token, token-tls.

    reg = Registry('basic'); reg.start() ... reg.stop()      (or: with Registry('tls') as reg:)

Each instance has its own state directory, config, port and data, so several
may run at once.  As a program (used by scripts/registry):

    registry.py start VARIANT STATEDIR     starts it detached, prints HOST:PORT
    registry.py stop STATEDIR              stops what start left running
"""

import atexit
import base64
import datetime
import json
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = '/usr/bin/python3'   # Debian's: it has python3-jwt and python3-cryptography
VARIANTS = ('plain', 'basic', 'tls', 'mtls', 'token', 'token-tls')
START_TIMEOUT = 20
SERVICE = 'wpkg-test-registry'
ISSUER = 'wpkg-test-issuer'
USER_ACTIONS = ['pull', 'push', 'delete', '*']


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _write(path, data, mode=0o644):
    with open(path, 'wb') as f:
        f.write(data.encode() if isinstance(data, str) else data)
    os.chmod(path, mode)


def _tail(path, lines=40):
    try:
        with open(path, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
    except OSError as e:
        return '(no log: %s)' % e
    return '\n'.join(text.splitlines()[-lines:])


# ---------------------------------------------------------------------------
# Certificates (python3-cryptography): a CA and a server certificate for TLS,
# a self-signed signing certificate for tokens.

def _cert(subject_cn, key, issuer_cn, issuer_key, ca=False, server=False, client=False):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    import ipaddress
    now = datetime.datetime.now(datetime.timezone.utc)
    b = (x509.CertificateBuilder()
         .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)]))
         .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn)]))
         .public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(days=1))
         .not_valid_after(now + datetime.timedelta(days=30))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if ca:
        b = b.add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                          content_commitment=False, key_encipherment=False,
                                          data_encipherment=False, key_agreement=False,
                                          encipher_only=False, decipher_only=False), critical=True)
    if server:
        b = (b.add_extension(x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address('127.0.0.1')), x509.DNSName('localhost')]),
                critical=False)
             .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    if client:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def _pem_key(key):
    from cryptography.hazmat.primitives import serialization
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _pem_cert(cert):
    from cryptography.hazmat.primitives import serialization
    return cert.public_bytes(serialization.Encoding.PEM)


def make_tls(directory, client=False):
    """Writes ca.crt, server.crt, server.key (SAN IP:127.0.0.1, DNS:localhost) and certs.d/ca.crt; with client
    also client.crt and client.key (signed by the same CA, clientAuth) for mTLS."""
    from cryptography.hazmat.primitives.asymmetric import ec
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert('wpkg test CA', ca_key, 'wpkg test CA', ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    srv = _cert('127.0.0.1', key, 'wpkg test CA', ca_key, server=True)
    _write(os.path.join(directory, 'ca.crt'), _pem_cert(ca))
    _write(os.path.join(directory, 'server.crt'), _pem_cert(srv))
    _write(os.path.join(directory, 'server.key'), _pem_key(key), 0o600)
    # skopeo's --cert-dir takes every *.crt in a directory as a CA.
    os.makedirs(os.path.join(directory, 'certs.d'), exist_ok=True)
    _write(os.path.join(directory, 'certs.d', 'ca.crt'), _pem_cert(ca))
    if client:
        ckey = ec.generate_private_key(ec.SECP256R1())
        _write(os.path.join(directory, 'client.crt'),
               _pem_cert(_cert('wpkg test client', ckey, 'wpkg test CA', ca_key, client=True)))
        _write(os.path.join(directory, 'client.key'), _pem_key(ckey), 0o600)


def make_token_signer(directory):
    """Writes token.key and token.crt (self-signed ES256 signer; the registry's rootcertbundle)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert('wpkg test token signer', key, 'wpkg test token signer', key)
    _write(os.path.join(directory, 'token.key'), _pem_key(key), 0o600)
    _write(os.path.join(directory, 'token.crt'), _pem_cert(cert))


def _die_with_parent():
    """preexec_fn: the registry gets SIGTERM if the test process dies without stopping it."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class RegistryError(RuntimeError):
    pass


# Started in this process and not stopped yet: stopped at exit, so a test that forgets
# (or a setUpClass that fails half-way) leaves no server and no state behind.
_running = set()


@atexit.register
def _stop_all():
    for reg in list(_running):
        reg.stop(quiet=True)


class Registry:
    """A docker-registry 2.8.2 on 127.0.0.1; see the module docstring."""

    def __init__(self, variant='plain', state_dir=None, port=None, username='wpkg-user',
                 password=None, expires_in=300, detach=False):
        if variant not in VARIANTS:
            raise ValueError('unknown registry variant %r (one of %s)' % (variant, ', '.join(VARIANTS)))
        import harness  # its peer-tool policy: skip when docker-registry is missing, fail under CI=true
        harness.require_tool('docker-registry')
        self.variant = variant
        self.tls = variant in ('tls', 'mtls', 'token-tls')
        self.mtls = variant == 'mtls'   # docker-registry's http.tls.clientcas: a client certificate is required
        self.token = variant.startswith('token')
        self.auth = variant == 'basic' or self.token
        self.username = username if self.auth else None
        self.password = (password or 'pw-' + secrets.token_hex(8)) if self.auth else None
        self.expires_in = expires_in
        self.detach = detach
        self._own_state = state_dir is None
        self.state_dir = state_dir
        self._fixed_port = port
        self.port = None
        self.proc = None
        self.token_proc = None
        self.token_url = None
        self.service = SERVICE if self.token else None
        self._token_cache = {}

    # -- attributes of the preamble's API ----------------------------------
    @property
    def host(self):
        return '127.0.0.1:%d' % self.port

    @property
    def url(self):
        return '%s://%s' % ('https' if self.tls else 'http', self.host)

    @property
    def ca_file(self):
        return os.path.join(self.state_dir, 'ca.crt') if self.tls else None

    @property
    def flags(self):
        """wpkg's transport flags for this registry."""
        if self.mtls:
            return ['--ca-file', self.ca_file, '--cert-file', self.client_cert[0], '--key-file', self.client_cert[1]]
        return ['--ca-file', self.ca_file] if self.tls else ['--plain-http']

    def skopeo_flags(self, dest=True):
        """skopeo TLS/credential flags: dest=True '--dest-*', False '--src-*', None unprefixed (inspect)."""
        p = {True: '--dest-', False: '--src-', None: '--'}[dest]
        if self.tls:
            f = [p + 'cert-dir', os.path.join(self.state_dir, 'certs.d')]
        else:
            f = [p + 'tls-verify=false']
        if self.username:
            f += [p + 'creds', '%s:%s' % (self.username, self.password)]
        return f

    @property
    def log_path(self):
        return os.path.join(self.state_dir, 'registry.log')

    # -- life cycle ---------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        if self.state_dir is None:
            self.state_dir = tempfile.mkdtemp(prefix='wpkg-registry-')
        os.makedirs(self.state_dir, exist_ok=True)
        if self.tls:
            make_tls(self.state_dir, client=self.mtls)
        if self.variant == 'basic':
            # Before the server starts: without the file it invents a user.
            subprocess.run(['htpasswd', '-Bbc', os.path.join(self.state_dir, 'htpasswd'),
                            self.username, self.password], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            if self.token:
                self._start_token_server()
            for attempt in range(3):
                self.port = self._fixed_port or _free_port()
                self._write_config()
                if self._launch():
                    break
                # Someone took the free port between our probe and the server's bind: retry.
                if self._fixed_port or 'address already in use' not in _tail(self.log_path):
                    raise RegistryError('docker-registry (%s) exited at start:\n%s'
                                        % (self.variant, _tail(self.log_path)))
            else:
                raise RegistryError('docker-registry: no free port after 3 tries')
        except BaseException:
            self.stop(quiet=True)
            raise
        self._write_info()
        if not self.detach:
            _running.add(self)
        return self

    def _spawn(self, argv, log):
        out = open(log, 'ab')
        env = {k: v for k, v in os.environ.items()
               # docker-registry reads REGISTRY_* as config overrides; proxies would bite urllib too.
               if not k.startswith('REGISTRY_') and k.lower() not in ('http_proxy', 'https_proxy')}
        kw = {'start_new_session': True} if self.detach else {'preexec_fn': _die_with_parent}
        try:
            return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    env=env, cwd=self.state_dir, **kw)
        finally:
            out.close()

    def _start_token_server(self):
        make_token_signer(self.state_dir)
        self._write_token_config()
        port_file = os.path.join(self.state_dir, 'token.port')
        self.token_proc = self._spawn([PYTHON, os.path.join(HERE, 'tokenserver.py'), self.state_dir],
                                      os.path.join(self.state_dir, 'tokenserver.log'))
        deadline = time.monotonic() + START_TIMEOUT
        while not os.path.exists(port_file):
            if self.token_proc.poll() is not None or time.monotonic() > deadline:
                raise RegistryError('token server did not start:\n%s'
                                    % _tail(os.path.join(self.state_dir, 'tokenserver.log')))
            time.sleep(0.05)
        with open(port_file) as f:
            port = int(f.read())
        self.token_url = '%s://127.0.0.1:%d/token' % ('https' if self.tls else 'http', port)

    def _token_config(self):
        path = os.path.join(self.state_dir, 'token-config.json')
        if os.path.exists(path):
            with open(path) as f:
                return json.load(f)
        return {'issuer': ISSUER, 'service': SERVICE,
                'key': os.path.join(self.state_dir, 'token.key'),
                'cert': os.path.join(self.state_dir, 'token.crt'),
                'tls_cert': os.path.join(self.state_dir, 'server.crt') if self.tls else None,
                'tls_key': os.path.join(self.state_dir, 'server.key') if self.tls else None,
                'expires_in': self.expires_in,
                'users': {self.username: {'password': self.password, 'actions': USER_ACTIONS}}}

    def _write_token_config(self, **changes):
        cfg = self._token_config()
        cfg.update(changes)
        path = os.path.join(self.state_dir, 'token-config.json')
        _write(path + '.tmp', json.dumps(cfg, indent=1), 0o600)
        os.rename(path + '.tmp', path)

    def set_token_expiry(self, seconds):
        """Lifetime (expires_in) of tokens issued from now on."""
        self.expires_in = seconds
        self._write_token_config(expires_in=seconds)

    def add_token_user(self, name, password, actions=('pull',)):
        """Another account of the token server, granted only actions (e.g. a read-only user)."""
        users = self._token_config()['users']
        users[name] = {'password': password, 'actions': list(actions)}
        self._write_token_config(users=users)

    @property
    def token_requests(self):
        """Every request the token server answered: dicts of method, path, params, scopes,
        authorization (bool), account, grant_type, status, access."""
        path = os.path.join(self.state_dir, 'token-requests.jsonl')
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def clear_token_requests(self):
        path = os.path.join(self.state_dir, 'token-requests.jsonl')
        if os.path.exists(path):
            os.truncate(path, 0)

    def _write_config(self):
        data = os.path.join(self.state_dir, 'data')
        os.makedirs(data, exist_ok=True)
        http = {'addr': self.host, 'secret': 'fixed-test-secret'}
        if self.tls:
            http['tls'] = {'certificate': os.path.join(self.state_dir, 'server.crt'),
                           'key': os.path.join(self.state_dir, 'server.key')}
            if self.mtls:
                http['tls']['clientcas'] = [os.path.join(self.state_dir, 'ca.crt')]
        cfg = {'version': '0.1',
               'log': {'level': 'info', 'accesslog': {'disabled': False}},
               'storage': {'filesystem': {'rootdirectory': data}, 'delete': {'enabled': True}},
               'http': http}
        if self.variant == 'basic':
            cfg['auth'] = {'htpasswd': {'realm': 'basic-realm',
                                        'path': os.path.join(self.state_dir, 'htpasswd')}}
        elif self.token:
            cfg['auth'] = {'token': {'realm': self.token_url, 'service': SERVICE, 'issuer': ISSUER,
                                     'rootcertbundle': os.path.join(self.state_dir, 'token.crt')}}
        # JSON is YAML: no quoting surprises in paths.
        _write(os.path.join(self.state_dir, 'config.yml'), json.dumps(cfg, indent=1))

    def _launch(self):
        """Starts docker-registry and waits for /v2/; False if it exited (log tells why)."""
        if os.path.exists(self.log_path):
            os.truncate(self.log_path, 0)
        self.proc = self._spawn(['docker-registry', 'serve', os.path.join(self.state_dir, 'config.yml')],
                                self.log_path)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                # A short timeout: something else may hold the port and never answer.
                status, _, _ = self._request('GET', '/v2/', {}, None, timeout=1)
                if status in (200, 401):
                    return True
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.05)
        raise RegistryError('docker-registry (%s) did not answer /v2/ within %ds:\n%s'
                            % (self.variant, START_TIMEOUT, _tail(self.log_path)))

    def _write_info(self):
        info = {'variant': self.variant, 'host': self.host, 'url': self.url, 'flags': self.flags,
                'username': self.username, 'password': self.password, 'ca_file': self.ca_file,
                'token_url': self.token_url, 'pid': self.proc.pid,
                'token_pid': self.token_proc.pid if self.token_proc else None}
        _write(os.path.join(self.state_dir, 'registry.json'), json.dumps(info, indent=1), 0o600)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, quiet=False):
        """SIGTERM and wait.  A server that had died before raises RegistryError with its log
        (after cleaning up), so a crash during the tests fails them; quiet only cleans up."""
        crashed = []
        for p, log in ((self.proc, self.log_path),
                       (self.token_proc, os.path.join(self.state_dir or '', 'tokenserver.log'))):
            if p is None:
                continue
            if p.poll() is not None:
                crashed.append('%s had exited (status %s) before stop:\n%s'
                               % ('token server' if p.args[0] == PYTHON else p.args[0], p.returncode,
                                  _tail(log)))
            else:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.proc = self.token_proc = None
        # A crash found by stop() keeps the state for a look; a failed start() has shown its log.
        keep = (crashed and not quiet) or os.environ.get('WPKG_KEEP_TMP') == '1'
        _running.discard(self)
        if self._own_state and self.state_dir and not keep:
            shutil.rmtree(self.state_dir, ignore_errors=True)
        if crashed and not quiet:
            raise RegistryError('\n'.join(crashed))

    # -- raw HTTP for assertions ---------------------------------------------
    @property
    def client_cert(self):
        """(certificate, key) PEM files the mtls variant requires, else None."""
        if not self.mtls:
            return None
        return os.path.join(self.state_dir, 'client.crt'), os.path.join(self.state_dir, 'client.key')

    def _ssl_context(self):
        if not self.tls:
            return None
        ctx = ssl.create_default_context(cafile=self.ca_file)
        if self.mtls:
            ctx.load_cert_chain(*self.client_cert)
        return ctx

    def _request(self, method, url_or_path, headers, body, timeout=30):
        url = url_or_path if '://' in url_or_path else self.url + url_or_path
        req = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                             urllib.request.HTTPSHandler(context=self._ssl_context()))
        try:
            with opener.open(req, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            with e:
                return e.code, e.headers, e.read()

    def basic_auth_header(self, username=None, password=None):
        u = self.username if username is None else username
        p = self.password if password is None else password
        return 'Basic ' + base64.b64encode(('%s:%s' % (u, p)).encode()).decode()

    def fetch_token(self, scope=None, username=None, password=None, anonymous=False):
        """(status, parsed answer) of GET token_url?service=&scope= with Basic credentials."""
        q = [('service', SERVICE)] + ([('scope', s) for s in scope.split(' ')] if scope else [])
        h = {} if anonymous else {'Authorization': self.basic_auth_header(username, password)}
        status, _, body = self._request('GET', self.token_url + '?' + urllib.parse.urlencode(q), h, None)
        return status, json.loads(body.decode() or 'null')

    def raw_request(self, method, path, headers=None, body=None):
        """(status, headers, body bytes) of an authenticated request to path ('/v2/...')."""
        headers = dict(headers or {})
        if self.variant == 'basic':
            headers['Authorization'] = self.basic_auth_header()
        status, h, data = self._request(method, path, headers, body)
        challenge = h.get('WWW-Authenticate', '') if status == 401 else ''
        if self.token and challenge.startswith('Bearer '):
            scope = parse_challenge(challenge).get('scope', '')
            tok = self._token_cache.get(scope)
            if tok is None:
                st, doc = self.fetch_token(scope)
                if st != 200:
                    raise RegistryError('token server answered %d: %r' % (st, doc))
                tok = self._token_cache[scope] = doc['token']
            headers['Authorization'] = 'Bearer ' + tok
            status, h, data = self._request(method, path, headers, body)
            if status == 401:  # expired cached token: once more with a fresh one
                self._token_cache.pop(scope, None)
        return status, h, data

    def raw_get(self, path, headers=None):
        return self.raw_request('GET', path, headers)


def parse_challenge(value):
    """The parameters of a 'Bearer realm="...",service="...",scope="..."' challenge."""
    import re
    return {m.group(1): m.group(2) for m in re.finditer(r'(\w+)="([^"]*)"', value)}


# ---------------------------------------------------------------------------
# Command line (scripts/registry)

def _pid_is(pid, word):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return word.encode() in f.read()
    except OSError:
        return False


def _cli_stop(state_dir):
    path = os.path.join(state_dir, 'registry.json')
    if not os.path.exists(path):
        sys.stderr.write('registry.py: no registry.json in %s: nothing to stop\n' % state_dir)
        return 1
    with open(path) as f:
        info = json.load(f)
    # Check the command line: never signal a recycled pid.
    pids = [p for p, w in ((info.get('pid'), 'docker-registry'), (info.get('token_pid'), 'tokenserver'))
            if p and _pid_is(p, w)]
    for p in pids:
        os.kill(p, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while any(os.path.exists('/proc/%d' % p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.remove(path)
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == 'start':
        state_dir = os.path.abspath(argv[3])
        if os.path.exists(os.path.join(state_dir, 'registry.json')):
            sys.stderr.write('registry.py: %s already holds a running registry\n' % state_dir)
            return 1
        try:
            reg = Registry(argv[2], state_dir=state_dir, detach=True)
            reg.start()
        except (RegistryError, ValueError) as e:
            sys.stderr.write('registry.py: %s\n' % e)
            return 1
        print(reg.host)
        return 0
    if len(argv) == 3 and argv[1] == 'stop':
        return _cli_stop(os.path.abspath(argv[2]))
    sys.stderr.write('usage: registry.py start {%s} STATEDIR | stop STATEDIR\n' % ','.join(VARIANTS))
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
