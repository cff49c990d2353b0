# SPDX-License-Identifier: Apache-2.0
"""test_faults_hostile.py - hostile answers: values a server hands us that must not reach a request header or line.

A token server's token with CR/LF would be pasted into "Authorization: Bearer ..." and inject headers;
Location and Link targets become request lines.  Each is refused with one clear error line.
"""

import json

import harness
from fakereg import Status
from faultcase import FaultCase
from regcase import read

COMPONENT = 'components/hello-c.component.wasm'


class HostileTests(FaultCase):

    def bearer_registry(self, token):
        realm = self.registry()
        realm.fault('GET', r'^/token', Status(200, {'Content-Type': 'application/json'},
                                              json.dumps({'token': token, 'expires_in': 300})), times=None)
        reg = self.registry()
        reg.push_artifact('app/hello', 'v1', read(harness.fixture(COMPONENT)))
        reg.fault('GET', r'/manifests/', Status(401, {'WWW-Authenticate': 'Bearer realm="http://%s/token",'
                                                      'service="fake"' % realm.host}), times=1)
        return reg, realm

    def test_token_with_crlf_is_refused(self):
        reg, realm = self.bearer_registry('abc\r\nX-Injected: yes\r\n\r\nGET /smuggled HTTP/1.1')
        r = self.wpkg('pull', '--plain-http', '-o', self.path('x.wasm'), reg.host + '/app/hello:v1', expect=7)
        self.assertOneErrorLine(r, 'token', 'refusing it')
        self.assertTrue(realm.seen('GET', r'^/token'))
        for q in reg.requests:
            self.assertNotIn('x-injected', q.headers)
            self.assertNotIn('smuggled', q.path)
        self.assertNotIn('X-Injected', r.stderr)

    def test_token_with_space_is_refused(self):
        reg, _ = self.bearer_registry('abc def')
        r = self.wpkg('pull', '--plain-http', '-o', self.path('x.wasm'), reg.host + '/app/hello:v1', expect=7)
        self.assertOneErrorLine(r, 'RFC 6750')

    def test_token68_token_is_used(self):
        # the same path with a valid (opaque, non-JWT, padded) token works: the check is not refusing everything
        reg, _ = self.bearer_registry('djE6Z2hjci5pbzp3cGtn-._~+/==')
        out = self.path('x.wasm')
        self.wpkg('pull', '--plain-http', '-o', out, reg.host + '/app/hello:v1')
        self.assertEqual(read(out), read(harness.fixture(COMPONENT)))
        sent = [q.headers.get('authorization') for q in reg.requests if 'authorization' in q.headers]
        self.assertIn('Bearer djE6Z2hjci5pbzp3cGtn-._~+/==', sent)

    def test_link_next_that_is_not_a_url_is_refused(self):
        reg = self.registry()
        reg.push_artifact('app/hello', 'v1', read(harness.fixture(COMPONENT)))
        reg.fault('GET', r'/tags/list', Status(200, {'Content-Type': 'application/json',
                                                     'Link': '</v2/app/hello/tags/list?last=v1 HTTP/1.1\x01>; '
                                                             'rel="next"'},
                                               json.dumps({'name': 'app/hello', 'tags': ['v1']})))
        r = self.wpkg('tags', '--plain-http', reg.host + '/app/hello', expect=7)
        self.assertOneErrorLine(r, 'Link', 'not a valid URL')

    def test_upload_location_that_is_not_a_url_is_refused(self):
        reg = self.registry()
        reg.fault('POST', r'/blobs/uploads/', Status(202, {'Location': '/v2/app/x/blobs/uploads/1 HTTP/1.1\x7f',
                                                           'Content-Length': '0'}), times=None)
        r = self.wpkg('push', '--plain-http', reg.host + '/app/x:v1', harness.fixture(COMPONENT), expect=7)
        self.assertOneErrorLine(r, 'without a usable Location')
        self.assertFalse(reg.seen('PUT', r'HTTP'))


if __name__ == '__main__':
    harness.main()
