#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_cli_auth.py - auth failures name which credentials were used (-u, config.json, a helper, none), what failed
and what to do; a DOCKER_CONFIG that names a file is warned about."""

import base64
import json
import os
import re
import urllib.parse
import urllib.request

import harness
from regcase import RegistryCase

HELLO = 'components/hello-c.component.wasm'


class BasicAuthHints(RegistryCase, harness.TestCase):
    VARIANT = 'basic'

    def hint(self, r):
        lines = r.stderr.strip().splitlines()
        self.assertTrue(lines[0].startswith('wpkg: error: '), r.stderr)
        self.assertTrue(lines[-1].startswith('wpkg: hint: '), r.stderr)
        self.assertEqual(r.stdout, '')
        return lines[-1]

    def test_wrong_password_with_username(self):
        r = self.run_wpkg('tags', '-u', self.reg.username, '--password-stdin', self.reg.host + '/a/b',
                          input='wrong\n', expect=5)
        self.assertEqual(self.hint(r), 'wpkg: hint: %s refused --username %s: check the user name and the password '
                         'or token' % (self.reg.host, self.reg.username))
        self.assertNotIn('wpkg login', r.stderr)

    def test_stale_config_json(self):
        os.makedirs(self.docker_config, exist_ok=True)
        cfg = os.path.join(self.docker_config, 'config.json')
        with open(cfg, 'w') as f:
            auth = base64.b64encode(('%s:stale' % self.reg.username).encode()).decode()
            json.dump({'auths': {self.reg.host: {'auth': auth}}}, f)
        r = self.run_wpkg('tags', self.reg.host + '/a/b', expect=5)
        self.assertEqual(self.hint(r), 'wpkg: hint: %s refused the credentials from %s: run: wpkg login %s to '
                         'replace them' % (self.reg.host, cfg, self.reg.host))

    def test_no_credentials(self):
        r = self.run_wpkg('push', self.ref(self.repo(), 'v1'), harness.fixture(HELLO), expect=5)
        self.assertEqual(self.hint(r), 'wpkg: hint: no credentials for %s were found (-u, config.json, credential '
                         'helpers, auth.json): run: wpkg login %s, or pass -u USER --password-stdin'
                         % (self.reg.host, self.reg.host))

    def test_docker_config_naming_a_file(self):
        os.makedirs(self.docker_config, exist_ok=True)
        cfg = os.path.join(self.docker_config, 'config.json')
        with open(cfg, 'w') as f:
            json.dump({'auths': {}}, f)
        r = self.run_wpkg('tags', self.reg.host + '/a/b', env={'DOCKER_CONFIG': cfg}, expect=5)
        self.assertIn('wpkg: warning: DOCKER_CONFIG=%s is a file, but it names the directory that holds '
                      'config.json: set DOCKER_CONFIG to that file\'s directory (it is ignored now)\n' % cfg, r.stderr)


    def test_registry_config_and_authfile_name_the_one_credentials_file(self):
        for flag in ('--registry-config', '--authfile'):
            with self.subTest(flag=flag):
                f = self.path('creds', flag.strip('-') + '.json')
                r = self.run_wpkg('login', flag, f, '-u', self.reg.username, '--password-stdin', self.reg.host,
                                  input=self.reg.password + '\n')
                self.assertEqual(r.stdout, 'Login Succeeded\n')
                with open(f) as fh:
                    entry = json.load(fh)['auths'][self.reg.host]
                self.assertEqual(base64.b64decode(entry['auth']).decode(),
                                 '%s:%s' % (self.reg.username, self.reg.password))
                self.assertEqual(os.stat(f).st_mode & 0o777, 0o600)
                self.assertFalse(os.path.exists(os.path.join(self.docker_config, 'config.json')),
                                 'login wrote only the file named')
                self.assertEqual(self.run_wpkg('tags', flag, f, self.reg.host + '/a/b', expect=4).returncode, 4,
                                 'the stored credentials work: the repository is just missing')
                r = self.run_wpkg('tags', self.reg.host + '/a/b', expect=5)
                self.assertIn('no credentials for %s were found' % self.reg.host, r.stderr)
                self.run_wpkg('logout', flag, f, self.reg.host)
                with open(f) as fh:
                    self.assertEqual(json.load(fh)['auths'], {})

    def test_registry_config_replaces_config_json_for_lookups(self):
        os.makedirs(self.docker_config, exist_ok=True)
        with open(os.path.join(self.docker_config, 'config.json'), 'w') as fh:
            auth = base64.b64encode(('%s:%s' % (self.reg.username, self.reg.password)).encode()).decode()
            json.dump({'auths': {self.reg.host: {'auth': auth}}}, fh)
        empty = self.path('empty.json')
        with open(empty, 'w') as fh:
            json.dump({'auths': {}}, fh)
        self.run_wpkg('tags', self.reg.host + '/a/b', expect=4)
        r = self.run_wpkg('tags', '--registry-config', empty, self.reg.host + '/a/b', expect=5)
        self.assertIn('no credentials for %s were found' % self.reg.host, r.stderr)


class TokenAuthOutcomes(RegistryCase, harness.TestCase):
    """The three ways a push fails on a token registry, each with its own message, and identity tokens."""
    VARIANT = 'token'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reg.add_token_user('reader', 'reader-pw', ('pull',))

    def error_and_hint(self, r):
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 2, r.stderr)
        self.assertEqual(r.stdout, '')
        return lines

    def blob_prefix(self, repo):
        return r'^wpkg: error: push %s: blob sha256:[0-9a-f]{64}: ' % re.escape(self.ref(repo, 'v1'))

    def test_authenticated_but_no_push_scope(self):
        repo = self.repo()
        r = self.run_wpkg('push', '-u', 'reader', '--password-stdin', self.ref(repo, 'v1'), harness.fixture(HELLO),
                          input='reader-pw\n', expect=5)
        err, hint = self.error_and_hint(r)
        self.assertRegex(err, self.blob_prefix(repo) + r'upload blob sha256:[0-9a-f]{64}: POST %s/v2/%s/blobs/uploads/: '
                         % (re.escape(self.reg.url), re.escape(repo)))
        self.assertTrue(err.endswith(': authenticated as reader but the token grants only pull on %s; ask for push '
                                     'access' % repo), err)
        self.assertNotIn('authentication required', err)
        self.assertEqual(hint, 'wpkg: hint: the credentials from --username reader are valid, but %s does not allow '
                         'them this on that repository: check its name, or ask for push/pull access' % self.reg.host)

    def test_wrong_password(self):
        repo = self.repo()
        r = self.run_wpkg('push', '-u', 'reader', '--password-stdin', self.ref(repo, 'v1'), harness.fixture(HELLO),
                          input='wrong\n', expect=5)
        err, hint = self.error_and_hint(r)
        self.assertRegex(err, self.blob_prefix(repo) + r'fetch token: GET %s: 401 unauthorized$'
                         % re.escape(self.reg.token_url))
        self.assertEqual(hint, 'wpkg: hint: %s refused --username reader: check the user name and the password or '
                         'token' % self.reg.host)

    def test_no_credentials(self):
        repo = self.repo()
        r = self.run_wpkg('push', self.ref(repo, 'v1'), harness.fixture(HELLO), expect=5)
        err, hint = self.error_and_hint(r)
        self.assertRegex(err, self.blob_prefix(repo) + r'HEAD %s/v2/%s/blobs/sha256:[0-9a-f]{64}: 401 unauthorized$'
                         % (re.escape(self.reg.url), re.escape(repo)))
        self.assertEqual(hint, 'wpkg: hint: no credentials for %s were found (-u, config.json, credential helpers, '
                         'auth.json): run: wpkg login %s, or pass -u USER --password-stdin'
                         % (self.reg.host, self.reg.host))

    def refresh_token(self, user, password):
        form = urllib.parse.urlencode({'grant_type': 'password', 'service': self.reg.service, 'client_id': 'test',
                                       'username': user, 'password': password}).encode()
        with urllib.request.urlopen(self.reg.token_url, data=form, timeout=30) as resp:
            return json.load(resp)['refresh_token']

    def test_identity_token_stdin_pushes_through_the_refresh_grant(self):
        token = self.refresh_token(self.reg.username, self.reg.password)
        self.reg.clear_token_requests()
        repo = self.repo()
        self.run_wpkg('push', '--identity-token-stdin', self.ref(repo, 'v1'), harness.fixture(HELLO),
                      input=token + '\n')
        grants = {q['grant_type'] for q in self.reg.token_requests}
        self.assertEqual(grants, {'refresh_token'}, 'the identity token, never a password')
        self.assertTrue(all(q['method'] == 'POST' for q in self.reg.token_requests), 'never in a URL')

    def test_login_stores_the_identity_token(self):
        token = self.refresh_token(self.reg.username, self.reg.password)
        r = self.run_wpkg('login', '--json', '--identity-token-stdin', self.reg.host, input=token + '\n')
        doc = json.loads(r.stdout)
        harness.validate_schema(doc, 'cli/login')
        self.assertEqual(doc, {'registry': self.reg.host, 'username': None})
        with open(os.path.join(self.docker_config, 'config.json')) as fh:
            entry = json.load(fh)['auths'][self.reg.host]
        self.assertEqual(entry['identitytoken'], token)
        self.reg.clear_token_requests()
        self.run_wpkg('push', self.ref(self.repo(), 'v1'), harness.fixture(HELLO))
        self.assertEqual({q['grant_type'] for q in self.reg.token_requests}, {'refresh_token'})

    def test_identity_token_without_push_scope(self):
        token = self.refresh_token('reader', 'reader-pw')
        repo = self.repo()
        r = self.run_wpkg('push', '--identity-token-stdin', self.ref(repo, 'v1'), harness.fixture(HELLO),
                          input=token + '\n', expect=5)
        err = self.error_and_hint(r)[0]
        self.assertTrue(err.endswith(': authenticated as reader but the token grants only pull on %s; ask for push '
                                     'access' % repo), err)

    def test_a_refused_identity_token(self):
        r = self.run_wpkg('login', '--identity-token-stdin', self.reg.host, input='not-a-refresh-token\n', expect=5)
        self.assertIn('the registry refused the identity token: get a fresh one and log in again; nothing was stored',
                      r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.docker_config, 'config.json')))

    def test_identity_token_and_a_password_are_refused_together(self):
        r = self.run_wpkg('push', '--identity-token-stdin', '-u', 'x', '--password-stdin', self.ref(self.repo(), 'v1'),
                          harness.fixture(HELLO), input='t\n', expect=3)
        self.assertIn('--identity-token-stdin and a password both given; pass one', r.stderr)


if __name__ == '__main__':
    harness.main()
