# SPDX-License-Identifier: Apache-2.0
"""test_interop.py - wpkg against peers: skopeo reads what wpkg pushes, wpkg reads what rust-oci-wasm would write."""

import json
import os

import harness
import oci_raw
from regcase import EPOCH, RegistryCase, read

class InteropTests(RegistryCase, harness.TestCase):

    def ref(self, repo, tag):
        return RegistryCase.ref(self, repo, tag)

    def skopeo(self, *args):
        return self.run_cmd(['skopeo', '--insecure-policy', *args], timeout=300)

    def pull(self, ref, *extra):
        r = self.wpkg('pull', '--json', *self.reg.flags, *extra, ref)
        return json.loads(r.stdout)

    def test_skopeo_copies_wpkg_push(self):
        src = harness.fixture('components/hello-c.component.wasm')
        r = self.wpkg('push', '--json', *self.reg.flags, self.ref('interop/from-wpkg', 'v1'), src, env=EPOCH)
        pushed = json.loads(r.stdout)
        self.skopeo('copy', *self.reg.skopeo_flags(dest=False), 'docker://' + self.ref('interop/from-wpkg', 'v1'),
                    'oci:%s:v1' % self.path('copy'))
        layout = harness.Layout(self.path('copy'))
        desc, raw, manifest = layout.manifest('v1')
        self.assertEqual(desc['digest'], pushed['digest'])
        self.assertEqual(oci_raw.digest(raw), pushed['digest'])
        self.assertEqual(manifest['config']['digest'], pushed['config']['digest'])
        self.assertEqual(manifest['layers'][0]['digest'], pushed['layers'][0]['digest'])
        self.assertEqual(layout.blob(manifest['layers'][0]['digest']), read(src))
        config = layout.blob(manifest['config']['digest'])
        self.assertEqual(oci_raw.digest(config), pushed['config']['digest'])
        harness.validate_schema(raw, 'manifest')
        # skopeo's raw view of the registry agrees byte for byte
        r = self.skopeo('inspect', '--raw', *self.reg.skopeo_flags(dest=None),
                        'docker://' + self.ref('interop/from-wpkg', 'v1'))
        self.assertEqual(r.stdout.encode(), raw)

    def _rust_layout(self, wasm, os_name, exports, imports):
        """An OCI layout holding the artifact exactly as rust-oci-wasm writes it, tagged v1."""
        config = oci_raw.rust_oci_wasm_config(wasm, os_name, exports, imports)
        manifest = oci_raw.rust_oci_wasm_manifest(config, wasm)
        d = self.path('rust-layout')
        os.makedirs(os.path.join(d, 'blobs', 'sha256'))
        for blob in (wasm, config, manifest):
            with open(os.path.join(d, 'blobs', 'sha256', oci_raw.digest(blob)[7:]), 'wb') as f:
                f.write(blob)
        with open(os.path.join(d, 'oci-layout'), 'w') as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')
        desc = oci_raw.descriptor(oci_raw.MT_MANIFEST, manifest, {'org.opencontainers.image.ref.name': 'v1'})
        with open(os.path.join(d, 'index.json'), 'wb') as f:
            f.write(oci_raw.compact({'schemaVersion': 2, 'manifests': [desc]}))
        return d, config, manifest

    def test_rust_oci_wasm_artifact_pulled(self):
        src = harness.fixture('components/composed-wat.component.wasm')
        wasm = read(src)
        with open(harness.fixture('expected.json')) as f:
            want = next(fx['expected_config'] for fx in json.load(f)['fixtures']
                        if fx['file'] == 'components/composed-wat.component.wasm')
        layout, config, manifest = self._rust_layout(wasm, 'wasip2', want['exports'], want['imports'])
        # the hand-made bytes are what rust-oci-wasm's serde output looks like
        self.assertTrue(config.startswith(b'{"created":"2024-05-06T07:08:09.123456789Z","author":null,'
                                          b'"architecture":"wasm","os":"wasip2","layerDigests":["sha256:'))
        self.assertTrue(manifest.startswith(b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest'))
        self.skopeo('copy', *self.reg.skopeo_flags(dest=True), 'oci:%s:v1' % layout,
                    'docker://' + self.ref('interop/from-rust', 'v1'))
        _, _, stored = oci_raw.get_manifest(self.reg, 'interop/from-rust', 'v1')
        self.assertEqual(stored, manifest)
        pulled = self.pull(self.ref('interop/from-rust', 'v1'), '-o', self.path('rust.wasm'))
        self.assertEqual(read(self.path('rust.wasm')), wasm)
        self.assertEqual(pulled['digest'], oci_raw.digest(manifest))
        self.assertEqual(pulled['os'], 'wasip2')
        self.assertEqual(pulled['imports'], want['imports'])
        self.assertEqual(pulled['exports'], want['exports'])
        # wpkg packages the same file into the same layer and the same kind of config
        r = self.wpkg('push', '--json', *self.reg.flags, self.ref('interop/from-wpkg-too', 'v1'), src, env=EPOCH)
        self.assertEqual(json.loads(r.stdout)['layers'][0]['digest'], oci_raw.digest(wasm))

    def test_index_is_followed(self):
        comp = read(harness.fixture('components/composed-wat.component.wasm'))
        mod = read(harness.fixture('modules/hello-c.core.wasm'))
        repo = 'interop/index'
        artifacts = {}
        for name, wasm, os_name in (('comp', comp, 'wasip2'), ('mod', mod, 'wasip1')):
            config = oci_raw.rust_oci_wasm_config(wasm, os_name, [], [])
            manifest = oci_raw.rust_oci_wasm_manifest(config, wasm)
            oci_raw.push_artifact(self.reg, repo, name, wasm, config, manifest)
            artifacts[name] = manifest
        index = oci_raw.compact({
            'schemaVersion': 2, 'mediaType': oci_raw.MT_INDEX,
            'manifests': [
                oci_raw.descriptor(oci_raw.MT_MANIFEST, artifacts['mod'], platform={'architecture': 'amd64',
                                                                                    'os': 'linux'}),
                oci_raw.descriptor(oci_raw.MT_MANIFEST, artifacts['comp'], platform={'architecture': 'wasm',
                                                                                     'os': 'wasip2'}),
            ]})
        oci_raw.push_manifest(self.reg, repo, 'multi', index, oci_raw.MT_INDEX)
        harness.validate_schema(index, 'index')
        # default: the first Wasm entry
        pulled = self.pull(self.ref(repo, 'multi'), '-o', self.path('a.wasm'))
        self.assertEqual(read(self.path('a.wasm')), comp)
        self.assertEqual(pulled['digest'], oci_raw.digest(artifacts['comp']))
        # --platform picks by os/architecture
        pulled = self.pull(self.ref(repo, 'multi'), '--platform', 'linux/amd64', '-o', self.path('b.wasm'))
        self.assertEqual(read(self.path('b.wasm')), mod)
        self.assertEqual(pulled['os'], 'wasip1')
        # by the index's digest too
        pulled = self.pull('%s/%s@%s' % (self.reg.host, repo, oci_raw.digest(index)), '-o', self.path('c.wasm'))
        self.assertEqual(read(self.path('c.wasm')), comp)
        r = self.wpkg('pull', *self.reg.flags, '--platform', 'windows/arm64', '-o', self.path('d.wasm'),
                      self.ref(repo, 'multi'), expect=4)
        self.assertIn('index %s: no entry for platform windows/arm64' % oci_raw.digest(index), r.stderr)
        self.assertFalse(os.path.exists(self.path('d.wasm')))
        r = self.wpkg('pull', *self.reg.flags, '--platform', '/wasm', self.ref(repo, 'multi'), expect=3)
        self.assertIn('invalid platform "/wasm": expected OS/ARCH or OS', r.stderr)


if __name__ == '__main__':
    harness.main()
