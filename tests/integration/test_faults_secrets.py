# SPDX-License-Identifier: Apache-2.0
"""test_faults_secrets.py - secrets a server echoes back are masked before wpkg prints them.

A registry or a token server (realm) that copies the Authorization header, the password or the token it was
sent into its error text used to get them printed in wpkg's one-line error, straight into CI logs.
"""

import base64
import json

import harness
from fakereg import Status
from faultcase import FaultCase
from regcase import read

COMPONENT = 'components/hello-c.component.wasm'
USER = 'ci-bot'
PASSWORD = 'hunter2-s3cret/PW'
BASIC = base64.b64encode(('%s:%s' % (USER, PASSWORD)).encode()).decode()
TOKEN = 'tok-7f3a9c.e1d2/b4=='


def error_body(code, message):
    return json.dumps({'errors': [{'code': code, 'message': message}]})


class SecretTests(FaultCase):

    def assertMasked(self, stderr):
        for secret in (PASSWORD, BASIC, TOKEN):
            self.assertNotIn(secret, stderr)

    def pull(self, reg, expect):
        return self.wpkg('pull', '--plain-http', '-u', USER, '--password-stdin', '-o', self.path('x.wasm'),
                         reg.host + '/app/hello:v1', input=PASSWORD + '\n', expect=expect)

    def test_registry_echoing_basic_and_password_is_masked(self):
        reg = self.registry(auth=(USER, PASSWORD))
        reg.push_artifact('app/hello', 'v1', read(harness.fixture(COMPONENT)))
        echo = 'denied: you sent Authorization: Basic %s (password %s)' % (BASIC, PASSWORD)
        reg.fault('GET', r'/manifests/', Status(403, {'Content-Type': 'application/json'},
                                                error_body('DENIED', echo)), times=None)
        r = self.pull(reg, expect=5)
        self.assertOneErrorLine(r, 'DENIED', 'denied: you sent Authorization: Basic *** (password ***)')
        self.assertMasked(r.stderr)

    def test_realm_echoing_credentials_is_masked(self):
        realm = self.registry()
        echo = 'bad login %s / %s, Basic %s' % (USER, PASSWORD, BASIC)
        realm.fault('GET', r'^/token', Status(401, {'Content-Type': 'application/json'},
                                              error_body('UNAUTHORIZED', echo)), times=None)
        reg = self.registry()
        reg.push_artifact('app/hello', 'v1', read(harness.fixture(COMPONENT)))
        reg.fault('GET', r'/manifests/', Status(401, {'WWW-Authenticate': 'Bearer realm="http://%s/token",'
                                                      'service="fake"' % realm.host}), times=None)
        r = self.pull(reg, expect=5)
        self.assertOneErrorLine(r, 'UNAUTHORIZED', 'bad login %s / ***, Basic ***' % USER)
        self.assertMasked(r.stderr)

    def test_registry_echoing_the_token_is_masked(self):
        reg, _ = self.bearer_registry(TOKEN)
        reg.fault('GET', r'/manifests/', Status(403, {'Content-Type': 'application/json'},
                                                error_body('DENIED', 'token %s has no pull' % TOKEN)), times=None)
        r = self.wpkg('pull', '--plain-http', '-o', self.path('x.wasm'), reg.host + '/app/hello:v1', expect=5)
        self.assertOneErrorLine(r, 'DENIED', 'token *** has no pull')
        self.assertMasked(r.stderr)
        self.assertTrue(any(q.headers.get('authorization') == 'Bearer ' + TOKEN for q in reg.requests))


if __name__ == '__main__':
    harness.main()
