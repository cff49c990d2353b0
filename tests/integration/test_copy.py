# SPDX-License-Identifier: Apache-2.0
"""test_copy.py - wpkg copy: between registries (plain, basic, TLS), mounts, indexes, transports, referrers."""

import json

import harness
import oci_raw
from registry import Registry
from regcase import EPOCH, read

COMPONENT = 'components/hello-c.component.wasm'
MODULE = 'modules/hello-c.core.wasm'
PLAIN = ['--src-plain-http', '--dest-plain-http']


class CopyTests(harness.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.regs = []
        try:
            for variant in ('plain', 'basic', 'tls'):
                reg = Registry(variant)
                reg.start()
                cls.regs.append(reg)
        except Exception:
            cls.tearDownClass()
            raise
        cls.plain, cls.basic, cls.tls = cls.regs

    @classmethod
    def tearDownClass(cls):
        for reg in cls.regs:
            reg.stop()

    def repo(self, suffix):
        return 'copy/%s/%s' % (self._testMethodName.lower().replace('_', '-'), suffix)

    def creds(self, reg):
        return '%s:%s' % (reg.username, reg.password)

    def run_wpkg(self, *args, **kw):
        return self.wpkg(*args, env=dict(EPOCH), **kw)

    def copy(self, *args, expect=0):
        r = self.run_wpkg('copy', '--json', *args, expect=expect)
        return json.loads(r.stdout) if expect == 0 else r

    def push(self, ref, rel=COMPONENT):
        return json.loads(self.run_wpkg('push', '--json', '--plain-http', ref, harness.fixture(rel)).stdout)

    def manifest_digest(self, reg, repo, reference):
        status, _, body = oci_raw.get_manifest(reg, repo, reference)
        self.assertEqual(status, 200, body)
        return oci_raw.digest(body)

    def test_between_registries_with_auth(self):
        a, b, c = self.repo('a'), self.repo('b'), self.repo('c')
        pushed = self.push('%s/%s:v1' % (self.plain.host, a))
        # plain -> basic: the destination needs credentials
        res = self.copy(*PLAIN, '--dest-creds', self.creds(self.basic), '%s/%s:v1' % (self.plain.host, a),
                        '%s/%s' % (self.basic.host, b))
        self.assertEqual(res['digest'], pushed['digest'])
        self.assertEqual(res['blobs'], {'copied': 2, 'skipped': 0, 'mounted': 0})
        self.assertEqual(res['manifests'], 1)
        # no tag on DST: SRC's
        self.assertEqual(self.manifest_digest(self.basic, b, 'v1'), pushed['digest'])
        # without credentials the destination refuses
        r = self.copy(*PLAIN, '%s/%s:v1' % (self.plain.host, a), '%s/%s:v1' % (self.basic.host, c), expect=5)
        self.assertTrue(r.stderr.startswith('wpkg: error: copy %s/%s:v1 to %s/%s:v1: ' % (
            self.plain.host, a, self.basic.host, c)), r.stderr)
        # and back: basic -> plain under a new tag, digests unchanged, the bytes pulled identical
        res = self.copy(*PLAIN, '--src-creds', self.creds(self.basic), '%s/%s:v1' % (self.basic.host, b),
                        '%s/%s:v2' % (self.plain.host, c))
        self.assertEqual(res['digest'], pushed['digest'])
        self.assertEqual(self.manifest_digest(self.plain, c, 'v2'), pushed['digest'])
        self.run_wpkg('pull', '--plain-http', '-o', self.path('back.wasm'), '%s/%s:v2' % (self.plain.host, c))
        self.assertEqual(read(self.path('back.wasm')), read(harness.fixture(COMPONENT)))

    def test_per_side_tls(self):
        a = self.repo('a')
        pushed = self.push('%s/%s:v1' % (self.plain.host, a))
        src, dst = '%s/%s:v1' % (self.plain.host, a), '%s/%s:v1' % (self.tls.host, a)
        # the shared --plain-http would apply to the TLS side too; per-side flags keep them apart
        r = self.copy('--src-plain-http', src, dst, expect=7)
        self.assertTrue(r.stderr.startswith('wpkg: error: copy %s to %s: ' % (src, dst)), r.stderr)
        res = self.copy('--src-plain-http', '--dest-ca-file', self.tls.ca_file, src, dst)
        self.assertEqual(res['digest'], pushed['digest'])
        self.assertEqual(self.manifest_digest(self.tls, a, 'v1'), pushed['digest'])
        res = self.copy('--dest-plain-http', '--src-ca-file', self.tls.ca_file, dst,
                        '%s/%s:v2' % (self.plain.host, a))
        self.assertEqual(res['blobs'], {'copied': 0, 'skipped': 2, 'mounted': 0})

    def test_within_registry_mounts(self):
        a, b = self.repo('a'), self.repo('b')
        pushed = self.push('%s/%s:v1' % (self.plain.host, a))
        src, dst = '%s/%s:v1' % (self.plain.host, a), '%s/%s:v1' % (self.plain.host, b)
        res = self.copy(*PLAIN, src, dst)
        self.assertEqual(res['blobs'], {'copied': 0, 'skipped': 0, 'mounted': 2})
        self.assertEqual(res['bytes']['mounted'], sum(d['size'] for d in [pushed['config']] + pushed['layers']))
        self.assertEqual(self.manifest_digest(self.plain, b, 'v1'), pushed['digest'])
        # the registry saw mounts, not uploads, into b
        with open(self.plain.log_path, errors='replace') as f:
            log = f.read()
        self.assertIn('/v2/%s/blobs/uploads/?' % b, log)
        self.assertIn('mount=', log)
        res = self.copy(*PLAIN, src, dst)
        self.assertEqual(res['blobs'], {'copied': 0, 'skipped': 2, 'mounted': 0})

    def test_index_with_children(self):
        repo = self.repo('multi')
        host = self.plain.host
        comp = self.push('%s/%s:comp' % (host, repo))
        mod = self.push('%s/%s:mod' % (host, repo), MODULE)
        index = oci_raw.compact({
            'schemaVersion': 2, 'mediaType': oci_raw.MT_INDEX,
            'manifests': [
                {'mediaType': oci_raw.MT_MANIFEST, 'digest': comp['digest'], 'size': comp['size'],
                 'platform': {'architecture': 'wasm', 'os': 'wasip2'}},
                {'mediaType': oci_raw.MT_MANIFEST, 'digest': mod['digest'], 'size': mod['size'],
                 'platform': {'architecture': 'wasm', 'os': 'wasip1'}},
            ]})
        idx = oci_raw.push_manifest(self.plain, repo, 'idx', index, oci_raw.MT_INDEX)
        dst = self.repo('copied')
        res = self.copy(*PLAIN, '--dest-creds', self.creds(self.basic), '%s/%s:idx' % (host, repo),
                        '%s/%s:idx' % (self.basic.host, dst))
        self.assertEqual(res['digest'], idx)
        self.assertEqual(res['mediaType'], oci_raw.MT_INDEX)
        self.assertEqual(res['manifests'], 3)
        self.assertEqual(res['blobs']['copied'], 4)
        status, ctype, body = oci_raw.get_manifest(self.basic, dst, 'idx')
        self.assertEqual((status, ctype, body), (200, oci_raw.MT_INDEX, index))
        for child in (comp, mod):
            self.assertEqual(self.manifest_digest(self.basic, dst, child['digest']), child['digest'])
            for layer in child['layers']:
                self.assertEqual(oci_raw.digest(oci_raw.get_blob(self.basic, dst, layer['digest'])),
                                 layer['digest'])
        # an index into an archive: the children are found by digest though only the index is tagged
        archive = self.path('idx.tar')
        self.copy('--src-plain-http', '%s/%s:idx' % (host, repo), 'oci-archive:' + archive)
        self.assertEqual(self.run_wpkg('tags', 'oci-archive:' + archive).stdout, 'idx\n')
        pulled = json.loads(self.run_wpkg('pull', '--json', '--platform', 'wasip1/wasm', '-o', self.path('m.wasm'),
                                          'oci-archive:%s:idx' % archive).stdout)
        self.assertEqual(pulled['digest'], mod['digest'])
        self.assertEqual(read(self.path('m.wasm')), read(harness.fixture(MODULE)))

    def test_round_trip_through_archive_and_layout(self):
        a, b = self.repo('a'), self.repo('b')
        host = self.plain.host
        pushed = self.push('%s/%s:v1' % (host, a))
        archive, layout = self.path('rt.tar'), self.path('rt-layout')
        steps = [('%s/%s:v1' % (host, a), 'oci-archive:%s:v1' % archive),
                 ('oci-archive:%s:v1' % archive, 'oci-layout:%s:v1' % layout),
                 ('oci-layout:%s:v1' % layout, '%s/%s:v1' % (host, b))]
        for src, dst in steps:
            with self.subTest(src=src, dst=dst):
                res = self.copy(*PLAIN, src, dst)
                self.assertEqual(res['digest'], pushed['digest'])
                self.assertEqual(res['blobs']['copied'], 2)
        self.assertEqual(harness.Layout(layout).resolve('v1')['digest'], pushed['digest'])
        self.assertEqual(self.manifest_digest(self.plain, b, 'v1'), pushed['digest'])
        # by digest with no destination tag: stored untagged
        res = self.copy('oci-archive:%s@%s' % (archive, pushed['digest']), 'oci-layout:' + self.path('untagged'))
        entries = harness.Layout(self.path('untagged')).index['manifests']
        self.assertEqual([(e['digest'], e.get('annotations')) for e in entries], [(pushed['digest'], None)])
        self.assertNoTempFiles(self.tmp)

    def test_recursive_copies_referrers(self):
        a, b = self.repo('a'), self.repo('b')
        host = self.plain.host
        pushed = self.push('%s/%s:v1' % (host, a))
        with open(self.path('sbom.spdx.json'), 'w') as f:
            f.write('{"spdxVersion": "SPDX-2.3"}')
        att = json.loads(self.run_wpkg('attach', '--json', '--plain-http', '--artifact-type',
                                       'application/vnd.example.sbom', '%s/%s:v1' % (host, a),
                                       self.path('sbom.spdx.json')).stdout)
        art = att['digest']
        # without --recursive only the artifact goes
        res = self.copy(*PLAIN, '--dest-creds', self.creds(self.basic), '%s/%s:v1' % (host, a),
                        '%s/%s:plain' % (self.basic.host, b))
        self.assertEqual(res['referrers'], 0)
        res = self.copy(*PLAIN, '--recursive', '--dest-creds', self.creds(self.basic), '%s/%s:v1' % (host, a),
                        '%s/%s:v1' % (self.basic.host, b))
        self.assertEqual(res['referrers'], 1)
        self.assertEqual(res['manifests'], 2)
        found = json.loads(self.run_wpkg('discover', '--json', '--plain-http', '-u', self.basic.username,
                                         '--password-stdin', '%s/%s:v1' % (self.basic.host, b),
                                         input=self.basic.password + '\n').stdout)
        self.assertEqual([m['digest'] for m in found], [art])
        # into a layout: the referrer is an untagged index.json entry, and copying it on finds it again
        layout = self.path('ref-layout')
        res = self.copy('--src-plain-http', '--recursive', '%s/%s:v1' % (host, a), 'oci-layout:%s:v1' % layout)
        self.assertEqual(res['referrers'], 1)
        digests = [e['digest'] for e in harness.Layout(layout).index['manifests']]
        self.assertEqual(digests, [pushed['digest'], art])
        c = self.repo('c')
        res = self.copy('--dest-plain-http', '--recursive', 'oci-layout:%s:v1' % layout, '%s/%s:v1' % (host, c))
        self.assertEqual(res['referrers'], 1)
        found = json.loads(self.run_wpkg('discover', '--json', '--plain-http', '%s/%s:v1' % (host, c)).stdout)
        self.assertEqual([m['digest'] for m in found], [art])

    def test_usage_errors(self):
        r = self.run_wpkg('copy', 'oci-layout:' + self.path('x'), expect=2)
        self.assertIn('expected SRC and DST, got 1 argument', r.stderr)
        r = self.run_wpkg('copy', 'oci-layout:%s:v1' % self.path('x'), 'oci-layout:%s@sha256:%s' % (
            self.path('y'), 'a' * 64), expect=2)
        self.assertIn('the destination takes a tag, not a digest', r.stderr)
        r = self.run_wpkg('copy', '--src-creds', 'nocolon', 'oci-layout:%s:v1' % self.path('x'),
                          'oci-layout:' + self.path('y'), expect=2)
        self.assertIn('--src-creds: expected USER:PASS', r.stderr)
        r = self.run_wpkg('copy', 'oci-layout:%s:v1' % self.path('x'), 'oci-layout:' + self.path('y'), expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: copy oci-layout:%s:v1: %s: no such directory\n'
                         % (self.path('x'), self.path('x')))


harness.main()
