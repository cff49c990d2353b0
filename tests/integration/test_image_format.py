# SPDX-License-Identifier: Apache-2.0
"""test_image_format.py - `wpkg build --format image|runwasi`: container tooling reads the images, digests survive a registry, pull extracts the component."""

import gzip
import hashlib
import json
import os

import harness
from oci_raw import MT_MANIFEST
from regcase import CREATED, RegistryCase

MT_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json'
MT_TAR_GZ = 'application/vnd.oci.image.layer.v1.tar+gzip'
MT_RUNWASI = 'application/vnd.bytecodealliance.wasm.component.layer.v0+wasm'
COMPONENT = 'components/hello-c.component.wasm'
MODULE = 'modules/hello-c.core.wasm'
EPOCH = '1700000000'


class ImageFormatTests(RegistryCase, harness.TestCase):

    def build(self, fmt, rel, out, tag='v1', epoch=EPOCH, extra=()):
        """wpkg build --format FMT; checks that the layer temporary is gone and returns (layout, raw, manifest)."""
        tmpdir = self.path('tmp-' + os.path.basename(out))
        os.makedirs(tmpdir, exist_ok=True)
        r = self.wpkg('build', '--format', fmt, *extra, '-o', out + ':' + tag, harness.fixture(rel),
                      env={'SOURCE_DATE_EPOCH': epoch, 'TMPDIR': tmpdir})
        lay = harness.Layout(out)
        desc, raw, manifest = lay.manifest(tag)
        self.assertEqual(r.stdout.strip(), 'sha256:' + hashlib.sha256(raw).hexdigest())
        self.assertEqual(desc['mediaType'], MT_MANIFEST)
        self.assertEqual(os.listdir(tmpdir), [], 'the tar.gz temporary is deleted')
        self.assertNoTempFiles(out)
        harness.validate_schema(raw, 'manifest')
        for d in [manifest['config']] + manifest['layers']:
            self.assertEqual('sha256:' + harness.sha256_file(lay.blob_path(d['digest'])), d['digest'])
            self.assertEqual(os.path.getsize(lay.blob_path(d['digest'])), d['size'])
        return lay, raw, manifest

    def config(self, lay, manifest):
        self.assertEqual(manifest['config']['mediaType'], MT_IMAGE_CONFIG)
        raw = lay.blob(manifest['config']['digest'])
        harness.validate_schema(raw, 'image-config')
        return json.loads(raw.decode('utf-8'))

    def check_image(self, rel, os_name):
        out = self.path('img')
        lay, raw, manifest = self.build('image', rel, out, extra=('--author', 'Ann'))
        name = os.path.basename(rel)
        self.assertEqual(manifest['mediaType'], MT_MANIFEST)
        self.assertEqual(manifest['annotations'], {'module.wasm.image/variant': 'compat-smart',
                                                   'org.opencontainers.image.created': CREATED})
        self.assertEqual([l['mediaType'] for l in manifest['layers']], [MT_TAR_GZ])
        self.assertNotIn('annotations', manifest['layers'][0])
        conf = self.config(lay, manifest)
        layer = lay.blob(manifest['layers'][0]['digest'])
        self.assertEqual(list(conf), ['created', 'author', 'architecture', 'os', 'config', 'rootfs', 'history'])
        self.assertEqual((conf['created'], conf['author'], conf['architecture'], conf['os']),
                         (CREATED, 'Ann', 'wasm', os_name))
        self.assertEqual(conf['config'], {'Entrypoint': ['/' + name],
                                          'Labels': {'module.wasm.image/variant': 'compat-smart'}})
        # diff_id: the digest of the tar inside the gzip stream
        self.assertEqual(conf['rootfs'], {'type': 'layers',
                                          'diff_ids': ['sha256:' + hashlib.sha256(gzip.decompress(layer)).hexdigest()]})
        self.assertEqual(layer[4:8], b'\0\0\0\0', 'no gzip timestamp')

        # umoci reads it as an image (raw unpack: its runtime config step refuses os wasi*)
        rootfs = self.path('rootfs')
        self.run_cmd(['umoci', 'raw', 'unpack', '--rootless', '--image', out + ':v1', rootfs])
        self.assertEqual(sorted(os.listdir(rootfs)), [name])
        self.assertEqual(harness.sha256_file(os.path.join(rootfs, name)), harness.sha256_file(harness.fixture(rel)))

    def test_image_component_umoci(self):
        self.check_image(COMPONENT, 'wasip2')

    def test_image_module_umoci(self):
        self.check_image(MODULE, 'wasip1')

    def test_image_reproducible(self):
        a = self.build('image', COMPONENT, self.path('a'))
        b = self.build('image', COMPONENT, self.path('b'))
        c = self.build('image', COMPONENT, self.path('c'), epoch='1700000001')
        self.assertEqual(a[1], b[1], 'same SOURCE_DATE_EPOCH: same manifest bytes')
        blobs = sorted(os.listdir(self.path('a', 'blobs', 'sha256')))
        self.assertEqual(blobs, sorted(os.listdir(self.path('b', 'blobs', 'sha256'))))
        self.assertNotEqual(a[2]['layers'][0]['digest'], c[2]['layers'][0]['digest'])

    def test_runwasi_layout(self):
        for rel, os_name in ((COMPONENT, 'wasip2'), (MODULE, 'wasip1')):
            src = harness.fixture(rel)
            lay, raw, manifest = self.build('runwasi', rel, self.path('rw-' + os_name))
            layer = manifest['layers'][0]
            self.assertEqual(manifest['layers'], [{'mediaType': MT_RUNWASI, 'digest': 'sha256:' + harness.sha256_file(src),
                                                   'size': os.path.getsize(src)}])
            self.assertEqual(manifest['annotations'], {'org.opencontainers.image.created': CREATED})
            conf = self.config(lay, manifest)
            label = hashlib.sha256(layer['digest'][7:].encode()).hexdigest()
            self.assertEqual(conf, {'created': CREATED, 'architecture': 'wasm', 'os': os_name,
                                    'config': {'Entrypoint': [os.path.basename(rel)],
                                               'Labels': {'containerd.runwasi.layers': label}},
                                    'rootfs': {'type': 'layers', 'diff_ids': []}})

    def skopeo(self, *args):
        return self.run_cmd(['skopeo'] + list(args), timeout=120)

    def roundtrip(self, fmt, rel, repo):
        """Layout -> registry -> layout with skopeo: the same manifest and blobs; then wpkg pull gets the file back."""
        out = self.path('lay-' + fmt)
        lay, raw, manifest = self.build(fmt, rel, out)
        digest = 'sha256:' + hashlib.sha256(raw).hexdigest()
        ref = 'docker://%s/%s:v1' % (self.reg.host, repo)
        self.skopeo('copy', '--preserve-digests', *self.reg.skopeo_flags(dest=True), 'oci:%s:v1' % out, ref)
        status, headers, body = self.reg.raw_get('/v2/%s/manifests/v1' % repo, {'Accept': MT_MANIFEST})
        self.assertEqual(status, 200, body)
        self.assertEqual(body, raw)
        self.assertEqual(headers['Docker-Content-Digest'], digest)
        conf = json.loads(self.skopeo('inspect', '--raw', '--config', *self.reg.skopeo_flags(dest=None), ref).stdout)
        self.assertEqual((conf['os'], conf['architecture']), ('wasip2', 'wasm'))
        back = self.path('back-' + fmt)
        self.skopeo('copy', '--preserve-digests', *self.reg.skopeo_flags(dest=False), ref, 'oci:%s:v1' % back)
        back_lay = harness.Layout(back)
        self.assertEqual(back_lay.manifest('v1')[1], raw)
        for d in [manifest['config']] + manifest['layers']:
            self.assertEqual(back_lay.blob(d['digest']), lay.blob(d['digest']))

        pulled = self.path('pulled.wasm')
        self.wpkg('pull', *self.reg.flags, '-o', pulled, '%s/%s:v1' % (self.reg.host, repo))
        self.assertEqual(harness.sha256_file(pulled), harness.sha256_file(harness.fixture(rel)))
        self.assertNoTempFiles(self.tmp)

    def test_image_registry_roundtrip_and_pull(self):
        self.roundtrip('image', COMPONENT, 'img/hello')

    def test_runwasi_registry_roundtrip_and_pull(self):
        self.roundtrip('runwasi', COMPONENT, 'rw/hello')

    def test_push_equals_build_and_pulls_back(self):
        for fmt in ('image', 'runwasi'):
            src = harness.fixture(MODULE)
            lay, raw, manifest = self.build(fmt, MODULE, self.path('built-' + fmt))
            tmpdir = self.path('push-tmp-' + fmt)
            os.makedirs(tmpdir)
            ref = '%s/push/%s:v1' % (self.reg.host, fmt)
            r = self.wpkg('push', '--format', fmt, *self.reg.flags, ref, src,
                          env={'SOURCE_DATE_EPOCH': EPOCH, 'TMPDIR': tmpdir})
            # push packages exactly as build does
            self.assertEqual(r.stdout.strip(), 'sha256:' + hashlib.sha256(raw).hexdigest())
            self.assertEqual(os.listdir(tmpdir), [])
            status, _, body = self.reg.raw_get('/v2/push/%s/manifests/v1' % fmt, {'Accept': MT_MANIFEST})
            self.assertEqual((status, body), (200, raw))
            for d in [manifest['config']] + manifest['layers']:
                status, _, body = self.reg.raw_get('/v2/push/%s/blobs/%s' % (fmt, d['digest']))
                self.assertEqual((status, body), (200, lay.blob(d['digest'])))
            pulled = self.path('pulled-%s.wasm' % fmt)
            self.wpkg('pull', *self.reg.flags, '-o', pulled, ref)
            self.assertEqual(harness.sha256_file(pulled), harness.sha256_file(src))

    def test_bad_format(self):
        r = self.wpkg('build', '--format', 'docker', '-o', self.path('x') + ':v1', harness.fixture(COMPONENT),
                      expect=None)
        self.assertIn(r.returncode, (2, 3))
        self.assertIn('unknown package format "docker": expected wasm, image or runwasi', r.stderr)
        self.assertFalse(os.path.exists(self.path('x')))


harness.main()
