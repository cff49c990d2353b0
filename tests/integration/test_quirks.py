"""test_quirks.py - registries' known quirks, each injected with the fake registry (issue 12, Registry quirks).

Each test plays one registry's behaviour that docker-registry does not have, and checks wpkg copes with it.
"""

import hashlib
import json

import harness
from fakereg import MT_MANIFEST, Redirect, Status
from faultcase import FaultCase
from regcase import read

COMPONENT = 'components/hello-c.component.wasm'
OTHER = 'components/greeter-plugged.composed.wasm'
EXIT_UNSUPPORTED = 3


class QuirkTests(FaultCase):

    def test_ghcr_tags_null_is_no_tags(self):
        reg = self.registry()
        reg.fault('GET', r'/tags/list', Status(200, {'Content-Type': 'application/json'},
                                               json.dumps({'name': 'app/x', 'tags': None})), times=None)
        r = self.wpkg('tags', '--plain-http', reg.host + '/app/x')
        self.assertEqual(r.stdout, '')

    def paged_tags(self, n=7):
        reg = self.registry(tags_page_size=2)
        reg.tags['app/x'] = ['t%d' % i for i in reversed(range(n))]
        return reg

    def test_tags_follows_every_page(self):
        reg = self.paged_tags()
        r = self.wpkg('tags', '--plain-http', reg.host + '/app/x')
        self.assertEqual(r.stdout.split(), ['t%d' % i for i in range(7)])
        self.assertEqual(r.stderr, '')
        self.assertEqual(len(reg.seen('GET', r'/tags/list')), 4)

    def test_tags_page_cap_warns_and_fails(self):
        # a listing cut short at the cap used to pass for the whole one, silently
        reg = self.paged_tags()
        for fmt in ('text', 'json'):
            with self.subTest(format=fmt):
                r = self.wpkg('tags', '--plain-http', '--format', fmt, '--max-pages', '3', reg.host + '/app/x',
                              expect=EXIT_UNSUPPORTED)
                got = json.loads(r.stdout) if fmt == 'json' else r.stdout.split()
                self.assertEqual(got, ['t%d' % i for i in range(6)])
                self.assertEqual(r.stderr, 'wpkg: warning: tags %s/app/x: the registry has more than 3 pages of '
                                 'tags; only the 6 tags of the first 3 are listed (use --max-pages N to read '
                                 'further, or --limit N to ask for a part)\n' % reg.host)
        self.assertEqual(len(reg.seen('GET', r'/tags/list')), 6)

    def test_tags_limit_lists_a_part_without_warning(self):
        reg = self.paged_tags()
        for limit, pages in (('3', 2), ('4', 2), ('7', 4), ('100', 4)):
            with self.subTest(limit=limit):
                before = len(reg.seen('GET', r'/tags/list'))
                r = self.wpkg('tags', '--plain-http', '--limit', limit, reg.host + '/app/x')
                self.assertEqual(r.stdout.split(), ['t%d' % i for i in range(min(7, int(limit)))])
                self.assertEqual(r.stderr, '')
                seen = reg.seen('GET', r'/tags/list')
                self.assertEqual(len(seen) - before, pages, 'no page read after the limit')
                self.assertIn('n=%d' % min(1000, int(limit)), seen[before].path, 'the registry is asked for no more')
        # a limit is no leave to cut a listing short at the page cap without saying so
        r = self.wpkg('tags', '--plain-http', '--limit', '100', '--max-pages', '2', reg.host + '/app/x',
                      expect=EXIT_UNSUPPORTED)
        self.assertEqual(r.stdout.split(), ['t0', 't1', 't2', 't3'])
        self.assertIn('more than 2 pages', r.stderr)

    def test_tags_limit_of_a_package_name_counts_versions(self):
        reg = self.registry(tags_page_size=2)
        reg.tags['acme/hello'] = ['0.10.0', '0.2.0', 'latest', '0.9.0', '1.0.0-rc.1', 'a', 'b']
        cfg = self.path('config.toml')
        with open(cfg, 'w') as f:
            f.write('default_registry = "%s"\n\n[registry."%s".oci]\nprotocol = "http"\n' % (reg.host, reg.host))
        r = self.wpkg('tags', '--limit', '2', '--wkg-config', cfg, 'acme:hello')
        self.assertEqual(r.stdout.split(), ['0.2.0', '0.9.0'])
        self.assertEqual(r.stderr, '')
        self.assertEqual(len(reg.seen('GET', r'/tags/list')), 4, 'every page: versions are sorted out of all tags')

    def test_tags_limit_on_a_layout(self):
        layout = self.path('lay')
        for tag in ('b', 'a', 'c'):
            self.wpkg('push', 'oci-layout:%s:%s' % (layout, tag), harness.fixture(COMPONENT))
        r = self.wpkg('tags', '--limit', '2', 'oci-layout:' + layout)
        self.assertEqual(r.stdout.split(), ['a', 'b'])
        self.assertEqual(r.stderr, '')

    def blob_puts(self, reg):
        # the requests that carried bytes of a blob: PUTs with a body, and PATCHes
        return [q for q in reg.seen(None, r'/blobs/uploads/') if q.method == 'PATCH' or
                (q.method == 'PUT' and q.body_len)]

    def test_monolithic_sends_each_blob_in_one_put(self):
        wasm = read(harness.fixture(COMPONENT))
        digest = 'sha256:' + harness.sha256_file(harness.fixture(COMPONENT))
        reg = self.registry()
        # --monolithic overrides a --chunk-size given before or after it
        self.wpkg('push', '--plain-http', '--chunk-size', '10K', '--monolithic', reg.host + '/app/x:v1',
                  harness.fixture(COMPONENT))
        self.assertEqual(reg.blobs[digest], wasm)
        layer = [q for q in self.blob_puts(reg) if 'digest=' + digest.replace(':', '%3A') in q.path or
                 'digest=' + digest in q.path]
        self.assertEqual([(q.method, q.body_len) for q in layer], [('PUT', len(wasm))])
        self.assertEqual([q for q in self.blob_puts(reg) if q.method == 'PATCH'], [])
        # copy and attach take it too
        dst = self.registry()
        self.wpkg('copy', '--plain-http', '--monolithic', '--chunk-size', '10K', reg.host + '/app/x:v1',
                  dst.host + '/app/y:v1')
        self.assertEqual(dst.blobs[digest], wasm)
        self.assertEqual(sorted(q.method for q in self.blob_puts(dst)), ['PUT', 'PUT'])
        other = read(harness.fixture(OTHER))
        self.wpkg('attach', '--plain-http', '--chunk-size', '10K', '--monolithic', '--artifact-type',
                  'application/spdx+json', dst.host + '/app/y:v1', harness.fixture(OTHER))
        self.assertIn(other, dst.blobs.values())
        self.assertEqual([q for q in self.blob_puts(dst) if q.method == 'PATCH'], [])

    def test_monolithic_refused_is_an_error_not_chunks(self):
        for extra, patches in (((), 1), (('--monolithic', ), 0)):
            with self.subTest(extra=extra):
                reg = self.registry()
                reg.fault('PUT', r'/blobs/uploads/', Status(413, {'Content-Type': 'application/json'},
                                                           json.dumps({'errors': [{'code': 'SIZE_INVALID',
                                                                                   'message': 'too big'}]})),
                          times=None)
                r = self.wpkg('push', '--plain-http', '--concurrency', '1', *extra, reg.host + '/app/x:v1',
                              harness.fixture(COMPONENT), expect=None)
                self.assertNotEqual(r.returncode, 0)
                self.assertOneErrorLine(r, '413')
                # without it the refusal falls back to chunks (which this server refuses too)
                self.assertEqual(len(reg.seen('PATCH', r'/blobs/uploads/')), patches)
                self.assertEqual(reg.seen('PUT', r'/manifests/'), [])

    # -- uploads: what GHCR, ECR and Quay answer -------------------------------------------------------
    def push_chunked(self, reg, repo='app/x', src=OTHER, *extra):
        self.wpkg('push', '--plain-http', '--chunk-size', '10K', *extra, '%s/%s:v1' % (reg.host, repo),
                  harness.fixture(src))
        data = read(harness.fixture(src))
        self.assertEqual(reg.blobs['sha256:' + harness.sha256_file(harness.fixture(src))], data)
        return data

    def test_upload_range_answers_are_not_trusted(self):
        # GHCR answers Range: 0-0 after every chunk (is that nothing, or one byte?), ECR keeps the first chunk's;
        # the spec has the registry's count of the whole blob.  wpkg keeps its own offset: each chunk follows
        # the last one it sent, and a chunk that failed starts the upload over (test_faults_quirks)
        for quirk in ('range-0-0', 'range-stuck', 'patch-201'):
            with self.subTest(quirk=quirk):
                reg = self.registry(quirks={quirk})
                data = self.push_chunked(reg)
                sessions = {}
                for q in reg.seen('PATCH', r'/blobs/uploads/'):
                    sessions.setdefault(q.path.split('?')[0], []).append(q.headers.get('content-range'))
                step = 10 << 10
                want = ['%d-%d' % (i, min(i + step, len(data)) - 1) for i in range(0, len(data), step)]
                self.assertIn(want, list(sessions.values()), 'the layer in order, from our own offsets')
                self.assertTrue(reg.seen('PUT', r'/manifests/v1'))

    def test_ecr_puts_without_docker_content_digest(self):
        # the digests are ours: computed from the bytes sent, never read from the answer
        reg = self.registry(quirks={'no-digest'})
        r = self.wpkg('push', '--plain-http', '--format', 'json', reg.host + '/app/x:v1', harness.fixture(COMPONENT))
        manifest = reg.manifests[('app/x', 'v1')][1]
        self.assertEqual(json.loads(r.stdout)['digest'], 'sha256:' + hashlib.sha256(manifest).hexdigest())
        self.push_chunked(reg, 'app/y')
        dst = self.registry(quirks={'no-digest'})
        r = self.wpkg('copy', '--plain-http', '--format', 'json', reg.host + '/app/x:v1', dst.host + '/app/z:v1')
        self.assertEqual(dst.manifests[('app/z', 'v1')][1], manifest)
        self.assertIn('sha256:' + hashlib.sha256(manifest).hexdigest(), r.stdout)

    def test_quay_mount_without_from_is_never_sent(self):
        # Quay refuses a mount without from=; one it cannot do opens an upload session (202) instead
        reg = self.registry(quirks={'mount-needs-from'})
        wasm = read(harness.fixture(COMPONENT))
        reg.push_artifact('app/src', 'v1', wasm)
        self.wpkg('push', '--plain-http', '--mount-from', 'app/src', reg.host + '/app/dst:v1',
                  harness.fixture(COMPONENT))
        self.wpkg('copy', '--plain-http', reg.host + '/app/src:v1', reg.host + '/app/cp:v1')
        mounts = reg.seen('POST', r'[?&]mount=')
        self.assertTrue(mounts, 'a mount was asked for')
        self.assertEqual([q.path for q in mounts if 'from=' not in q.path], [])
        for repo in ('app/dst', 'app/cp'):
            self.assertIn(('app/%s' % repo[4:], 'v1'), reg.manifests)
        self.assertEqual(reg.blobs['sha256:' + harness.sha256_file(harness.fixture(COMPONENT))], wasm)
        # the sessions a refused mount opened are not left open
        self.assertEqual(reg.uploads, {})

    # -- tokens -----------------------------------------------------------------------------------
    def bearer_ok(self, reg, repo):
        """Every request into repo that carried a token carried one granted for repo."""
        bad, carried = [], 0
        for q in reg.seen(None, r'^/v2/%s/' % repo):
            auth = q.headers.get('authorization', '')
            carried += auth.startswith('Bearer ')
            if auth.startswith('Bearer ') and not any(g[0] == repo for g in reg.tokens.get(auth[7:], ())):
                bad.append(q)
        self.assertGreater(carried, 0, 'no request into %s carried a token' % repo)
        return bad

    def test_opaque_and_jwt_tokens(self):
        wasm = read(harness.fixture(COMPONENT))
        for style in ('opaque', 'jwt'):
            with self.subTest(style=style):
                reg = self.registry(bearer=style)
                self.wpkg('push', '--plain-http', reg.host + '/app/x:v1', harness.fixture(COMPONENT))
                out = self.path('x-%s.wasm' % style)
                self.wpkg('pull', '--plain-http', '-o', out, reg.host + '/app/x:v1')
                self.assertEqual(read(out), wasm)
                toks = list(reg.tokens)
                self.assertTrue(toks)
                self.assertEqual(all(t.count('.') == (2 if style == 'jwt' else 0) for t in toks), True)
                sent = {q.headers['authorization'][7:] for q in reg.requests
                        if q.headers.get('authorization', '').startswith('Bearer ')}
                self.assertTrue(sent and sent <= set(toks), 'only tokens the realm gave, as given')

    def test_anonymous_token_not_offered_to_another_repository(self):
        # GHCR's anonymous pull token works for any public repository; a registry need not, so each scope gets
        # its own token and a 401 for a new scope is answered with a token for it
        wasm = read(harness.fixture(COMPONENT))
        for any_repo in (False, True):
            with self.subTest(any_repo=any_repo):
                reg = self.registry(bearer='opaque')
                reg.bearer_any_repo = any_repo
                reg.push_artifact('app/a', 'v1', wasm)
                reg.push_artifact('app/b', 'v1', read(harness.fixture(OTHER)))
                self.wpkg('copy', '--plain-http', reg.host + '/app/a:v1', reg.host + '/app/c:v1')
                self.assertEqual(reg.manifests[('app/c', 'v1')], reg.manifests[('app/a', 'v1')])
                self.assertEqual(self.bearer_ok(reg, 'app/c'), [])
                self.assertEqual(self.bearer_ok(reg, 'app/a'), [])
                # one process, two repositories: pull -o DIR of a and then b
                for repo in ('app/a', 'app/b'):
                    out = self.path('%s-%s.wasm' % (repo[4:], any_repo))
                    self.wpkg('pull', '--plain-http', '-o', out, '%s/%s:v1' % (reg.host, repo))
                self.assertEqual(self.bearer_ok(reg, 'app/b'), [])

    def test_401_for_a_new_scope_gets_a_new_token(self):
        # a registry that stops taking the token it accepted (revoked, or scoped narrower than it said)
        reg = self.registry(bearer='opaque')
        wasm = read(harness.fixture(COMPONENT))
        _, layer = reg.push_artifact('app/a', 'v1', wasm)
        reg.fault('GET', r'/blobs/' + layer, Status(401, {'WWW-Authenticate': 'Bearer realm="http://%s/token",'
                                                          'service="fakereg",scope="repository:app/a:pull"'
                                                          % reg.host}), times=1)
        out = self.path('a.wasm')
        self.wpkg('pull', '--plain-http', '-o', out, reg.host + '/app/a:v1')
        self.assertEqual(read(out), wasm)
        self.assertGreaterEqual(len(reg.token_requests), 2, 'asked the realm again after the 401')

    # -- referrer cycles --------------------------------------------------------------------------
    def test_referrer_cycle_is_bounded(self):
        # a registry whose referrer's referrers point back at the subject: discover and copy -r stop
        reg = self.registry(referrers_api=True)
        subject, _ = reg.push_artifact('app/x', 'v1', read(harness.fixture(COMPONENT)))
        r = self.wpkg('attach', '--plain-http', '--format', 'json', '--artifact-type', 'application/spdx+json',
                      reg.host + '/app/x:v1', harness.fixture(OTHER))
        ref = json.loads(r.stdout)['digest']
        mt, body = reg.manifests[('app/x', subject)]
        back = json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.index.v1+json',
                           'manifests': [{'mediaType': mt, 'digest': subject, 'size': len(body),
                                          'artifactType': 'application/vnd.wasm.config.v0+json'}]})
        reg.fault('GET', r'/referrers/' + ref, Status(200, {'Content-Type': 'application/vnd.oci.image.index.v1+json'},
                                                    back), times=None)
        r = self.wpkg('discover', '--plain-http', reg.host + '/app/x:v1', timeout=60)
        self.assertIn(ref, r.stdout)
        dst = self.registry(referrers_api=True)
        r = self.wpkg('copy', '-r', '--plain-http', reg.host + '/app/x:v1', dst.host + '/app/y:v1', timeout=60,
                      expect=None)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(('app/y', ref), dst.manifests)
        self.assertLessEqual(len(reg.seen('GET', r'/referrers/')), 4, 'each manifest asked about once')

    def test_gitlab_fallback_tag_answering_the_subject_is_no_index(self):
        # GitLab reads the tag sha256-HEX as the digest sha256:HEX and answers the subject itself
        reg = self.registry()
        subject, _ = reg.push_artifact('app/x', 'v1', read(harness.fixture(COMPONENT)))
        body = reg.manifests[('app/x', subject)][1]
        reg.fault('GET', r'/manifests/sha256-[0-9a-f]{64}$', Status(200, {'Content-Type': MT_MANIFEST,
                                                            'Docker-Content-Digest': subject}, body), times=None)
        r = self.wpkg('discover', '--plain-http', reg.host + '/app/x:v1')
        self.assertNotIn('\u2500', r.stdout, 'no referrer listed')
        self.assertEqual(r.stderr, '')
        # a fallback index written there could never be read back: attach says so and leaves nothing
        r = self.wpkg('attach', '--plain-http', '--artifact-type', 'application/spdx+json',
                      reg.host + '/app/x:v1', harness.fixture(OTHER), expect=EXIT_UNSUPPORTED)
        self.assertOneErrorLine(r, 'answers tag sha256-', 'with the subject itself', 'referrers API')
        self.assertEqual(reg.seen('PUT', r'/manifests/sha256-'), [])
        self.assertEqual(sorted(k[1] for k in reg.manifests if k[0] == 'app/x'), sorted([subject, 'v1']))
    def test_5xx_from_a_redirect_target_is_retried(self):
        # every registry that keeps blobs elsewhere (S3, GCS, a CDN): the storage host's 503 is passing
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry()
        storage = self.registry(storage=True, shared_blobs=reg.blobs)
        _, layer = reg.push_artifact('app/x', 'v1', wasm)
        reg.fault('GET', r'/blobs/sha256:', Redirect('http://127.0.0.1:%d/storage/{digest}' % storage.port),
                  times=None)
        storage.fault('GET', '/storage/' + layer, Status(503), times=2)
        out = self.path('x.wasm')
        self.wpkg('pull', '--plain-http', '-o', out, reg.host + '/app/x:v1')
        self.assertEqual(read(out), wasm)
        self.assertGreaterEqual(len(storage.seen('GET', '/storage/' + layer)), 3)


if __name__ == '__main__':
    harness.main()
