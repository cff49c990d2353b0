# SPDX-License-Identifier: Apache-2.0
"""test_login.py - wpkg login/logout against basic and token registries: config.json, credential helpers, secrecy."""

import base64
import json
import os
import pty
import re
import shutil
import stat

import harness
from regcase import EPOCH, RegistryCase

SRC = 'components/composed-wat.component.wasm'
HELPER = os.path.join(harness.HERE, 'docker-credential-wpkgtest')
# A JWT (header.payload.signature, each base64url of a JSON object starting '{"'): what a bearer token looks like.
JWT_RE = re.compile(r'eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}')


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class LoginTests(RegistryCase):
    """Run against each authenticating variant; subclasses set VARIANT."""

    VARIANT = None
    REPO_PREFIX = 'login-test'

    # -- helpers ------------------------------------------------------------
    @property
    def config_path(self):
        return os.path.join(self.docker_config, 'config.json')

    def read_config(self):
        with open(self.config_path, 'rb') as f:
            return f.read()

    def write_config(self, doc, file_mode=0o600):
        os.makedirs(self.docker_config, mode=0o700, exist_ok=True)
        with open(self.config_path, 'w') as f:
            json.dump(doc, f)
        os.chmod(self.config_path, file_mode)

    def auth_value(self, password=None):
        pair = '%s:%s' % (self.reg.username, self.reg.password if password is None else password)
        return base64.b64encode(pair.encode()).decode()

    def env(self, extra=None):
        """The test helper on PATH, as docker-credential-wpkgtest."""
        bindir = self.path('bin')
        if not os.path.exists(os.path.join(bindir, 'docker-credential-wpkgtest')):
            os.makedirs(bindir, exist_ok=True)
            shutil.copy(HELPER, os.path.join(bindir, 'docker-credential-wpkgtest'))
        e = dict(EPOCH)
        e['PATH'] = bindir + ':' + self.child_env()['PATH']
        e.update(extra or {})
        return e

    def login(self, *extra, password=None, expect=0, registry=None):
        pw = self.reg.password if password is None else password
        return self.wpkg('login', *self.reg.flags, '-u', self.reg.username, '--password-stdin', *extra,
                         registry or self.reg.host, input=pw + '\n', env=self.env(), expect=expect)

    def push_pull_without_u(self, *extra):
        """push, tags and pull with no -u: the credentials must come from the stores."""
        repo = self.repo()
        ref = '%s/%s:v1' % (self.reg.host, repo)
        r = self.wpkg('push', *self.reg.flags, *extra, ref, harness.fixture(SRC), env=self.env())
        digest = r.stdout.strip()
        self.assertRegex(digest, r'^sha256:[0-9a-f]{64}$')
        r = self.wpkg('tags', *self.reg.flags, *extra, '%s/%s' % (self.reg.host, repo), env=self.env())
        self.assertEqual(r.stdout, 'v1\n')
        self.wpkg('pull', *self.reg.flags, *extra, '-o', self.path('pulled.wasm'), ref, env=self.env())
        self.assertEqual(harness.sha256_file(self.path('pulled.wasm')), harness.sha256_file(harness.fixture(SRC)))
        return r

    def helper_calls(self):
        try:
            with open(os.path.join(self.home, '.wpkgtest-calls')) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def helper_store(self):
        try:
            with open(os.path.join(self.home, '.wpkgtest-store.json')) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    # -- config.json --------------------------------------------------------
    def test_login_stores_private_entry_and_commands_use_it(self):
        r = self.login()
        self.assertEqual(r.stdout, 'Login Succeeded\n')
        self.assertEqual(mode(self.docker_config), 0o700)
        self.assertEqual(mode(self.config_path), 0o600)
        self.assertEqual(json.loads(self.read_config()),
                         {'auths': {self.reg.host: {'auth': self.auth_value()}}})
        self.assertNoTempFiles(self.docker_config)
        self.push_pull_without_u()

    def test_wrong_password_fails_and_stores_nothing(self):
        bad = 'not-' + self.reg.password
        r = self.login(password=bad, expect=5)
        self.assertTrue(r.stderr.startswith('wpkg: error: login %s: ' % self.reg.host), r.stderr)
        self.assertIn('401 unauthorized', r.stderr.lower())   # basic: the OCI code UNAUTHORIZED, token: the token server's status
        self.assertNotIn('wpkg login', r.stderr)   # no "run: wpkg login" hint for login itself
        self.assertNotIn(bad, r.stderr)
        self.assertEqual(r.stdout, '')
        self.assertFalse(os.path.exists(self.config_path))
        # and an existing file is left exactly as it was
        self.write_config({'auths': {'other.example': {'auth': 'eDp5'}}})
        before = self.read_config()
        self.login(password=bad, expect=5)
        self.assertEqual(self.read_config(), before)

    def test_login_keeps_other_settings_and_tightens_mode(self):
        self.write_config({'auths': {'other.example': {'auth': 'eDp5'}, 'http://%s/v2/' % self.reg.host: {}},
                           'psFormat': 'table', 'proxies': {'default': {'noProxy': '*.local'}}}, file_mode=0o644)
        self.login()
        self.assertEqual(mode(self.config_path), 0o600)
        doc = json.loads(self.read_config())
        self.assertEqual(list(doc), ['auths', 'psFormat', 'proxies'])
        self.assertEqual(doc['psFormat'], 'table')
        self.assertEqual(doc['proxies'], {'default': {'noProxy': '*.local'}})
        self.assertEqual(doc['auths']['other.example'], {'auth': 'eDp5'})
        self.assertEqual(doc['auths'][self.reg.host], {'auth': self.auth_value()})

    def test_registry_as_url(self):
        self.login(registry='http://%s/v2/' % self.reg.host)
        self.assertEqual(list(json.loads(self.read_config())['auths']), [self.reg.host])

    def test_json_output(self):
        r = self.login('--json')
        self.assertEqual(json.loads(r.stdout), {'registry': self.reg.host, 'username': self.reg.username})
        r = self.wpkg('logout', '--json', self.reg.host, env=self.env())
        self.assertEqual(json.loads(r.stdout), {'registry': self.reg.host})

    def test_password_flag_warns(self):
        r = self.wpkg('login', *self.reg.flags, '-u', self.reg.username, '-p', self.reg.password, self.reg.host,
                      env=self.env())
        self.assertEqual(r.stdout, 'Login Succeeded\n')
        self.assertIn('wpkg: warning: ', r.stderr)
        self.assertIn('--password-stdin', r.stderr)

    def test_no_username_without_terminal(self):
        r = self.wpkg('login', *self.reg.flags, self.reg.host, input='', env=self.env(), expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: login %s: no --username given and no terminal to ask on\n'
                         % self.reg.host)
        r = self.wpkg('login', *self.reg.flags, '--password-stdin', self.reg.host, input='x\n', env=self.env(),
                      expect=2)
        self.assertIn('need --username', r.stderr)

    def test_prompts_on_terminal_without_echoing_the_password(self):
        """No -u, no password flag, a terminal: both are asked for; the password is not echoed."""
        env = self.child_env(self.env())   # before the fork: it creates self.tmp
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execve(harness.WPKG, [harness.WPKG, 'login', *self.reg.flags, self.reg.host], env)
            finally:
                os._exit(127)   # never return into the test runner in the child
        seen = b''

        def until(prompt):
            nonlocal seen
            while prompt not in seen:
                chunk = os.read(fd, 4096)
                self.assertTrue(chunk, 'terminal closed before %r; saw %r' % (prompt, seen))
                seen += chunk
        try:
            until(b'Username: ')
            os.write(fd, self.reg.username.encode() + b'\n')
            until(b'Password: ')
            os.write(fd, self.reg.password.encode() + b'\n')
            until(b'Login Succeeded')
        finally:
            try:
                while os.read(fd, 4096):
                    pass
            except OSError:
                pass
            _, status = os.waitpid(pid, 0)
            os.close(fd)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        self.assertIn(self.reg.username.encode(), seen)   # the username is echoed, as typed
        self.assertNotIn(self.reg.password.encode(), seen)
        self.assertEqual(json.loads(self.read_config()), {'auths': {self.reg.host: {'auth': self.auth_value()}}})

    def test_logout(self):
        self.write_config({'auths': {'other.example': {'auth': 'eDp5'}}, 'psFormat': 'table'})
        self.login()
        r = self.wpkg('logout', self.reg.host, env=self.env())
        self.assertEqual(r.stdout, 'Removing login credentials for %s\n' % self.reg.host)
        self.assertEqual(json.loads(self.read_config()),
                         {'auths': {'other.example': {'auth': 'eDp5'}}, 'psFormat': 'table'})
        r = self.wpkg('logout', self.reg.host, env=self.env(), expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: logout %s: no credentials stored for %s\n'
                         % (self.reg.host, self.reg.host))
        # and commands are anonymous again
        r = self.wpkg('tags', *self.reg.flags, '%s/%s' % (self.reg.host, self.repo()), env=self.env(), expect=5)
        self.assertIn('wpkg: hint: no credentials for %s were found (-u, config.json, credential helpers, auth.json): run: wpkg login %s, or pass -u USER --password-stdin\n' % (self.reg.host, self.reg.host), r.stderr)

    def test_auth_json_fallback(self):
        os.makedirs(os.path.dirname(self.auth_file), exist_ok=True)
        with open(self.auth_file, 'w') as f:
            json.dump({'auths': {self.reg.host: {'auth': self.auth_value()}}}, f)
        self.push_pull_without_u()

    # -- credential helpers -------------------------------------------------
    def check_helper_login(self, config):
        self.write_config(config)
        before = self.read_config()
        r = self.login()
        self.assertEqual(r.stdout, 'Login Succeeded\n')
        self.assertEqual(self.read_config(), before)   # config.json gets no secret
        self.assertEqual(self.helper_store(),
                         {self.reg.host: {'Username': self.reg.username, 'Secret': self.reg.password}})
        self.assertEqual(self.helper_calls(), ['store %s' % self.reg.host])
        self.push_pull_without_u()
        self.assertIn('get %s' % self.reg.host, self.helper_calls())
        r = self.wpkg('logout', self.reg.host, env=self.env())
        self.assertEqual(r.stdout, 'Removing login credentials for %s\n' % self.reg.host)
        self.assertEqual(self.helper_store(), {})
        self.assertEqual(self.helper_calls()[-1], 'erase %s' % self.reg.host)
        self.wpkg('logout', self.reg.host, env=self.env(), expect=4)

    def test_helper_as_creds_store(self):
        self.check_helper_login({'credsStore': 'wpkgtest'})

    def test_helper_as_cred_helpers_entry(self):
        # credHelpers[host] wins over a credsStore that does not exist
        self.check_helper_login({'credHelpers': {self.reg.host: 'wpkgtest'}, 'credsStore': 'absent'})

    def test_missing_helper_means_anonymous(self):
        self.write_config({'credsStore': 'absent'})
        r = self.wpkg('tags', *self.reg.flags, '%s/%s' % (self.reg.host, self.repo()), env=self.env(), expect=5)
        self.assertIn('wpkg: warning: ', r.stderr)
        self.assertIn('docker-credential-absent', r.stderr)
        self.assertIn('wpkg: hint: no credentials for %s were found (-u, config.json, credential helpers, auth.json): run: wpkg login %s, or pass -u USER --password-stdin\n' % (self.reg.host, self.reg.host), r.stderr)
        self.assertNotIn('Traceback', r.stderr)
        # storing through a helper that is not installed fails, after the check, without touching the file
        before = self.read_config()
        r = self.login(expect=1)
        self.assertIn('docker-credential-absent', r.stderr)
        self.assertEqual(self.read_config(), before)

    # -- secrecy ------------------------------------------------------------
    def test_debug_never_shows_secrets(self):
        secrets = (self.reg.password, self.auth_value())
        r = self.login('--debug')
        outputs = [r.stdout + r.stderr]
        self.assertIn('/v2/', r.stderr)   # --debug did show the exchange
        repo = self.repo()
        for args in (('push', '%s/%s:v1' % (self.reg.host, repo), harness.fixture(SRC)),
                     ('tags', '%s/%s' % (self.reg.host, repo))):
            r = self.wpkg(args[0], '--debug', *self.reg.flags, *args[1:], env=self.env())
            outputs.append(r.stdout + r.stderr)
        for out in outputs:
            for s in secrets:
                self.assertNotIn(s, out)
            self.assertIsNone(JWT_RE.search(out), 'a bearer token in --debug output')


class BasicLoginTests(LoginTests, harness.TestCase):
    VARIANT = 'basic'


class TokenLoginTests(LoginTests, harness.TestCase):
    VARIANT = 'token'


harness.main()
