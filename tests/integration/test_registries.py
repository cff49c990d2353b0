# SPDX-License-Identifier: Apache-2.0
"""test_registries.py - the test registries themselves: every variant starts, authenticates and stops as documented."""

import base64
import json
import os
import shutil
import socket
import urllib.parse

import harness
from regcase import RegistryCase
from registry import Registry, RegistryError, parse_challenge


def jwt_claims(token):
    """The payload of a JWT, not verified (the registry verifies it)."""
    payload = token.split('.')[1]
    return json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)))


class CurlMixin:
    def curl(self, *args, expect=0):
        """(HTTP status, headers text, body) of curl ARGS; curl's own exit status must be expect."""
        r = self.run_cmd(['curl', '-sS', '--noproxy', '*', '-D', self.path('headers'),
                          '-o', self.path('body'), '-w', '%{http_code}'] + list(args), expect=expect)
        if expect != 0:
            return r
        with open(self.path('headers')) as h, open(self.path('body'), 'rb') as b:
            return int(r.stdout), h.read(), b.read()

    def header(self, headers, name):
        for line in headers.splitlines():
            k, _, v = line.partition(':')
            if k.strip().lower() == name.lower():
                return v.strip()
        return None


class PlainTests(RegistryCase, CurlMixin, harness.TestCase):
    VARIANT = 'plain'

    def test_base_endpoint(self):
        status, headers, body = self.curl(self.reg.url + '/v2/')
        self.assertEqual(status, 200)
        self.assertEqual(self.header(headers, 'Docker-Distribution-Api-Version'), 'registry/2.0')
        self.assertEqual(body, b'{}')

    def test_attributes(self):
        self.assertRegex(self.reg.host, r'^127\.0\.0\.1:\d+$')
        self.assertEqual(self.reg.url, 'http://' + self.reg.host)
        self.assertEqual(self.reg.flags, ['--plain-http'])
        self.assertIsNone(self.reg.username)
        self.assertIsNone(self.reg.password)
        self.assertIsNone(self.reg.ca_file)
        self.assertEqual(self.reg.skopeo_flags(dest=True), ['--dest-tls-verify=false'])
        self.assertEqual(self.reg.skopeo_flags(dest=False), ['--src-tls-verify=false'])

    def test_raw_get(self):
        status, headers, body = self.reg.raw_get('/v2/nothing/here/tags/list')
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(body)['errors'][0]['code'], 'NAME_UNKNOWN')

    def test_config_bound_to_loopback_with_delete(self):
        with open(os.path.join(self.reg.state_dir, 'config.yml')) as f:
            cfg = json.load(f)
        self.assertEqual(cfg['version'], '0.1')
        self.assertEqual(cfg['http']['addr'], self.reg.host)
        self.assertEqual(cfg['storage']['delete'], {'enabled': True})


class LifecycleTests(harness.TestCase):
    def test_two_at_once_then_stopped(self):
        with Registry('plain') as a, Registry('plain') as b:
            self.assertNotEqual(a.port, b.port)
            self.assertEqual(a.raw_get('/v2/')[0], 200)
            self.assertEqual(b.raw_get('/v2/')[0], 200)
            state = a.state_dir
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(('127.0.0.1', a.port), timeout=5).close()
        self.assertFalse(os.path.exists(state))

    def test_busy_port_raises_with_log(self):
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            s.listen(1)
            reg = Registry('plain', port=s.getsockname()[1])
            with self.assertRaises(RegistryError) as cm:
                reg.start()
        self.assertIn('address already in use', str(cm.exception))

    def test_crash_is_reported_on_stop(self):
        reg = Registry('plain').start()
        reg.proc.kill()
        reg.proc.wait()
        with self.assertRaises(RegistryError) as cm:
            reg.stop()
        self.assertIn('docker-registry had exited (status -9) before stop', str(cm.exception))
        self.assertIn('listening on 127.0.0.1:%d' % reg.port, str(cm.exception))
        self.assertTrue(os.path.isdir(reg.state_dir), 'a crashed registry keeps its state for a look')
        shutil.rmtree(reg.state_dir)

    def test_unknown_variant(self):
        with self.assertRaisesRegex(ValueError, "unknown registry variant 'ftp'"):
            Registry('ftp')


class ScriptTests(harness.TestCase):
    """scripts/registry: the detached start/stop that scripts/demo and people use."""

    script = os.path.join(harness.ROOT, 'scripts', 'registry')

    def test_start_stop(self):
        state = self.path('reg')
        host = self.run_cmd([self.script, 'start', 'basic', state]).stdout.strip()
        try:
            self.assertRegex(host, r'^127\.0\.0\.1:\d+$')
            with open(os.path.join(state, 'registry.json')) as f:
                info = json.load(f)
            self.assertEqual((info['host'], info['variant'], info['flags']), (host, 'basic', ['--plain-http']))
            r = self.run_cmd(['curl', '-sS', '--noproxy', '*', '-o', '/dev/null', '-w', '%{http_code}',
                              '-u', '%s:%s' % (info['username'], info['password']), 'http://%s/v2/' % host])
            self.assertEqual(r.stdout, '200')
            # A second start into the same directory is refused while the first runs.
            r = self.run_cmd([self.script, 'start', 'plain', state], expect=1)
            self.assertIn('already holds a running registry', r.stderr)
        finally:
            self.run_cmd([self.script, 'stop', state])
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(('127.0.0.1', int(host.split(':')[1])), timeout=5).close()
        self.assertFalse(os.path.exists(os.path.join(state, 'registry.json')))
        r = self.run_cmd([self.script, 'stop', state], expect=1)
        self.assertIn('nothing to stop', r.stderr)

    def test_usage(self):
        r = self.run_cmd([self.script, 'start', 'plain'], expect=2)
        self.assertIn('usage: scripts/registry start', r.stderr)
        r = self.run_cmd([self.script, 'start', 'ftp', self.path('x')], expect=1)
        self.assertIn("unknown registry variant 'ftp'", r.stderr)


class BasicTests(RegistryCase, CurlMixin, harness.TestCase):
    VARIANT = 'basic'

    def test_unauthorized_without_credentials(self):
        status, headers, body = self.curl(self.reg.url + '/v2/')
        self.assertEqual(status, 401)
        self.assertEqual(self.header(headers, 'WWW-Authenticate'), 'Basic realm="basic-realm"')
        self.assertEqual(json.loads(body)['errors'][0]['code'], 'UNAUTHORIZED')

    def test_ok_with_credentials(self):
        status, _, _ = self.curl('-u', '%s:%s' % (self.reg.username, self.reg.password), self.reg.url + '/v2/')
        self.assertEqual(status, 200)

    def test_wrong_password(self):
        status, _, _ = self.curl('-u', '%s:wrong' % self.reg.username, self.reg.url + '/v2/')
        self.assertEqual(status, 401)

    def test_htpasswd_is_bcrypt(self):
        with open(os.path.join(self.reg.state_dir, 'htpasswd')) as f:
            self.assertRegex(f.read(), r'^%s:\$2y\$' % self.reg.username)

    def test_attributes(self):
        self.assertEqual(self.reg.flags, ['--plain-http'])
        self.assertTrue(self.reg.password)
        self.assertEqual(self.reg.skopeo_flags(dest=None),
                         ['--tls-verify=false', '--creds', '%s:%s' % (self.reg.username, self.reg.password)])
        self.assertEqual(self.reg.raw_get('/v2/')[0], 200)


class TlsTests(RegistryCase, CurlMixin, harness.TestCase):
    VARIANT = 'tls'

    def test_refused_without_ca(self):
        r = self.curl(self.reg.url + '/v2/', expect=60)  # 60: peer certificate cannot be authenticated
        self.assertIn('SSL certificate problem', r.stderr)

    def test_ok_with_ca(self):
        status, _, body = self.curl('--cacert', self.reg.ca_file, self.reg.url + '/v2/')
        self.assertEqual(status, 200)
        self.assertEqual(body, b'{}')

    def test_localhost_name_in_certificate(self):
        url = 'https://localhost:%d/v2/' % self.reg.port
        status, _, _ = self.curl('--cacert', self.reg.ca_file, url)
        self.assertEqual(status, 200)

    def test_attributes(self):
        self.assertEqual(self.reg.url, 'https://' + self.reg.host)
        self.assertEqual(self.reg.flags, ['--ca-file', self.reg.ca_file])
        certs = self.reg.skopeo_flags(dest=True)
        self.assertEqual(certs[0], '--dest-cert-dir')
        self.assertEqual(os.listdir(certs[1]), ['ca.crt'])
        self.assertEqual(self.reg.raw_get('/v2/')[0], 200)


class TokenTests(RegistryCase, CurlMixin, harness.TestCase):
    VARIANT = 'token'

    def setUp(self):
        self.reg.clear_token_requests()
        self.reg.set_token_expiry(300)

    def tls(self):
        return ['--cacert', self.reg.ca_file] if self.reg.ca_file else []

    def challenge(self, path='/v2/'):
        status, headers, _ = self.curl(*self.tls(), self.reg.url + path)
        self.assertEqual(status, 401)
        value = self.header(headers, 'WWW-Authenticate')
        self.assertTrue(value.startswith('Bearer '), value)
        return parse_challenge(value)

    def token(self, *query, user=None, password=None, expect_status=200):
        """GET /token with curl and Basic credentials (user None: the registry's user; '' anonymous)."""
        user = self.reg.username if user is None else user
        password = self.reg.password if password is None else password
        auth = ['-u', '%s:%s' % (user, password)] if user else []
        url = self.reg.token_url + '?' + urllib.parse.urlencode([('service', self.reg.service)] + list(query))
        status, _, body = self.curl(*self.tls(), *auth, url)
        self.assertEqual(status, expect_status, body)
        return json.loads(body)

    def get(self, path, token):
        return self.curl(*self.tls(), '-H', 'Authorization: Bearer ' + token, self.reg.url + path)

    def test_challenge_names_realm_and_service(self):
        c = self.challenge()
        self.assertEqual(c['realm'], self.reg.token_url)
        self.assertEqual(c['service'], 'wpkg-test-registry')
        self.assertTrue(self.reg.token_url.startswith('https://' if self.reg.tls else 'http://'))

    def test_token_then_ok(self):
        doc = self.token(('scope', 'repository:demo/app:pull,push'))
        self.assertEqual(doc['token'], doc['access_token'])
        self.assertEqual(doc['expires_in'], 300)
        self.assertRegex(doc['issued_at'], r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
        self.assertEqual(self.get('/v2/', doc['token'])[0], 200)
        # Authorized for the repository: the registry answers "unknown name", not 401.
        status, _, body = self.get('/v2/demo/app/tags/list', doc['token'])
        self.assertEqual(status, 404, body)
        self.assertEqual(json.loads(body)['errors'][0]['code'], 'NAME_UNKNOWN')

    def test_token_claims_and_signature(self):
        import jwt
        from cryptography import x509
        doc = self.token(('scope', 'repository:demo/app:pull'))
        with open(os.path.join(self.reg.state_dir, 'token.crt'), 'rb') as f:
            key = x509.load_pem_x509_certificate(f.read()).public_key()
        claims = jwt.decode(doc['token'], key, algorithms=['ES256'], audience='wpkg-test-registry',
                            issuer='wpkg-test-issuer')
        self.assertEqual(claims['sub'], self.reg.username)
        self.assertEqual(claims['access'], [{'type': 'repository', 'name': 'demo/app', 'actions': ['pull']}])
        self.assertEqual(claims['exp'] - claims['iat'], 300)
        self.assertLessEqual(claims['nbf'], claims['iat'])
        self.assertEqual(len(claims['jti']), 32)
        self.assertIn('x5c', jwt.get_unverified_header(doc['token']))

    def test_wrong_password_refused(self):
        doc = self.token(('scope', 'repository:demo/app:pull'), password='wrong', expect_status=401)
        self.assertEqual(doc['error'], 'invalid_grant')
        self.assertEqual(self.reg.token_requests[-1]['status'], 401)

    def test_anonymous_token_has_no_access(self):
        doc = self.token(('scope', 'repository:demo/app:pull'), user='')
        self.assertEqual(jwt_claims(doc['token'])['access'], [])
        self.assertEqual(self.get('/v2/', doc['token'])[0], 200)
        status, headers, _ = self.get('/v2/demo/app/tags/list', doc['token'])
        self.assertEqual(status, 401)
        c = parse_challenge(self.header(headers, 'WWW-Authenticate'))
        self.assertEqual(c['scope'], 'repository:demo/app:pull')
        self.assertEqual(c['error'], 'insufficient_scope')
        req = self.reg.token_requests[-1]
        self.assertFalse(req['authorization'])
        self.assertIsNone(req['account'])

    def test_repeated_and_space_separated_scopes(self):
        want = [{'type': 'repository', 'name': 'a/one', 'actions': ['pull']},
                {'type': 'repository', 'name': 'b/two', 'actions': ['pull', 'push']}]
        doc = self.token(('scope', 'repository:a/one:pull'), ('scope', 'repository:b/two:pull,push'))
        self.assertEqual(jwt_claims(doc['token'])['access'], want)
        doc = self.token(('scope', 'repository:a/one:pull repository:b/two:pull,push'))
        self.assertEqual(jwt_claims(doc['token'])['access'], want)
        scopes = [r['scopes'] for r in self.reg.token_requests]
        self.assertEqual(scopes, [['repository:a/one:pull', 'repository:b/two:pull,push']] * 2)

    def test_delete_and_star_granted(self):
        doc = self.token(('scope', 'repository:x/y:delete,*'), ('scope', 'registry:catalog:*'))
        self.assertEqual(jwt_claims(doc['token'])['access'],
                         [{'type': 'repository', 'name': 'x/y', 'actions': ['delete', '*']},
                          {'type': 'registry', 'name': 'catalog', 'actions': ['*']}])

    def test_read_only_user_gets_pull_only(self):
        self.reg.add_token_user('reader', 'reader-pw', ['pull'])
        doc = self.token(('scope', 'repository:demo/app:pull,push'), user='reader', password='reader-pw')
        self.assertEqual(jwt_claims(doc['token'])['access'],
                         [{'type': 'repository', 'name': 'demo/app', 'actions': ['pull']}])

    def test_expiry_configurable(self):
        self.reg.set_token_expiry(45)
        doc = self.token(('scope', 'repository:demo/app:pull'))
        self.assertEqual(doc['expires_in'], 45)
        claims = jwt_claims(doc['token'])
        self.assertEqual(claims['exp'] - claims['iat'], 45)

    def post(self, form):
        body = urllib.parse.urlencode(form)
        status, _, out = self.curl(*self.tls(), '--data', body, self.reg.token_url)
        return status, json.loads(out)

    def test_oauth2_password_then_refresh_token(self):
        status, doc = self.post([('grant_type', 'password'), ('username', self.reg.username),
                                 ('password', self.reg.password), ('service', self.reg.service),
                                 ('client_id', 'wpkg'), ('scope', 'repository:demo/app:pull')])
        self.assertEqual(status, 200, doc)
        self.assertTrue(doc['refresh_token'])
        self.assertEqual(jwt_claims(doc['access_token'])['access'][0]['actions'], ['pull'])
        status, doc2 = self.post([('grant_type', 'refresh_token'), ('refresh_token', doc['refresh_token']),
                                  ('service', self.reg.service), ('client_id', 'wpkg'),
                                  ('scope', 'repository:demo/app:pull,push')])
        self.assertEqual(status, 200, doc2)
        self.assertNotIn('refresh_token', doc2)
        self.assertEqual(jwt_claims(doc2['access_token'])['access'][0]['actions'], ['pull', 'push'])
        self.assertEqual(self.get('/v2/', doc2['access_token'])[0], 200)
        reqs = self.reg.token_requests
        self.assertEqual([(r['method'], r['grant_type'], r['account']) for r in reqs],
                         [('POST', 'password', self.reg.username), ('POST', 'refresh_token', self.reg.username)])
        # Secrets are not written to the request log.
        self.assertEqual(reqs[0]['params']['password'], ['***'])

    def test_oauth2_refused(self):
        status, doc = self.post([('grant_type', 'password'), ('username', self.reg.username),
                                 ('password', 'wrong'), ('service', self.reg.service)])
        self.assertEqual((status, doc['error']), (401, 'invalid_grant'))
        status, doc = self.post([('grant_type', 'refresh_token'), ('refresh_token', 'made-up')])
        self.assertEqual((status, doc['error']), (401, 'invalid_grant'))
        status, doc = self.post([('grant_type', 'client_credentials')])
        self.assertEqual((status, doc['error']), (400, 'unsupported_grant_type'))

    def test_raw_get_does_the_token_dance(self):
        status, _, _ = self.reg.raw_get('/v2/demo/app/tags/list')
        self.assertEqual(status, 404)
        self.assertEqual(self.reg.token_requests[-1]['scopes'], ['repository:demo/app:pull'])


class TokenTlsTests(TokenTests):
    VARIANT = 'token-tls'

    def test_attributes(self):
        self.assertEqual(self.reg.flags, ['--ca-file', self.reg.ca_file])
        self.assertTrue(self.reg.token_url.startswith('https://127.0.0.1:'))


if __name__ == '__main__':
    harness.main()
