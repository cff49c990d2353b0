# SPDX-License-Identifier: Apache-2.0
"""test_peers.py - what peers write and read, against the real docker-registry: wpkg publish (the name and
version a WIT package carries, as wkg publish), the config's imports/exports exactly as rust-oci-wasm writes
them (hand-encoded components and WIT packages in tests/fixtures/peers), and pulling what other tools push
(ORAS-style artifacts, the legacy layer type, Docker+Wasm images and indexes), each pushed raw."""

import gzip
import io
import json
import os
import tarfile

import harness
import oci_raw
from regcase import CREATED, RegistryCase

PEERS = os.path.join(harness.FIXTURES, 'peers')
EXPECTED = json.load(open(os.path.join(PEERS, 'expected.json')))
BINARY_WIT = 'external/rust-oci-wasm/binary_wit.wasm'
# rust-oci-wasm tests/integration_tests.rs test_binary_wit_parse (sorted there; binary order here)
BINARY_WIT_EXPORTS = ['wasi:http/types@0.2.0', 'wasi:http/incoming-handler@0.2.0',
                      'wasi:http/outgoing-handler@0.2.0', 'wasi:http/imports@0.2.0', 'wasi:http/proxy@0.2.0']


def peer(name):
    return os.path.join(PEERS, name)


def config_bytes(wasm, exports, imports):
    """The config wpkg must write: rust-oci-wasm's WasmConfig, serde order, compact, target null."""
    return oci_raw.compact({'created': CREATED, 'author': None, 'architecture': 'wasm', 'os': 'wasip2',
                            'layerDigests': [oci_raw.digest(wasm)],
                            'component': {'exports': exports, 'imports': imports, 'target': None}})


class PeerCase(RegistryCase, harness.TestCase):
    VARIANT = 'plain'

    def pushed_config(self, repo, tag):
        status, _, body = oci_raw.get_manifest(self.reg, repo, tag)
        self.assertEqual(status, 200, body)
        m = json.loads(body)
        return m, oci_raw.get_blob(self.reg, repo, m['config']['digest'])

    def wkg_config(self, *namespaces):
        cfg = self.path('config.toml')
        with open(cfg, 'w') as f:
            f.write('[namespace_registries]\n')
            for ns in namespaces:
                f.write('%s = "%s"\n' % (ns, self.reg.host))
            f.write('\n[registry."%s".oci]\nprotocol = "http"\n' % self.reg.host)
        return cfg


class WorldTests(PeerCase):
    """component.imports/exports as oci-wasm writes them, exact config bytes from the real registry."""

    def push_config(self, fname, *flags, expect=0):
        repo = self.repo(fname.split('.')[0])
        r = self.run_wpkg('push', *self.reg.flags, *flags, self.ref(repo, 'v1'), peer(fname), expect=expect)
        return repo, r

    def test_imports_of_modules_and_components_are_not_listed(self):
        exp = EXPECTED['imports.component.wasm']
        repo, _ = self.push_config('imports.component.wasm')
        _, config = self.pushed_config(repo, 'v1')
        wasm = open(peer('imports.component.wasm'), 'rb').read()
        self.assertEqual(config, config_bytes(wasm, exp['exports'], exp['imports']))
        # the binary itself still shows every import: inspect reads the file, not the world
        doc = json.loads(self.run_wpkg('inspect', '--json', peer('imports.component.wasm')).stdout)
        self.assertEqual(doc['imports'], ['wasi:io/streams@0.2.0', 'plugin', 'dep', 'run-host'])

    def test_exports_wit_component_refuses(self):
        for fname in ('export-module.component.wasm', 'export-component.component.wasm',
                      'export-type.component.wasm'):
            with self.subTest(file=fname):
                exp = EXPECTED[fname]
                repo, r = self.push_config(fname, expect=3)
                self.assertEqual(r.stderr, 'wpkg: error: %s: %s (it is a %s): wit-component cannot describe this '
                                 "component's world; pass --lenient to leave the export out of the config\n"
                                 % (peer(fname), exp['refused'], exp['sort']))
                status, _, _ = oci_raw.get_manifest(self.reg, repo, 'v1')
                self.assertEqual(status, 404)
                # inspect says so before push and build do
                r = self.run_wpkg('inspect', peer(fname))
                self.assertIn('\nconfig: refused by push and build: %s (it is a %s)' % (exp['refused'], exp['sort']),
                              r.stdout)
                # build refuses the same way, before writing anything
                out = self.path(fname + '.layout')
                r = self.run_wpkg('build', '-o', out, peer(fname), expect=3)
                self.assertIn(exp['refused'], r.stderr)
                self.assertFalse(os.path.exists(out))
                repo, _ = self.push_config(fname, '--lenient')
                _, config = self.pushed_config(repo, 'v1')
                wasm = open(peer(fname), 'rb').read()
                self.assertEqual(config, config_bytes(wasm, exp['exports'], exp['imports']))

    def test_wit_packages_with_worlds(self):
        for fname in ('worlds.wit.wasm', 'world-only.wit.wasm'):
            with self.subTest(file=fname):
                exp = EXPECTED[fname]
                repo, _ = self.push_config(fname)
                _, config = self.pushed_config(repo, 'v1')
                wasm = open(peer(fname), 'rb').read()
                self.assertEqual(config, config_bytes(wasm, exp['exports'], []))
                # the reference collects a set: same members, each once
                self.assertEqual(len(set(exp['exports'])), len(exp['exports']))
                doc = json.loads(self.run_wpkg('inspect', '--json', peer(fname)).stdout)
                self.assertEqual((doc['witPackage'], doc['package']), (True, exp['package']))

    def test_binary_wit_fixture(self):
        src = harness.shared_fixture(BINARY_WIT)
        repo = self.repo()
        self.run_wpkg('push', *self.reg.flags, self.ref(repo, 'v1'), src)
        _, config = self.pushed_config(repo, 'v1')
        self.assertEqual(config, config_bytes(open(src, 'rb').read(), BINARY_WIT_EXPORTS, []))

    def test_invalid_names_refused(self):
        for fname in ('bad-custom-name.component.wasm', 'bad-import-name.component.wasm',
                      'bad-export-version.component.wasm'):
            with self.subTest(file=fname):
                r = self.run_wpkg('inspect', peer(fname), expect=3)
                self.assertTrue(r.stderr.startswith('wpkg: error: %s: %s' % (peer(fname), EXPECTED[fname]['invalid'])),
                                r.stderr)
                self.assertEqual(r.stderr.count('\n'), 1)
                self.assertEqual(r.stdout, '')

    def test_inspect_escapes_names(self):
        # a producers string with a newline and an ESC: one line each, escaped
        def name(b):
            return oci_raw.leb128(len(b)) + b
        producers = oci_raw.leb128(1) + name(b'language') + oci_raw.leb128(1) + name(b'evil\nx: \x1b') + name(b'1\r')
        sec = name(b'producers') + producers
        data = b'\x00asm\x0d\x00\x01\x00' + b'\x00' + oci_raw.leb128(len(sec)) + sec
        src = self.path('evil.wasm')
        with open(src, 'wb') as f:
            f.write(data)
        r = self.run_wpkg('inspect', src)
        self.assertIn('\nproducers:\n  language: evil\\x0ax: \\x1b 1\\x0d\n', r.stdout)


class PublishTests(PeerCase):
    """wpkg publish FILE: push under the name and version the WIT package carries."""

    def test_publish_wit_package(self):
        src = harness.shared_fixture(BINARY_WIT)
        cfg = self.wkg_config('wasi')
        r = self.run_wpkg('publish', '--json', '--wkg-config', cfg, src)
        doc = json.loads(r.stdout)
        self.assertEqual(doc['reference'], '%s/wasi/http:0.2.0' % self.reg.host)
        self.assertEqual(doc['tags'], ['0.2.0'])
        self.assertIn('wpkg: note: %s is the WIT package wasi:http@0.2.0\n' % src, r.stderr)
        m, config = self.pushed_config('wasi/http', '0.2.0')
        self.assertEqual(m['annotations']['org.opencontainers.image.version'], '0.2.0')
        self.assertEqual(m['layers'][0]['annotations'], {'org.opencontainers.image.title': 'http.wasm'})
        self.assertEqual(config, config_bytes(open(src, 'rb').read(), BINARY_WIT_EXPORTS, []))
        # the same refusal as wpkg push ns:name@version: the version exists
        r = self.run_wpkg('publish', '--wkg-config', cfg, src, expect=1)
        self.assertEqual(r.stderr.splitlines()[-1],
                         'wpkg: error: publish %s/wasi/http:0.2.0: version 0.2.0 is already published (%s): '
                         'pass --force to replace it' % (self.reg.host, doc['digest']))
        self.run_wpkg('publish', '--force', '--wkg-config', cfg, src)

    def test_publish_world_only_package(self):
        cfg = self.wkg_config('my')
        r = self.run_wpkg('publish', '--wkg-config', cfg, peer('world-only.wit.wasm'))
        status, _, body = oci_raw.get_manifest(self.reg, 'my/tool', '0.3.0')
        self.assertEqual((status, r.stdout), (200, oci_raw.digest(body) + '\n'))

    def test_publish_refusals(self):
        cfg = self.wkg_config('my')
        comp = harness.fixture('components/hello-c.component.wasm')
        r = self.run_wpkg('publish', '--wkg-config', cfg, comp, expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: %s is a component, not a WIT package: it carries no package name '
                         'and version (wkg reads them only from a WIT package); publish it with wpkg push '
                         'NAMESPACE:NAME@VERSION %s\n' % (comp, comp))
        mod = harness.fixture('modules/hello-c.core.wasm')
        r = self.run_wpkg('publish', '--wkg-config', cfg, mod, expect=3)
        self.assertIn('%s is a core module, not a WIT package' % mod, r.stderr)
        src = peer('unversioned.wit.wasm')
        r = self.run_wpkg('publish', '--wkg-config', cfg, src, expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: %s: the WIT package my:tool has no version: add one to its package '
                         'statement (package my:tool@1.0.0;), or publish it with wpkg push my:tool@VERSION %s\n'
                         % (src, src))
        src = peer('build-meta.wit.wasm')
        r = self.run_wpkg('publish', '--wkg-config', cfg, src, expect=3)
        self.assertEqual(r.stderr.splitlines()[-1], "wpkg: error: publish my:tool@0.3.0+build.7: the version has build "
                         "metadata ('+'), which an OCI tag cannot hold: publish it without the '+...' part")
        r = self.run_wpkg('publish', '--wkg-config', cfg, expect=2)
        self.assertIn('expected one FILE, got 0 arguments', r.stderr)
        status, _, _ = oci_raw.get_manifest(self.reg, 'my/tool', '0.3.0')
        self.assertEqual(status, 404)


MT_EMPTY = 'application/vnd.oci.empty.v1+json'
MT_LEGACY = 'application/vnd.module.wasm.content.layer.v1+wasm'
MT_OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
MT_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'
TITLE = 'org.opencontainers.image.title'


def manifest(config_mt, config, layers, artifact_type=None):
    """An OCI manifest as ORAS writes it: mediaType, artifactType (when given), config, layers (mt, data, annots)."""
    doc = {'schemaVersion': 2, 'mediaType': oci_raw.MT_MANIFEST}
    if artifact_type is not None:
        doc['artifactType'] = artifact_type
    doc['config'] = oci_raw.descriptor(config_mt, config)
    doc['layers'] = [oci_raw.descriptor(mt, data, annots) for mt, data, annots in layers]
    return oci_raw.compact(doc)


def docker_wasm_image(wasm, name='hello.wasm'):
    """(config, layer) of a Docker+Wasm image: a gzipped tar with /NAME, config platform wasi/wasm, Entrypoint."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.PAX_FORMAT) as tf:
        oci_raw.tar_add(tf, name, wasm)
    layer = gzip.compress(raw.getvalue(), mtime=0)
    config = oci_raw.compact({'architecture': 'wasm', 'os': 'wasi', 'config': {'Entrypoint': ['/' + name]},
                              'rootfs': {'type': 'layers', 'diff_ids': [oci_raw.digest(raw.getvalue())]}})
    return config, layer


class PullPeersTests(PeerCase):
    """Artifacts other tools push, pushed here raw: pull writes the Wasm file, byte for byte."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.comp = open(harness.fixture('components/composed-wat.component.wasm'), 'rb').read()
        cls.mod = open(harness.fixture('modules/hello-c.core.wasm'), 'rb').read()

    def push(self, repo, tag, man, blobs):
        for b in blobs:
            oci_raw.push_blob(self.reg, repo, b)
        return oci_raw.push_manifest(self.reg, repo, tag, man)

    def pull(self, *args, expect=0):
        return self.run_wpkg('pull', *self.reg.flags, *args, expect=expect)

    def test_oras_artifacts(self):
        repo = self.repo()
        cases = {
            # oras push --artifact-type X: the empty config
            'empty': (MT_EMPTY, b'{}', 'application/vnd.example.component.v1'),
            # oras push without --artifact-type (ORAS 1.0): the unknown config type
            'unknown': ('application/vnd.unknown.config.v1+json', b'{}', None),
        }
        for tag, (cmt, config, at) in cases.items():
            with self.subTest(kind=tag):
                man = manifest(cmt, config, [(oci_raw.MT_WASM, self.comp, {TITLE: 'hello.wasm'})], at)
                d = self.push(repo, tag, man, [config, self.comp])
                out = self.path(tag)
                os.mkdir(out)
                r = self.pull('-o', out, self.ref(repo, tag))
                self.assertEqual(r.stdout, '%s %s\n' % (d, os.path.join(out, 'hello.wasm')))
                self.assertEqual(open(os.path.join(out, 'hello.wasm'), 'rb').read(), self.comp)

    def test_legacy_layer_type(self):
        repo = self.repo()
        man = manifest(MT_EMPTY, b'{}', [(MT_LEGACY, self.mod, None)])
        d = self.push(repo, 'v1', man, [b'{}', self.mod])
        out = self.path('legacy.wasm')
        r = self.pull('-o', out, self.ref(repo, 'v1'))
        self.assertEqual(r.stdout, '%s %s\n' % (d, out))
        self.assertEqual(open(out, 'rb').read(), self.mod)

    def docker_index(self, repo):
        """An index as Docker+Wasm and multi-target publishers write it: wasi/wasm, wasip1, wasip2, linux/amd64."""
        config, layer = docker_wasm_image(self.mod)
        img = manifest(MT_OCI_CONFIG, config, [(MT_TAR_GZIP, layer, None)])
        self.push(repo, 'img', img, [config, layer])
        entries = [(img, {'architecture': 'wasm', 'os': 'wasi'})]
        for wasm, os_name in ((self.mod, 'wasip1'), (self.comp, 'wasip2')):
            c = oci_raw.rust_oci_wasm_config(wasm, os_name, [], [])
            m = oci_raw.rust_oci_wasm_manifest(c, wasm)
            oci_raw.push_artifact(self.reg, repo, os_name, wasm, c, m)
            entries.append((m, {'architecture': 'wasm', 'os': os_name}))
        entries.append((img, {'architecture': 'amd64', 'os': 'linux'}))
        index = oci_raw.compact({'schemaVersion': 2, 'mediaType': oci_raw.MT_INDEX,
                                 'manifests': [oci_raw.descriptor(oci_raw.MT_MANIFEST, m, platform=p)
                                               for m, p in entries]})
        oci_raw.push_manifest(self.reg, repo, 'multi', index, oci_raw.MT_INDEX)
        return index, entries

    def test_docker_wasm_image_and_index_platforms(self):
        repo = self.repo()
        index, entries = self.docker_index(repo)
        ref = self.ref(repo, 'multi')
        # the Docker+Wasm image: the file comes out of its tar layer
        out = self.path('wasi.wasm')
        self.pull('--platform', 'wasi/wasm', '-o', out, ref)
        self.assertEqual(open(out, 'rb').read(), self.mod)
        # an OS alone picks by os
        out = self.path('p2.wasm')
        r = self.pull('--platform', 'wasip2', '-o', out, ref)
        self.assertEqual(r.stdout, '%s %s\n' % (oci_raw.digest(entries[2][0]), out))
        self.assertEqual(open(out, 'rb').read(), self.comp)
        out = self.path('p1.wasm')
        self.pull('--platform', 'wasip1/wasm', '-o', out, ref)
        self.assertEqual(open(out, 'rb').read(), self.mod)
        # none matches: every platform is listed, nothing written
        out = self.path('none.wasm')
        r = self.pull('--platform', 'windows/arm64', '-o', out, ref, expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: pull %s: index %s: no entry for platform windows/arm64 (it has '
                         'wasi/wasm, wasip1/wasm, wasip2/wasm, linux/amd64): pass one of them with --platform\n'
                         % (ref, oci_raw.digest(index)))
        self.assertFalse(os.path.exists(out))

    def test_inspect_index_lists_platforms(self):
        repo = self.repo()
        index, entries = self.docker_index(repo)
        ref = self.ref(repo, 'multi')
        r = self.run_wpkg('inspect', *self.reg.flags, ref)
        want = ('reference: %s\nindex: %s %s\nplatforms:\n' % (ref, oci_raw.digest(index), oci_raw.MT_INDEX)
                + ''.join('  %s/%s %s%s\n' % (p['os'], p['architecture'], oci_raw.digest(m),
                                              ' (shown below)' if i == 0 else '')
                          for i, (m, p) in enumerate(entries)))
        self.assertTrue(r.stdout.startswith(want + 'digest: %s\n' % oci_raw.digest(entries[0][0])), r.stdout)
        doc = json.loads(self.run_wpkg('inspect', '--json', '--platform', 'wasip2', *self.reg.flags, ref).stdout)
        harness.validate_schema(doc, 'cli/inspect-artifact')
        self.assertEqual(doc['digest'], oci_raw.digest(entries[2][0]))
        self.assertEqual(doc['index']['digest'], oci_raw.digest(index))
        self.assertEqual([(e['platform'], e['chosen']) for e in doc['index']['manifests']],
                         [('wasi/wasm', False), ('wasip1/wasm', False), ('wasip2/wasm', True),
                          ('linux/amd64', False)])

    def test_docker_typed_image_list(self):
        # docker buildx --platform wasi/wasm: a Docker manifest list and schema-2 manifest, Docker media types
        repo = self.repo()
        config, layer = docker_wasm_image(self.comp, 'app.wasm')
        img = oci_raw.compact({
            'schemaVersion': 2, 'mediaType': 'application/vnd.docker.distribution.manifest.v2+json',
            'config': oci_raw.descriptor('application/vnd.docker.container.image.v1+json', config),
            'layers': [oci_raw.descriptor('application/vnd.docker.image.rootfs.diff.tar.gzip', layer)]})
        for b in (config, layer):
            oci_raw.push_blob(self.reg, repo, b)
        oci_raw.push_manifest(self.reg, repo, 'img', img, 'application/vnd.docker.distribution.manifest.v2+json')
        mt_list = 'application/vnd.docker.distribution.manifest.list.v2+json'
        lst = oci_raw.compact({'schemaVersion': 2, 'mediaType': mt_list, 'manifests': [
            oci_raw.descriptor('application/vnd.docker.distribution.manifest.v2+json', img,
                               platform={'architecture': 'wasm', 'os': 'wasi'})]})
        oci_raw.push_manifest(self.reg, repo, 'list', lst, mt_list)
        out = self.path('out')
        os.mkdir(out)
        # no --platform: architecture wasm is a Wasm entry; the file is named by the Entrypoint
        r = self.pull('-o', out, self.ref(repo, 'list'))
        self.assertEqual(r.stdout, '%s %s\n' % (oci_raw.digest(img), os.path.join(out, 'app.wasm')))
        self.assertEqual(open(os.path.join(out, 'app.wasm'), 'rb').read(), self.comp)
        r = self.pull('--platform', 'wasip1', '-o', out, self.ref(repo, 'list'), expect=4)
        self.assertIn('no entry for platform wasip1 (it has wasi/wasm): pass one of them with --platform', r.stderr)

    def test_layer_digests_checked(self):
        repo = self.repo()
        # a CNCF config whose layerDigests names another file: copied beside the wrong layer
        config = oci_raw.rust_oci_wasm_config(self.mod, 'wasip2', [], [])
        man = manifest(oci_raw.MT_WASM_CONFIG, config, [(oci_raw.MT_WASM, self.comp, None)])
        d = self.push(repo, 'v1', man, [config, self.comp])
        out = self.path('x.wasm')
        r = self.pull('-o', out, self.ref(repo, 'v1'), expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: pull %s: manifest %s: config layerDigests[0] is %s, but layer 0 '
                         'is %s\n' % (self.ref(repo, 'v1'), d, oci_raw.digest(self.mod), oci_raw.digest(self.comp)))
        self.assertEqual([f for f in os.listdir(self.path()) if 'x.wasm' in f], [])

    def test_two_layers_to_a_wasm_name(self):
        repo = self.repo()
        man = manifest(MT_EMPTY, b'{}', [(oci_raw.MT_WASM, self.comp, {TITLE: 'a.wasm'}),
                                         (oci_raw.MT_WASM, self.mod, {TITLE: 'b.wasm'})])
        d = self.push(repo, 'v1', man, [b'{}', self.comp, self.mod])
        out = self.path('x.wasm')
        r = self.pull('-o', out, self.ref(repo, 'v1'), expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: pull %s: manifest %s holds 2 components, not one package: -o %s '
                         'names a file; pass a directory (-o DIR) to write them into\n' % (self.ref(repo, 'v1'), d, out))
        self.assertFalse(os.path.exists(out))
        # a directory takes them
        os.mkdir(self.path('dir'))
        self.pull('-o', self.path('dir'), self.ref(repo, 'v1'))
        self.assertEqual(sorted(os.listdir(self.path('dir'))), ['a.wasm', 'b.wasm'])


if __name__ == '__main__':
    harness.main()
