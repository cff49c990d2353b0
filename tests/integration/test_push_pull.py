# SPDX-License-Identifier: Apache-2.0
"""test_push_pull.py - wpkg push/pull/tags/tag/delete against a real docker-registry, plain HTTP and TLS."""

import json
import os
import re

import harness
import oci_raw
from faultreg import FaultRegistry
from regcase import RegistryCase, read

# (fixture, os) pairs that must survive a round trip byte for byte
ROUND_TRIPS = [
    ('components/composed-wat.component.wasm', 'wasip2'),
    ('components/hello-c.component.wasm', 'wasip2'),
    ('components/greeter-plugged.composed.wasm', 'wasip2'),
    ('modules/hello-c.core.wasm', 'wasip1'),
    ('components/empty.component.wasm', 'wasip2'),
]


def expected_config(rel):
    """os/imports/exports the packer must record for a fixture (tests/fixtures/expected.json)."""
    with open(harness.fixture('expected.json')) as f:
        for fx in json.load(f)['fixtures']:
            if fx['file'] == rel:
                return fx['expected_config']
    raise KeyError(rel)


class TransferTests(RegistryCase):
    """The tests every transport variant runs; subclasses set VARIANT."""

    # -- helpers -------------------------------------------------------------
    def push(self, ref, path, *extra, expect=0):
        r = self.run_wpkg('push', '--json', *self.reg.flags, *extra, ref, path, expect=expect)
        return json.loads(r.stdout) if expect == 0 else r

    def pull(self, ref, *extra, expect=0, cwd=None):
        r = self.run_wpkg('pull', '--json', *self.reg.flags, *extra, ref, expect=expect, cwd=cwd)
        return json.loads(r.stdout) if expect == 0 else r

    def manifest(self, repo, reference):
        status, ctype, body = oci_raw.get_manifest(self.reg, repo, reference)
        self.assertEqual(status, 200, body)
        return ctype, body

    # -- round trips ---------------------------------------------------------
    def test_round_trip_fixtures(self):
        for rel, os_name in ROUND_TRIPS:
            with self.subTest(fixture=rel):
                src = harness.fixture(rel)
                base = os.path.basename(rel).replace('.', '-').lower()
                repo = self.repo(base)
                pushed = self.push(self.ref(repo, 'v1'), src)
                ctype, body = self.manifest(repo, 'v1')
                # the digest printed is the digest of the bytes the registry holds
                self.assertEqual(pushed['digest'], oci_raw.digest(body))
                self.assertEqual(pushed['size'], len(body))
                self.assertEqual(ctype, oci_raw.MT_MANIFEST)
                harness.validate_schema(body, 'manifest')
                doc = json.loads(body)
                self.assertEqual(doc['config']['mediaType'], oci_raw.MT_WASM_CONFIG)
                self.assertEqual(len(doc['layers']), 1)
                layer = doc['layers'][0]
                self.assertEqual(layer['mediaType'], 'application/wasm')
                self.assertEqual(layer['digest'], 'sha256:' + harness.sha256_file(src))
                self.assertEqual(layer['size'], os.path.getsize(src))
                self.assertEqual(pushed['layers'], [{'digest': layer['digest'], 'size': layer['size'],
                                                     'mediaType': 'application/wasm',
                                                     'title': os.path.basename(rel)}])
                self.assertEqual(pushed['config'], {'digest': doc['config']['digest'],
                                                    'size': doc['config']['size']})
                config = oci_raw.get_blob(self.reg, repo, doc['config']['digest'])
                harness.validate_schema(config, 'wasm-config')
                self.assertEqual(json.loads(config)['os'], os_name)

                out = self.path(base + '.out')
                pulled = self.pull(self.ref(repo, 'v1'), '-o', out)
                self.assertEqual(read(out), read(src))
                self.assertEqual(pulled['digest'], pushed['digest'])
                self.assertEqual(pulled['path'], out)
                self.assertEqual(pulled['size'], os.path.getsize(src))
                self.assertEqual(pulled['layer']['digest'], layer['digest'])
                want = expected_config(rel)
                self.assertEqual(pulled['os'], want['os'])
                self.assertEqual(pulled['imports'], want['imports'])
                self.assertEqual(pulled['exports'], want['exports'])
                self.assertNoTempFiles(self.tmp)

    def test_text_output(self):
        src = harness.fixture('components/composed-wat.component.wasm')
        r = self.run_wpkg('push', *self.reg.flags, self.ref(self.repo(), 'v1'), src)
        self.assertRegex(r.stdout, r'^sha256:[0-9a-f]{64}\n$')
        digest = r.stdout.strip()
        doc = json.loads(self.manifest(self.repo(), 'v1')[1])
        sent = harness.human_bytes(doc['layers'][0]['size'] + doc['config']['size'])
        self.assertEqual(r.stderr, 'wpkg: pushed 1 file to %s/%s (%s uploaded, 0 B already present)\n'
                         % (self.reg.host, self.repo(), sent))
        r = self.run_wpkg('push', *self.reg.flags, self.ref(self.repo(), 'v1'), src)
        self.assertEqual(r.stderr, 'wpkg: pushed 1 file to %s/%s (0 B uploaded, %s already present)\n'
                         % (self.reg.host, self.repo(), sent))
        # -q silences the summary, never the result
        r = self.run_wpkg('push', '-q', *self.reg.flags, self.ref(self.repo(), 'v1'), src)
        self.assertEqual((r.stdout, r.stderr), (digest + '\n', ''))
        r = self.run_wpkg('pull', *self.reg.flags, '-o', self.path('x.wasm'), self.ref(self.repo(), 'v1'))
        self.assertEqual(r.stdout, '%s %s\n' % (digest, self.path('x.wasm')))
        self.assertEqual(read(self.path('x.wasm')), read(src))

    def test_pull_by_digest_and_default_name(self):
        src = harness.fixture('modules/hello-c.core.wasm')
        repo = self.repo()
        pushed = self.push(self.ref(repo, 'v1'), src)
        os.mkdir(self.path('d'))
        pulled = self.pull('%s/%s@%s' % (self.reg.host, repo, pushed['digest']), cwd=self.path('d'))
        # no -o: the file is named by the layer's title, which wpkg sets to the file's name
        self.assertEqual(pulled['path'], 'hello-c.core.wasm')
        self.assertEqual(read(self.path('d', 'hello-c.core.wasm')), read(src))
        self.assertEqual(pulled['digest'], pushed['digest'])
        # -o naming a directory: inside it, same name
        os.mkdir(self.path('e'))
        pulled = self.pull('%s/%s@%s' % (self.reg.host, repo, pushed['digest']), '-o', self.path('e'))
        self.assertEqual(pulled['path'], self.path('e', 'hello-c.core.wasm'))
        self.assertEqual(read(pulled['path']), read(src))

    def test_latest_is_the_default_tag(self):
        src = harness.fixture('components/composed-wat.component.wasm')
        pushed = self.push(self.ref(self.repo()), src)
        self.assertEqual(pushed['tags'], ['latest'])
        self.assertEqual(pushed['reference'], self.ref(self.repo(), 'latest'))
        pulled = self.pull(self.ref(self.repo()), '-o', self.path('o.wasm'))
        self.assertEqual(pulled['digest'], pushed['digest'])

    def test_several_tags_and_listing(self):
        src = harness.fixture('components/composed-wat.component.wasm')
        repo = self.repo()
        pushed = self.push(self.ref(repo, 'v1'), src, '-t', 'stable', '--tag', 'v1.0.0', '-t', 'v1')
        self.assertEqual(pushed['tags'], ['v1', 'stable', 'v1.0.0'])
        for tag in ('v1', 'stable', 'v1.0.0'):
            _, body = self.manifest(repo, tag)
            self.assertEqual(oci_raw.digest(body), pushed['digest'])
        r = self.run_wpkg('tags', *self.reg.flags, self.reg.host + '/' + repo)
        self.assertEqual(r.stdout, 'stable\nv1\nv1.0.0\n')
        r = self.run_wpkg('tags', '--json', *self.reg.flags, self.reg.host + '/' + repo)
        self.assertEqual(json.loads(r.stdout), ['stable', 'v1', 'v1.0.0'])

    def test_bad_extra_tag_refused_before_sending(self):
        src = harness.fixture('components/composed-wat.component.wasm')
        repo = self.repo()
        r = self.push(self.ref(repo, 'v1'), src, '-t', '-bad', expect=3)
        self.assertIn('invalid tag "-bad"', r.stderr)
        status, _, _ = oci_raw.get_manifest(self.reg, repo, 'v1')
        self.assertEqual(status, 404)

    def test_retag(self):
        src = harness.fixture('components/hello-c.component.wasm')
        repo = self.repo()
        pushed = self.push(self.ref(repo, 'v1'), src)
        blobs_before = self._uploads(repo)
        r = self.run_wpkg('tag', *self.reg.flags, self.ref(repo, 'v1'), 'prod', 'v1.2')
        self.assertEqual(r.stdout, '%s\n%s\n' % (self.ref(repo, 'prod'), self.ref(repo, 'v1.2')))
        _, original = self.manifest(repo, 'v1')
        for tag in ('prod', 'v1.2'):
            _, body = self.manifest(repo, tag)
            self.assertEqual(body, original)
        self.assertEqual(oci_raw.digest(original), pushed['digest'])
        # no blob is sent again by a retag
        self.assertEqual(self._uploads(repo), blobs_before)
        r = self.run_wpkg('tag', '--json', *self.reg.flags, '%s/%s@%s' % (self.reg.host, repo, pushed['digest']),
                          'by-digest')
        self.assertEqual(json.loads(r.stdout), {'repository': repo, 'digest': pushed['digest'],
                                                'tags': ['by-digest']})
        r = self.run_wpkg('tags', *self.reg.flags, self.reg.host + '/' + repo)
        self.assertEqual(r.stdout, 'by-digest\nprod\nv1\nv1.2\n')

    def test_retag_missing_source(self):
        r = self.run_wpkg('tag', *self.reg.flags, self.ref(self.repo(), 'nope'), 'x', expect=4)
        self.assertIn('nope', r.stderr)

    def _uploads(self, repo):
        """How many blob uploads the registry's access log shows for repo."""
        with open(self.reg.log_path, errors='replace') as f:
            return len(re.findall(r'"POST /v2/%s/blobs/uploads/' % re.escape(repo), f.read()))

    def test_delete(self):
        src = harness.fixture('components/composed-wat.component.wasm')
        repo = self.repo()
        pushed = self.push(self.ref(repo, 'v1'), src, '-t', 'v2')
        r = self.run_wpkg('delete', *self.reg.flags, self.ref(repo, 'v1'))
        self.assertIn('%s/%s@%s' % (self.reg.host, repo, pushed['digest']), r.stdout)
        for tag in ('v1', 'v2'):
            r = self.pull(self.ref(repo, tag), '-o', self.path('gone.wasm'), expect=4)
            self.assertIn('wpkg: error: pull %s' % self.ref(repo, tag), r.stderr)
        self.assertFalse(os.path.exists(self.path('gone.wasm')))
        # by digest, again: now it is gone
        r = self.run_wpkg('delete', *self.reg.flags, '%s/%s@%s' % (self.reg.host, repo, pushed['digest']),
                          expect=4)
        self.assertTrue(r.stderr.startswith('wpkg: error: delete '), r.stderr)

    def test_delete_needs_tag_or_digest(self):
        r = self.run_wpkg('delete', *self.reg.flags, self.reg.host + '/' + self.repo(), expect=2)
        self.assertIn('name the tag or digest', r.stderr)

    def test_missing_repository_and_tag(self):
        r = self.pull(self.ref('wpkg-test/no-such-repo', 'v1'), '-o', self.path('x.wasm'), expect=4)
        self.assertTrue(r.stderr.startswith('wpkg: error: pull %s: ' % self.ref('wpkg-test/no-such-repo', 'v1')),
                        r.stderr)
        self.assertEqual(r.stdout, '')
        repo = self.repo()
        self.push(self.ref(repo, 'v1'), harness.fixture('components/empty.component.wasm'))
        r = self.pull(self.ref(repo, 'v9'), '-o', self.path('x.wasm'), expect=4)
        self.assertIn('v9', r.stderr)
        self.assertFalse(os.path.exists(self.path('x.wasm')))
        r = self.run_wpkg('tags', *self.reg.flags, self.reg.host + '/wpkg-test/no-such-repo', expect=4)
        self.assertIn('no-such-repo', r.stderr)

    def test_second_push_skips_blobs(self):
        src = harness.fixture('components/hello-c.component.wasm')
        repo = self.repo()
        first = self.push(self.ref(repo, 'v1'), src)
        total = first['layers'][0]['size'] + first['config']['size']
        self.assertEqual(first['bytes'], {'uploaded': total, 'skipped': 0, 'mounted': 0})
        second = self.push(self.ref(repo, 'v2'), src)
        self.assertEqual(second['digest'], first['digest'])
        self.assertEqual(second['bytes'], {'uploaded': 0, 'skipped': total, 'mounted': 0})

    def test_mount_from(self):
        src = harness.fixture('components/greeter-plugged.composed.wasm')
        a, b = self.repo('a'), self.repo('b')
        first = self.push(self.ref(a, 'v1'), src)
        total = first['layers'][0]['size'] + first['config']['size']
        second = self.push(self.ref(b, 'v1'), src, '--mount-from', a)
        self.assertEqual(second['bytes'], {'uploaded': 0, 'skipped': 0, 'mounted': total})
        self.assertEqual(second['digest'], first['digest'])
        pulled = self.pull(self.ref(b, 'v1'), '-o', self.path('m.wasm'))
        self.assertEqual(read(self.path('m.wasm')), read(src))
        self.assertEqual(pulled['digest'], first['digest'])
        # a source without the blobs: the registry starts an upload instead and wpkg uploads
        third = self.push(self.ref(self.repo('c'), 'v1'), src, '--mount-from', self.repo('empty'))
        self.assertEqual(third['bytes'], {'uploaded': total, 'skipped': 0, 'mounted': 0})

    def test_chunked_push(self):
        src = harness.fixture('components/hello-c.component.wasm')   # 57,740 bytes: 15 chunks of 4 KiB
        repo = self.repo()
        self.push(self.ref(repo, 'v1'), src, '--chunk-size', '4K')
        with open(self.reg.log_path, errors='replace') as f:
            patches = len(re.findall(r'"PATCH /v2/%s/blobs/uploads/' % re.escape(repo), f.read()))
        # a monolithic upload sends no PATCH at all; how the last chunk travels (PATCH or PUT) is the client's choice
        self.assertGreaterEqual(patches, os.path.getsize(src) // 4096)
        self.pull(self.ref(repo, 'v1'), '-o', self.path('c.wasm'))
        self.assertEqual(read(self.path('c.wasm')), read(src))

    def test_chunk_size_values(self):
        src = harness.fixture('components/empty.component.wasm')
        for bad in ('0', 'abc', '5X', '-1', '5MM', ''):
            with self.subTest(value=bad):
                r = self.run_wpkg('push', *self.reg.flags, '--chunk-size', bad, self.ref(self.repo(), 'v1'), src,
                                  expect=2)
                self.assertIn('--chunk-size', r.stderr)

    def _push_hand_made(self, repo, tag, wasm, layer_annotations=None, layer_type='application/wasm'):
        config = oci_raw.rust_oci_wasm_config(wasm, 'wasip2', [], [])
        manifest = oci_raw.compact({
            'schemaVersion': 2, 'mediaType': oci_raw.MT_MANIFEST,
            'config': oci_raw.descriptor(oci_raw.MT_WASM_CONFIG, config),
            'layers': [oci_raw.descriptor(layer_type, wasm, layer_annotations)]})
        return oci_raw.push_artifact(self.reg, repo, tag, wasm, config, manifest)

    def test_title_with_path_separator_refused(self):
        wasm = read(harness.fixture('components/empty.component.wasm'))
        repo = self.repo()
        os.mkdir(self.path('cwd'))
        for i, title in enumerate(['../evil.wasm', 'a/b.wasm', 'a\\b.wasm', '..', '.', '']):
            with self.subTest(title=title):
                tag = 't%d' % i
                digest = self._push_hand_made(repo, tag, wasm, {'org.opencontainers.image.title': title})
                r = self.pull(self.ref(repo, tag), cwd=self.path('cwd'), expect=3)
                self.assertEqual(r.stderr.splitlines()[0],
                                 'wpkg: error: pull %s: manifest %s: layer title "%s" is not a plain file name'
                                 % (self.ref(repo, tag), digest, title))
                self.assertEqual(os.listdir(self.path('cwd')), [])
                self.assertFalse(os.path.exists(self.path('evil.wasm')))
        # -o FILE does not use the title, so the same artifact can still be pulled on purpose
        self.pull(self.ref(repo, 't0'), '-o', self.path('chosen.wasm'))
        self.assertEqual(read(self.path('chosen.wasm')), wasm)

    def test_no_title_uses_repository_name(self):
        wasm = read(harness.fixture('components/empty.component.wasm'))
        repo = self.repo('my-app')
        self._push_hand_made(repo, 'v1', wasm)
        os.mkdir(self.path('cwd'))
        pulled = self.pull(self.ref(repo, 'v1'), cwd=self.path('cwd'))
        self.assertEqual(pulled['path'], 'my-app.wasm')
        self.assertEqual(read(self.path('cwd', 'my-app.wasm')), wasm)

    def test_non_wasm_layer_refused(self):
        wasm = read(harness.fixture('components/empty.component.wasm'))
        repo = self.repo()
        digest = self._push_hand_made(repo, 'v1', wasm, layer_type='application/vnd.oci.image.layer.v1.tar+gzip')
        r = self.pull(self.ref(repo, 'v1'), '-o', self.path('x.wasm'), expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: pull %s: manifest %s: layer media type '
                         '"application/vnd.oci.image.layer.v1.tar+gzip" is not a Wasm layer\n'
                         % (self.ref(repo, 'v1'), digest))
        self.assertFalse(os.path.exists(self.path('x.wasm')))

    def test_other_wasm_layer_types_accepted(self):
        wasm = read(harness.fixture('components/composed-wat.component.wasm'))
        repo = self.repo()
        for i, mt in enumerate(['application/vnd.bytecodealliance.wasm.component.layer.v0+wasm',
                                'application/vnd.wasm.content.layer.v1+wasm',
                                'application/vnd.module.wasm.content.layer.v1+wasm']):
            with self.subTest(media_type=mt):
                self._push_hand_made(repo, 't%d' % i, wasm, layer_type=mt)
                pulled = self.pull(self.ref(repo, 't%d' % i), '-o', self.path('w%d.wasm' % i))
                self.assertEqual(pulled['layer']['mediaType'], mt)
                self.assertEqual(read(self.path('w%d.wasm' % i)), wasm)

    def test_generated_1mb_component(self):
        data = oci_raw.make_component(1 << 20)
        src = self.path('big.wasm')
        with open(src, 'wb') as f:
            f.write(data)
        repo = self.repo()
        pushed = self.push(self.ref(repo, 'v1'), src)
        self.assertEqual(pushed['layers'][0]['digest'], oci_raw.digest(data))
        self.assertEqual(pushed['layers'][0]['size'], 1 << 20)
        self.pull(self.ref(repo, 'v1'), '-o', self.path('back.wasm'))
        self.assertEqual(harness.sha256_file(self.path('back.wasm')), oci_raw.digest(data)[7:])

    def test_push_bad_input_sends_nothing(self):
        repo = self.repo()
        r = self.run_wpkg('push', *self.reg.flags, self.ref(repo, 'v1'), harness.fixture('bad/bad-magic.wasm'),
                          expect=3)
        self.assertTrue(r.stderr.startswith('wpkg: error: '), r.stderr)
        self.assertEqual(self._uploads(repo), 0)
        r = self.run_wpkg('push', *self.reg.flags, self.ref(repo, 'v1'), self.path('missing.wasm'), expect=4)
        r = self.run_wpkg('push', *self.reg.flags, self.reg.host + '/' + repo + '@sha256:' + '0' * 64,
                          harness.fixture('components/empty.component.wasm'), expect=2)
        self.assertIn('not a digest', r.stderr)

    def test_push_annotations(self):
        src = harness.fixture('components/composed-wat.component.wasm')
        repo = self.repo()
        self.push(self.ref(repo, 'v1'), src, '-a', 'org.example.k=v', '--author', 'Ann Author',
                  '--target', 'wasi:cli/command@0.2.0')
        _, body = self.manifest(repo, 'v1')
        doc = json.loads(body)
        self.assertEqual(doc['annotations']['org.example.k'], 'v')
        config = json.loads(oci_raw.get_blob(self.reg, repo, doc['config']['digest']))
        self.assertEqual(config['author'], 'Ann Author')
        self.assertEqual(config['component']['target'], 'wasi:cli/command@0.2.0')
        self.assertEqual(config['created'], '2023-11-14T22:13:20Z')

    def test_same_as_build(self):
        """push packages exactly as build does: same manifest digest for the same input and epoch."""
        src = harness.fixture('components/greeter-plugged.composed.wasm')
        r = self.run_wpkg('build', '--json', '-o', self.path('layout') + ':v1', src)
        built = json.loads(r.stdout)
        pushed = self.push(self.ref(self.repo(), 'v1'), src)
        self.assertEqual(pushed['digest'], built['digest'])


class FaultTests(harness.TestCase):
    """Failures a real registry will not produce on demand, from a fake one."""

    def test_refused_upload_puts_no_manifest(self):
        with FaultRegistry(upload_status=403) as fr:
            r = self.wpkg('push', '--plain-http', '--retries', '1', fr.host + '/x/y:v1',
                          harness.fixture('components/hello-c.component.wasm'), expect=5)
        self.assertTrue(r.stderr.startswith('wpkg: error: push %s/x/y:v1: ' % fr.host), r.stderr)
        self.assertIn(('POST', '/v2/x/y/blobs/uploads/'), fr.requests)
        self.assertEqual([p for _, p in fr.requests if '/manifests/' in p], [])

    def _serve(self, wasm, config, served_wasm=None, served_config=None):
        manifest = oci_raw.rust_oci_wasm_manifest(config, wasm)
        blobs = {oci_raw.digest(wasm): served_wasm if served_wasm is not None else wasm,
                 oci_raw.digest(config): served_config if served_config is not None else config}
        return FaultRegistry(manifests={'v1': (oci_raw.MT_MANIFEST, manifest)}, blobs=blobs)

    def test_corrupt_blob_leaves_nothing(self):
        wasm = read(harness.fixture('components/empty.component.wasm'))
        config = oci_raw.rust_oci_wasm_config(wasm, 'wasip2', [], [])
        for what, served in (('layer', {'served_wasm': wasm[:-1] + b'\x01'}),
                             ('config', {'served_config': config.replace(b'wasip2', b'wasip1')})):
            with self.subTest(corrupt=what), self._serve(wasm, config, **served) as fr:
                r = self.wpkg('pull', '--plain-http', '--retries', '1', '-o', self.path('x.wasm'),
                              fr.host + '/x/y:v1', expect=6)
                self.assertTrue(r.stderr.startswith('wpkg: error: pull %s/x/y:v1: ' % fr.host), r.stderr)
                self.assertIn('%s %s' % (what, oci_raw.digest(wasm if what == 'layer' else config)), r.stderr)
                self.assertFalse(os.path.exists(self.path('x.wasm')))
                self.assertNoTempFiles(self.tmp)

    def test_unreadable_config_is_a_warning(self):
        wasm = read(harness.fixture('components/empty.component.wasm'))
        config = b'{"created": 5}'
        with self._serve(wasm, config) as fr:
            r = self.wpkg('pull', '--plain-http', '--json', '-o', self.path('x.wasm'), fr.host + '/x/y:v1')
        self.assertTrue(r.stderr.startswith('wpkg: warning: config %s: ' % oci_raw.digest(config)), r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual((doc['os'], doc['imports'], doc['exports']), (None, None, None))
        self.assertEqual(read(self.path('x.wasm')), wasm)


class PlainTests(TransferTests, harness.TestCase):
    VARIANT = 'plain'


class TlsTests(TransferTests, harness.TestCase):
    VARIANT = 'tls'

    def test_without_ca_fails_closed(self):
        src = harness.fixture('components/composed-wat.component.wasm')
        repo = self.repo()
        r = self.run_wpkg('push', self.ref(repo, 'v1'), src, expect=7)
        self.assertEqual(r.stdout, '')
        self.assertTrue(r.stderr.startswith('wpkg: error: push %s: ' % self.ref(repo, 'v1')), r.stderr)
        self.assertEqual(self._uploads(repo), 0)
        r = self.run_wpkg('pull', '-o', self.path('x.wasm'), self.ref(repo, 'v1'), expect=7)
        self.assertEqual(r.stdout, '')
        self.assertFalse(os.path.exists(self.path('x.wasm')))
        self.assertNoTempFiles(self.tmp)

    def test_insecure(self):
        src = harness.fixture('components/composed-wat.component.wasm')
        repo = self.repo()
        pushed = self.push(self.ref(repo, 'v1'), src)   # with --ca-file
        r = self.run_wpkg('pull', '--json', '--insecure', '-o', self.path('i.wasm'), self.ref(repo, 'v1'))
        self.assertEqual(json.loads(r.stdout)['digest'], pushed['digest'])
        self.assertEqual(read(self.path('i.wasm')), read(src))

    def test_plain_http_against_tls_fails(self):
        r = self.run_wpkg('tags', '--plain-http', self.reg.host + '/' + self.repo(), expect=None)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stdout, '')


if __name__ == '__main__':
    harness.main()
