# SPDX-License-Identifier: Apache-2.0
"""test_registry_auth.py - push/pull/tags against registries that want credentials: htpasswd (basic) and tokens."""

import base64
import json
import os

import harness
from regcase import RegistryCase, read

SRC = 'components/composed-wat.component.wasm'


class AuthTests(RegistryCase):
    """Run against each authenticating variant; subclasses set VARIANT."""

    REPO_PREFIX = 'auth-test'

    def ref(self, repo, tag='v1'):
        return RegistryCase.ref(self, repo, tag)

    def login_flags(self):
        return ['-u', self.reg.username, '--password-stdin']

    def run_wpkg(self, *args, password=None, **kw):
        return RegistryCase.run_wpkg(self, *args, input=(password + '\n') if password is not None else '', **kw)

    def push_as_user(self, ref, *extra):
        r = self.run_wpkg('push', '--json', *self.reg.flags, *self.login_flags(), *extra, ref,
                          harness.fixture(SRC), password=self.reg.password)
        return json.loads(r.stdout)

    def test_password_stdin_push_pull(self):
        repo = self.repo()
        pushed = self.push_as_user(self.ref(repo))
        r = self.run_wpkg('pull', '--json', *self.reg.flags, *self.login_flags(), '-o', self.path('p.wasm'),
                          self.ref(repo), password=self.reg.password)
        self.assertEqual(json.loads(r.stdout)['digest'], pushed['digest'])
        self.assertEqual(read(self.path('p.wasm')), read(harness.fixture(SRC)))
        r = self.run_wpkg('tags', *self.reg.flags, *self.login_flags(), self.reg.host + '/' + repo,
                          password=self.reg.password)
        self.assertEqual(r.stdout, 'v1\n')

    def test_wrong_password(self):
        repo = self.repo()
        r = self.run_wpkg('push', *self.reg.flags, *self.login_flags(), self.ref(repo), harness.fixture(SRC),
                          password='not-' + self.reg.password, expect=5)
        self.assertTrue(r.stderr.startswith('wpkg: error: push %s: ' % self.ref(repo)), r.stderr)
        self.assertNotIn(self.reg.password, r.stderr)
        self.assertEqual(r.stdout, '')
        r = self.run_wpkg('pull', *self.reg.flags, *self.login_flags(), '-o', self.path('x.wasm'), self.ref(repo),
                          password='not-' + self.reg.password, expect=5)
        self.assertFalse(os.path.exists(self.path('x.wasm')))

    def test_anonymous_gets_login_hint(self):
        repo = self.repo()
        self.push_as_user(self.ref(repo))
        for args in (('pull', '-o', self.path('x.wasm'), self.ref(repo)),
                     ('push', self.ref(repo, 'v2'), harness.fixture(SRC)),
                     ('tags', self.reg.host + '/' + repo)):
            with self.subTest(command=args[0]):
                r = self.run_wpkg(args[0], *self.reg.flags, *args[1:], expect=5)
                self.assertIn('wpkg: hint: no credentials for %s were found (-u, config.json, credential helpers, auth.json): run: wpkg login %s, or pass -u USER --password-stdin\n' % (self.reg.host, self.reg.host), r.stderr)
                self.assertEqual(r.stdout, '')
        self.assertFalse(os.path.exists(self.path('x.wasm')))

    def test_stored_credentials(self):
        """No -u: credentials come from the Docker config file, as after wpkg login or docker login."""
        os.makedirs(self.docker_config, mode=0o700, exist_ok=True)
        auth = base64.b64encode(('%s:%s' % (self.reg.username, self.reg.password)).encode()).decode()
        with open(os.path.join(self.docker_config, 'config.json'), 'w') as f:
            json.dump({'auths': {self.reg.host: {'auth': auth}}}, f)
        repo = self.repo()
        r = self.run_wpkg('push', *self.reg.flags, self.ref(repo), harness.fixture(SRC))
        digest = r.stdout.strip()
        r = self.run_wpkg('pull', '--json', *self.reg.flags, '-o', self.path('s.wasm'), self.ref(repo))
        self.assertEqual(json.loads(r.stdout)['digest'], digest)

    def test_retag_and_delete_with_credentials(self):
        repo = self.repo()
        pushed = self.push_as_user(self.ref(repo))
        self.run_wpkg('tag', *self.reg.flags, *self.login_flags(), self.ref(repo), 'v2', password=self.reg.password)
        r = self.run_wpkg('delete', *self.reg.flags, *self.login_flags(), self.ref(repo, 'v2'),
                          password=self.reg.password)
        self.assertIn(pushed['digest'], r.stdout)
        self.run_wpkg('pull', *self.reg.flags, *self.login_flags(), '-o', self.path('x.wasm'), self.ref(repo),
                      password=self.reg.password, expect=4)


class BasicTests(AuthTests, harness.TestCase):
    VARIANT = 'basic'


def actions(scope):
    """('repository', name) -> set of actions, from 'repository:NAME:a,b'."""
    typ, rest = scope.split(':', 1)
    name, acts = rest.rsplit(':', 1)
    return (typ, name), set(acts.split(','))


class TokenTests(AuthTests, harness.TestCase):
    VARIANT = 'token'

    def scopes(self):
        got = {}
        for req in self.reg.token_requests:
            for s in req.get('scopes', []):
                key, acts = actions(s)
                got.setdefault(key, set()).update(acts)
        return got

    def test_token_scopes(self):
        a, b = self.repo('a'), self.repo('b')
        self.reg.clear_token_requests()
        self.push_as_user(self.ref(a))
        got = self.scopes()
        self.assertEqual(got.get(('repository', a)), {'pull', 'push'})
        self.reg.clear_token_requests()
        pushed = self.push_as_user(self.ref(b), '--mount-from', a)
        self.assertGreater(pushed['bytes']['mounted'], 0)
        got = self.scopes()
        self.assertEqual(got.get(('repository', b)), {'pull', 'push'})
        self.assertEqual(got.get(('repository', a)), {'pull'})
        self.reg.clear_token_requests()
        self.run_wpkg('pull', *self.reg.flags, *self.login_flags(), '-o', self.path('t.wasm'), self.ref(b),
                      password=self.reg.password)
        self.assertEqual(self.scopes(), {('repository', b): {'pull'}})

    def test_read_only_user_cannot_push(self):
        self.reg.add_token_user('reader', 'reader-pw', actions=('pull',))
        repo = self.repo()
        self.push_as_user(self.ref(repo))
        r = self.run_wpkg('pull', *self.reg.flags, '-u', 'reader', '--password-stdin', '-o', self.path('r.wasm'),
                          self.ref(repo), password='reader-pw')
        self.assertEqual(read(self.path('r.wasm')), read(harness.fixture(SRC)))
        r = self.run_wpkg('push', *self.reg.flags, '-u', 'reader', '--password-stdin', self.ref(repo, 'v2'),
                          harness.fixture(SRC), password='reader-pw', expect=5)
        self.assertTrue(r.stderr.startswith('wpkg: error: push %s: ' % self.ref(repo, 'v2')), r.stderr)


if __name__ == '__main__':
    harness.main()
