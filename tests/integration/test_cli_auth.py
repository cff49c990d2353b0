#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_cli_auth.py - auth failures name which credentials were used (-u, config.json, a helper, none), what failed
and what to do; a DOCKER_CONFIG that names a file is warned about."""

import base64
import json
import os

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


if __name__ == '__main__':
    harness.main()
