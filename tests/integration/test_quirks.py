"""test_quirks.py - registries' known quirks, each injected with the fake registry (issue 12, Registry quirks).

Each test plays one registry's behaviour that docker-registry does not have, and checks wpkg copes with it.
"""

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
