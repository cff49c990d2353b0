# SPDX-License-Identifier: Apache-2.0
"""test_skopeo_layout.py - a layout written by `wpkg build`, copied into docker-registry by skopeo, keeps every byte and digest."""

import hashlib
import os

import harness
from registry import Registry

OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
COMPONENT = 'components/hello-c.component.wasm'
MODULE = 'modules/hello-c.core.wasm'


class SkopeoLayoutTests(harness.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.regs = {}
        try:
            for v in ('plain', 'basic', 'tls', 'token'):
                cls.regs[v] = Registry(v).start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        errors = []
        for r in cls.regs.values():
            try:
                r.stop()
            except Exception as e:  # stop them all, then report
                errors.append(e)
        if errors:
            raise errors[0]

    def build(self, rel, tag='v1'):
        """wpkg build -o LAYOUT:TAG FILE; checks the printed digest, the documents, schemas and blobs."""
        src = harness.fixture(rel)
        out = self.path('layout-' + os.path.basename(rel))
        r = self.wpkg('build', '-o', out + ':' + tag, src)
        lay = harness.Layout(out)
        desc, raw, manifest = lay.manifest(tag)
        digest = 'sha256:' + hashlib.sha256(raw).hexdigest()
        self.assertEqual(r.stdout.strip(), digest, 'build prints the manifest digest')
        self.assertEqual(desc['digest'], digest)
        self.assertEqual(desc['size'], len(raw))
        self.assertEqual(desc['mediaType'], OCI_MANIFEST)
        self.assertEqual(manifest['mediaType'], OCI_MANIFEST)
        self.assertEqual(manifest['config']['mediaType'], 'application/vnd.wasm.config.v0+json')
        self.assertEqual([l['mediaType'] for l in manifest['layers']], ['application/wasm'])
        layer = manifest['layers'][0]
        self.assertEqual(layer['digest'], 'sha256:' + harness.sha256_file(src))
        self.assertEqual(layer['size'], os.path.getsize(src))
        # Every document wpkg wrote validates against its schema; every blob matches its name.
        with open(os.path.join(out, 'oci-layout'), 'rb') as f:
            harness.validate_schema(f.read(), 'oci-layout')
        harness.validate_schema(lay.index, 'index')
        harness.validate_schema(raw, 'manifest')
        harness.validate_schema(lay.blob(manifest['config']['digest']), 'wasm-config')
        for d in [manifest['config']] + manifest['layers']:
            self.assertEqual('sha256:' + harness.sha256_file(lay.blob_path(d['digest'])), d['digest'])
            self.assertEqual(os.path.getsize(lay.blob_path(d['digest'])), d['size'])
        self.assertNoTempFiles(out)
        return lay, raw, manifest, digest

    def skopeo(self, *args):
        return self.run_cmd(['skopeo'] + list(args), timeout=120)

    def roundtrip(self, variant, rel, repo):
        reg = self.regs[variant]
        lay, raw, manifest, digest = self.build(rel)
        ref = 'docker://%s/%s:v1' % (reg.host, repo)
        self.skopeo('copy', *reg.skopeo_flags(dest=True), 'oci:%s:v1' % lay.path, ref)

        # The registry serves the very bytes wpkg wrote, under the same digest.
        for path in ('/v2/%s/manifests/v1' % repo, '/v2/%s/manifests/%s' % (repo, digest)):
            status, headers, body = reg.raw_get(path, {'Accept': OCI_MANIFEST})
            self.assertEqual(status, 200, body)
            self.assertEqual(body, raw)
            self.assertEqual(headers['Docker-Content-Digest'], digest)
            self.assertEqual(headers['Content-Type'], OCI_MANIFEST)
        for d in [manifest['config']] + manifest['layers']:
            status, headers, body = reg.raw_get('/v2/%s/blobs/%s' % (repo, d['digest']))
            self.assertEqual(status, 200)
            self.assertEqual(body, lay.blob(d['digest']))
            self.assertEqual(headers['Docker-Content-Digest'], d['digest'])
        r = self.skopeo('inspect', '--raw', *reg.skopeo_flags(dest=None), ref)
        self.assertEqual(r.stdout.encode(), raw)

        # And back into a fresh layout: identical digests and blobs.
        back = self.path('back')
        self.skopeo('copy', *reg.skopeo_flags(dest=False), ref, 'oci:%s:v1' % back)
        lay2 = harness.Layout(back)
        desc2, raw2, manifest2 = lay2.manifest('v1')
        self.assertEqual(desc2['digest'], digest)
        self.assertEqual(raw2, raw)
        for d in [manifest['config']] + manifest['layers']:
            self.assertEqual(lay2.blob(d['digest']), lay.blob(d['digest']))
        return reg

    def test_component_plain(self):
        self.roundtrip('plain', COMPONENT, 'demo/hello-c')

    def test_module_plain(self):
        self.roundtrip('plain', MODULE, 'demo/hello-core')

    def test_component_basic(self):
        self.roundtrip('basic', COMPONENT, 'demo/hello-c')

    def test_module_basic(self):
        self.roundtrip('basic', MODULE, 'demo/hello-core')

    def test_component_tls(self):
        self.roundtrip('tls', COMPONENT, 'demo/hello-c')

    def test_component_token(self):
        reg = self.regs['token']
        reg.clear_token_requests()
        self.roundtrip('token', COMPONENT, 'demo/hello-c')
        # skopeo asked for push access with the account and Basic credentials, and got it.
        pushes = [r for r in reg.token_requests if 'repository:demo/hello-c:pull,push' in r['scopes']]
        self.assertTrue(pushes, reg.token_requests)
        self.assertTrue(all(r['authorization'] and r['status'] == 200 for r in pushes))
        self.assertEqual(pushes[0]['params']['account'], [reg.username])


if __name__ == '__main__':
    harness.main()
