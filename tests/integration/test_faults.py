# SPDX-License-Identifier: Apache-2.0
"""test_faults.py - wpkg pull/push/tags against a fake registry that misbehaves on purpose (fakereg.py).

Redirects to another host, 503 and 429 answers, connections dropped mid-blob,
corrupt blobs, uploads that always fail, PATCH refused, pagination that loops:
the faults a real registry will not produce on demand.
"""

import base64
import hashlib
import json
import os

import urllib.parse
import urllib.request

import harness
from fakereg import Corrupt, Drop, IgnoreRange, Redirect, Status
from faultcase import FaultCase
from regcase import RegistryCase, read

USER, PASSWORD = 'wpkg-user', 'fault-pass-123'
COMPONENT = 'components/hello-c.component.wasm'
BIG_COMPONENT = 'components/calc-qjs.component.wasm'


class FaultTests(FaultCase):

    def pull(self, reg, ref, out, expect=0, auth=True, extra=()):
        args = ['pull', '--plain-http'] + list(extra)
        if auth:
            args += ['-u', USER, '--password-stdin']
        args += ['-o', out, '%s/%s' % (reg.host, ref)]
        return self.wpkg(*args, input=PASSWORD + '\n' if auth else None, expect=expect)

    # (a) ------------------------------------------------------------------
    def test_redirect_to_other_host_drops_authorization(self):
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry(auth=(USER, PASSWORD))
        storage = self.registry(storage=True, shared_blobs=reg.blobs)
        _, layer = reg.push_artifact('app/hello', 'v1', wasm)
        # another host name for the same machine: the origin differs, so credentials must not follow
        reg.fault('GET', r'/blobs/sha256:', Redirect('http://localhost:%d/storage/{digest}' % storage.port),
                  times=None)
        out = self.path('hello.wasm')
        self.pull(reg, 'app/hello:v1', out)
        self.assertEqual(read(out), wasm)
        served = storage.seen('GET', '/storage/' + layer)
        self.assertEqual(len(served), 1, 'the layer came from the storage host')
        for q in storage.requests:
            self.assertNotIn('authorization', q.headers, 'Authorization leaked to %s' % q.path)
        # the registry itself did get credentials on the redirected request: there was something to drop
        blob_gets = reg.seen('GET', '/blobs/' + layer)
        self.assertTrue(any('authorization' in q.headers for q in blob_gets))

    def test_redirect_same_host_keeps_authorization(self):
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry(auth=(USER, PASSWORD))
        _, layer = reg.push_artifact('app/hello', 'v1', wasm)
        # 127.0.0.1:PORT redirecting to itself (another path) is the same origin
        reg.fault('GET', r'/blobs/sha256:', Redirect('http://%s/v2/app/hello/blobs/{digest}?moved=1' % reg.host),
                  times=1)
        out = self.path('hello.wasm')
        self.pull(reg, 'app/hello:v1', out)
        self.assertEqual(read(out), wasm)
        moved = reg.seen('GET', r'\?moved=1')
        self.assertEqual(len(moved), 1)
        self.assertIn('authorization', moved[0].headers)

    # (b) ------------------------------------------------------------------
    def test_503_twice_then_success(self):
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry(auth=(USER, PASSWORD))
        _, layer = reg.push_artifact('app/hello', 'v1', wasm)
        reg.fault('GET', '/blobs/' + layer, Status(503, body='busy'), times=2)
        out = self.path('hello.wasm')
        self.pull(reg, 'app/hello:v1', out)
        self.assertEqual(read(out), wasm)
        authed = [q for q in reg.seen('GET', '/blobs/' + layer) if 'authorization' in q.headers]
        self.assertEqual(len(authed), 3, '2 x 503, then 200')

    def test_429_retry_after_is_honoured(self):
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry(auth=(USER, PASSWORD))
        reg.push_artifact('app/hello', 'v1', wasm)
        reg.fault('GET', r'/manifests/v1', Status(429, {'Retry-After': '1'}, json.dumps(
            {'errors': [{'code': 'TOOMANYREQUESTS', 'message': 'slow down'}]})), times=1)
        out = self.path('hello.wasm')
        self.pull(reg, 'app/hello:v1', out)
        self.assertEqual(read(out), wasm)
        gets = [q for q in reg.seen('GET', r'/manifests/v1') if 'authorization' in q.headers]
        self.assertEqual(len(gets), 2)
        self.assertGreaterEqual(gets[1].time - gets[0].time, 0.95, 'waited for Retry-After')

    def test_503_forever_is_a_network_error(self):
        reg = self.registry()
        reg.push_artifact('app/hello', 'v1', read(harness.fixture(COMPONENT)))
        reg.fault('GET', r'/manifests/', Status(503), times=None)
        out = self.path('hello.wasm')
        r = self.pull(reg, 'app/hello:v1', out, expect=7, auth=False, extra=['--retries', '2'])
        self.assertOneErrorLine(r, '503')
        self.assertEqual(len(reg.seen('GET', r'/manifests/')), 3, 'one try and 2 retries')
        self.assertFalse(os.path.exists(out))

    # (c) ------------------------------------------------------------------
    def test_dropped_connection_resumes_with_range(self):
        wasm = read(harness.fixture(BIG_COMPONENT))
        reg = self.registry(auth=(USER, PASSWORD))
        _, layer = reg.push_artifact('app/calc', 'v1', wasm)
        cut = len(wasm) // 3
        reg.fault('GET', '/blobs/' + layer, Drop(cut), times=1)
        out = self.path('calc.wasm')
        self.pull(reg, 'app/calc:v1', out)
        self.assertEqual(harness.sha256_file(out), hashlib.sha256(wasm).hexdigest())
        ranges = [q.headers.get('range') for q in reg.seen('GET', '/blobs/' + layer) if 'authorization' in q.headers]
        self.assertEqual(ranges, [None, 'bytes=%d-' % cut])
        self.assertNoTempFiles(self.tmp)

    def test_dropped_connection_and_range_ignored_restarts(self):
        wasm = read(harness.fixture(BIG_COMPONENT))
        reg = self.registry()
        _, layer = reg.push_artifact('app/calc', 'v1', wasm)
        reg.fault('GET', '/blobs/' + layer, Drop(len(wasm) // 2), times=1)
        reg.fault('GET', '/blobs/' + layer, IgnoreRange(), times=1)
        out = self.path('calc.wasm')
        self.pull(reg, 'app/calc:v1', out, auth=False)
        self.assertEqual(read(out), wasm, 'a 200 answer to a Range request starts the file again')

    # (d) ------------------------------------------------------------------
    def test_corrupt_blob_is_refused(self):
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry(auth=(USER, PASSWORD))
        _, layer = reg.push_artifact('app/hello', 'v1', wasm)
        reg.fault('GET', '/blobs/' + layer, Corrupt(), times=None)
        out = self.path('out', 'hello.wasm')
        os.makedirs(self.path('out'))
        r = self.pull(reg, 'app/hello:v1', out, expect=6)
        self.assertOneErrorLine(r, layer, 'does not match its digest')
        self.assertFalse(os.path.exists(out))
        self.assertEqual(os.listdir(self.path('out')), [], 'no output and no temporary left')

    def test_blob_longer_than_its_descriptor_is_refused(self):
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry()
        # the descriptor names the first half; the registry serves all of it under that digest
        half = wasm[:len(wasm) // 2]
        fake = 'sha256:' + hashlib.sha256(half).hexdigest()
        reg.push_artifact('app/hello', 'v1', wasm, layer_digest=fake, layer_size=len(half))
        out = self.path('hello.wasm')
        r = self.pull(reg, 'app/hello:v1', out, expect=6, auth=False)
        self.assertOneErrorLine(r, fake)
        self.assertFalse(os.path.exists(out))
        self.assertNoTempFiles(self.tmp)

    def test_manifest_digest_header_mismatch(self):
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry()
        digest, _ = reg.push_artifact('app/hello', 'v1', wasm)
        mt, body = reg.manifests[('app/hello', 'v1')]
        wrong = 'sha256:' + '0' * 64
        reg.fault('GET', r'/manifests/v1', Status(200, {'Content-Type': mt, 'Docker-Content-Digest': wrong}, body),
                  times=None)
        r = self.pull(reg, 'app/hello:v1', self.path('hello.wasm'), expect=6, auth=False)
        self.assertOneErrorLine(r, wrong)

    # (e) ------------------------------------------------------------------
    def test_push_upload_failing_never_puts_manifest(self):
        src = harness.fixture(COMPONENT)
        for method in ('PUT', 'POST'):
            with self.subTest(failing=method):
                reg = self.registry()
                reg.fault(method, r'/blobs/uploads/', Status(500, body='boom'), times=None)
                # one transfer at a time, so that the count below is of one blob's requests
                r = self.wpkg('push', '--plain-http', '--retries', '2', '--concurrency', '1',
                              '%s/app/hello:v1' % reg.host, src, expect=7)
                self.assertOneErrorLine(r, '500')
                self.assertEqual(reg.seen('PUT', r'/manifests/'), [], 'no manifest PUT')
                # bounded: one attempt and two retries of the failing request
                self.assertEqual(len(reg.seen(method, r'/blobs/uploads/')), 3)

    def test_push_chunked_falls_back_to_monolithic(self):
        src = harness.fixture(COMPONENT)
        reg = self.registry()
        reg.fault('PATCH', r'/blobs/uploads/', Status(405), times=None)
        r = self.wpkg('push', '--plain-http', '--chunk-size', '10K', '%s/app/hello:v1' % reg.host, src)
        digest = r.stdout.split()[0]
        self.assertEqual(reg.manifests[('app/hello', 'v1')][1], reg.manifests[('app/hello', digest)][1])
        self.assertEqual(reg.blobs['sha256:' + harness.sha256_file(src)], read(src))

    def test_push_chunked_follows_location(self):
        src = harness.fixture(COMPONENT)
        size = os.path.getsize(src)
        reg = self.registry()
        self.wpkg('push', '--plain-http', '--chunk-size', '10K', '%s/app/hello:v1' % reg.host, src)
        # fakereg refuses a stale _state, so success means every PATCH used the newest Location
        self.assertEqual(reg.blobs['sha256:' + harness.sha256_file(src)], read(src))
        # the layer's upload only: the config's, sent alongside, may interleave with it
        uploads = {}
        for q in reg.seen('PATCH'):
            if q.body_len > 0:
                uploads.setdefault(q.path.split('?')[0], []).append(q.headers.get('content-range'))
        ranges = max(uploads.values(), key=len)
        chunk = 10 * 1024
        want = ['%d-%d' % (s, min(s + chunk, size) - 1) for s in range(0, size, chunk)]
        self.assertTrue(any(ranges[i:i + len(want)] == want for i in range(len(ranges))),
                        'chunks %s, expected the run %s' % (ranges, want))
        for q in reg.seen('PATCH'):
            self.assertEqual(q.headers.get('content-type'), 'application/octet-stream')

    # pagination, masking ----------------------------------------------------
    def test_tags_pagination_that_loops_terminates(self):
        reg = self.registry()
        reg.push_artifact('app/hello', 'v1', read(harness.fixture(COMPONENT)))
        page = json.dumps({'name': 'app/hello', 'tags': ['v1', 'v2']})
        # every page points to itself: the client must notice and stop
        reg.fault('GET', r'/tags/list', Status(200, {'Content-Type': 'application/json',
                                                     'Link': '</v2/app/hello/tags/list?n=1000>; rel="next"'},
                                             page), times=None)
        r = self.wpkg('tags', '--plain-http', '%s/app/hello' % reg.host, timeout=60)
        self.assertEqual(r.stdout.split(), ['v1', 'v2'])
        self.assertLessEqual(len(reg.seen('GET', r'/tags/list')), 2)

    def test_tags_pagination_follows_link(self):
        reg = self.registry()
        reg.push_artifact('app/hello', 'v1', read(harness.fixture(COMPONENT)))
        pages = [(['a', 'b'], '</v2/app/hello/tags/list?n=2&last=b>; rel="next"'),
                 (['c', 'd'], '<http://%s/v2/app/hello/tags/list?n=2&last=d>; rel="next"' % reg.host),
                 (['e'], None)]
        for tags, link in pages:
            headers = {'Content-Type': 'application/json'}
            if link:
                headers['Link'] = link
            reg.fault('GET', r'/tags/list', Status(200, headers, json.dumps({'name': 'app/hello', 'tags': tags})))
        r = self.wpkg('tags', '--plain-http', '%s/app/hello' % reg.host)
        self.assertEqual(r.stdout.split(), ['a', 'b', 'c', 'd', 'e'])
        paths = [q.path for q in reg.seen('GET', r'/tags/list')]
        self.assertEqual(paths[1:], ['/v2/app/hello/tags/list?n=2&last=b', '/v2/app/hello/tags/list?n=2&last=d'])

    def test_link_and_location_to_other_host_get_no_credentials(self):
        # a registry can name any URL in Link or Location: credentials stay with the registry's own origin
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry(auth=(USER, PASSWORD))
        other = self.registry()
        reg.push_artifact('app/hello', 'v1', wasm)
        other.push_artifact('app/hello', 'v2', wasm)
        link = '<http://localhost:%d/v2/app/hello/tags/list?n=1&last=v1>; rel="next"' % other.port
        reg.fault('GET', r'/tags/list', Status(200, {'Content-Type': 'application/json', 'Link': link},
                                             json.dumps({'name': 'app/hello', 'tags': ['v1']})))
        r = self.wpkg('tags', '--plain-http', '-u', USER, '--password-stdin', '%s/app/hello' % reg.host,
                      input=PASSWORD + '\n')
        self.assertEqual(r.stdout.split(), ['v1', 'v2'])
        reg.fault('POST', r'/blobs/uploads/', Status(202, {'Location': 'http://localhost:%d/v2/app/hello/blobs/'
                                                           'uploads/x?_state=s' % other.port}), times=None)
        self.wpkg('push', '--plain-http', '--retries', '0', '-u', USER, '--password-stdin',
                  '%s/app/hello:v3' % reg.host, harness.fixture(COMPONENT), input=PASSWORD + '\n', expect=None)
        self.assertTrue(other.seen('GET', r'/tags/list') and other.seen('PUT', r'/blobs/uploads/'))
        for q in other.requests:
            self.assertNotIn('authorization', q.headers, 'Authorization leaked to %s %s' % (q.method, q.path))

    def test_challenge_from_redirect_target_is_not_answered(self):
        # the storage host a blob GET is sent to must not choose a token realm that receives our credentials
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry(auth=(USER, PASSWORD))
        storage = self.registry(storage=True, shared_blobs=reg.blobs)
        realm = self.registry()
        reg.push_artifact('app/hello', 'v1', wasm)
        reg.fault('GET', r'/blobs/sha256:', Redirect('http://localhost:%d/storage/{digest}' % storage.port),
                  times=None)
        storage.fault('GET', r'/storage/', Status(401, {'WWW-Authenticate': 'Bearer realm="http://localhost:%d/token"'
                                                        % realm.port}), times=None)
        r = self.pull(reg, 'app/hello:v1', self.path('hello.wasm'), expect=None)
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(storage.seen('GET', r'/storage/'))
        self.assertEqual(realm.requests, [], 'credentials sent to a realm named by another host')

    def test_token_request_body_is_not_resent_to_another_host(self):
        # an identity token is POSTed to the realm; a 307 from there must not carry it to another host
        reg = self.registry()
        realm = self.registry()
        thief = self.registry()
        reg.push_artifact('app/hello', 'v1', read(harness.fixture(COMPONENT)))
        reg.fault('GET', r'/manifests/', Status(401, {'WWW-Authenticate': 'Bearer realm="http://127.0.0.1:%d/token",'
                                                     'service="fake"' % realm.port}), times=None)
        realm.fault('POST', r'/token', Redirect('http://localhost:%d/steal' % thief.port), times=None)
        config = os.path.join(self.tmp, 'docker')
        os.makedirs(config, exist_ok=True)
        with open(os.path.join(config, 'config.json'), 'w') as f:
            json.dump({'auths': {reg.host: {'identitytoken': 'refresh-secret'}}}, f)
        r = self.wpkg('pull', '--plain-http', '-o', self.path('x.wasm'), '%s/app/hello:v1' % reg.host,
                      env={'DOCKER_CONFIG': config}, expect=None)
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(realm.seen('POST', r'/token'))
        self.assertEqual(thief.requests, [], 'the refresh token was resent to another host')
        self.assertIn('refusing to resend the request body to another host', r.stderr)
        self.assertNotIn('refresh-secret', r.stderr)

    def test_wrong_password_reauthenticates_once(self):
        reg = self.registry(auth=(USER, PASSWORD))
        reg.push_artifact('app/hello', 'v1', read(harness.fixture(COMPONENT)))
        r = self.wpkg('pull', '--plain-http', '-u', USER, '--password-stdin', '-o', self.path('x.wasm'),
                      '%s/app/hello:v1' % reg.host, input='not-the-password\n', expect=5)
        self.assertOneErrorLine(r, '401')
        gets = reg.seen('GET', r'/manifests/v1')
        self.assertEqual(['authorization' in q.headers for q in gets], [False, True])

    def test_debug_log_masks_credentials(self):
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry(auth=(USER, PASSWORD))
        reg.push_artifact('app/hello', 'v1', wasm)
        r = self.pull(reg, 'app/hello:v1', self.path('hello.wasm'), extra=['--debug'])
        secret = base64.b64encode(('%s:%s' % (USER, PASSWORD)).encode()).decode()
        self.assertIn('Authorization: Basic ***', r.stderr)
        self.assertNotIn(secret, r.stderr)
        self.assertNotIn(PASSWORD, r.stderr)



class TokenTests(RegistryCase, harness.TestCase):
    """Bearer tokens from the test token server: identity tokens, caching, short lives."""

    VARIANT = 'token'

    def push(self, repo):
        src = harness.fixture(COMPONENT)
        self.wpkg('push', *self.reg.flags, '-u', self.reg.username, '--password-stdin',
                  '%s/%s:v1' % (self.reg.host, repo), src, input=self.reg.password + '\n')
        return read(src)

    def refresh_token(self):
        form = urllib.parse.urlencode({'grant_type': 'password', 'service': 'wpkg-test-registry',
                                       'client_id': 'test', 'access_type': 'offline',
                                       'username': self.reg.username, 'password': self.reg.password})
        with urllib.request.urlopen(self.reg.token_url, data=form.encode(), timeout=30) as r:
            return json.loads(r.read())['refresh_token']

    def test_identity_token_is_exchanged_with_a_post(self):
        wasm = self.push('tok/ident')
        os.makedirs(self.docker_config, exist_ok=True)
        with open(os.path.join(self.docker_config, 'config.json'), 'w') as f:
            json.dump({'auths': {self.reg.host: {'identitytoken': self.refresh_token()}}}, f)
        self.reg.clear_token_requests()
        out = self.path('ident.wasm')
        self.wpkg('pull', *self.reg.flags, '-o', out, '%s/tok/ident:v1' % self.reg.host)
        self.assertEqual(read(out), wasm)
        reqs = self.reg.token_requests
        self.assertEqual([(q['method'], q['grant_type'], q['status']) for q in reqs],
                         [('POST', 'refresh_token', 200)], 'one exchange, cached for the whole pull')
        self.assertEqual(reqs[0]['scopes'], ['repository:tok/ident:pull'])

    def test_short_lived_tokens_still_work(self):
        wasm = self.push('tok/short')
        self.reg.set_token_expiry(3)
        self.addCleanup(self.reg.set_token_expiry, 300)
        self.reg.clear_token_requests()
        out = self.path('short.wasm')
        self.wpkg('pull', *self.reg.flags, '-u', self.reg.username, '--password-stdin', '-o', out,
                  '%s/tok/short:v1' % self.reg.host, input=self.reg.password + '\n')
        self.assertEqual(read(out), wasm)
        # a token living less than the reuse margin is fetched again for each request, never reused stale
        self.assertGreaterEqual(len(self.reg.token_requests), 2)
        self.assertTrue(all(q['status'] == 200 for q in self.reg.token_requests))


if __name__ == '__main__':
    harness.main()
