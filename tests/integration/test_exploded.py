# SPDX-License-Identifier: Apache-2.0
"""test_exploded.py - exploded artifacts and multi-component packages against a real docker-registry.

Round trips of every nested fixture at several depths, the shared QuickJS
engine sent once, every corruption pull must catch (made by hand with raw
HTTP or by damaging the registry's storage), --layers-dir, multi-component
packages and their titles, inspect's layer tree, and the schemas.
"""

import hashlib
import json
import os

import harness
import oci_raw
from oci_raw import compact
from regcase import RegistryCase, read

MT_SKELETON = 'application/vnd.wpkg.wasm.skeleton.v1'
AT_EXPLODED = 'application/vnd.wpkg.wasm.exploded.v1'
RECIPE_KEY = 'dev.wpkg.exploded.v1'
COMPONENTS_KEY = 'dev.wpkg.components.v1'
TITLE = 'org.opencontainers.image.title'

# The 1,345,860-byte QuickJS engine module both QuickJS fixtures carry (tests/fixtures/README.md).
ENGINE = 'sha256:9db587cf543eb9127b7c85e428647fd72b12d22e3f3b0e2a9a3cc01fc8ffa446'
ENGINE_SIZE = 1345860

NESTED = [
    'components/hello-qjs.component.wasm',
    'components/calc-qjs.component.wasm',
    'components/composed-wat.component.wasm',
    'components/composed-wat-padded-leb.component.wasm',
    'components/greeter-plugged.composed.wasm',
    'components/hello-c.component.wasm',
]
# composed components of other projects, when ../shared/fixtures is beside the checkout
EXTERNAL = [
    'external/jco/env-allow.composed.wasm',
    'external/jco/stdio.composed.wasm',
    'external/jco/utf8-utf16.composed.wasm',
    'external/jco/simple-nested.component.wasm',
    'external/jco/dir.virt.wasm',
    'external/rust-oci-wasm/component.wasm',
]
# (depth, min-layer-size or None for the default)
SETTINGS = [(1, None), (1, '0'), (2, None), (2, '0'), (3, '0')]


class ExplodedTests(RegistryCase, harness.TestCase):

    # -- helpers -------------------------------------------------------------
    def push(self, ref, *args, expect=0):
        r = self.run_wpkg('push', '--json', *self.reg.flags, *args[:-1], ref, *args[-1:], expect=expect)
        return json.loads(r.stdout) if expect == 0 else r

    def push_files(self, ref, files, *flags):
        r = self.run_wpkg('push', '--json', *self.reg.flags, *flags, ref, *files)
        return json.loads(r.stdout)

    def pull(self, ref, *extra, expect=0, cwd=None):
        r = self.run_wpkg('pull', '--json', *self.reg.flags, *extra, ref, expect=expect, cwd=cwd)
        return json.loads(r.stdout) if expect == 0 else r

    def fetch(self, repo, reference):
        """(manifest doc, manifest bytes, config doc, config bytes) as the registry holds them."""
        status, ctype, body = oci_raw.get_manifest(self.reg, repo, reference)
        self.assertEqual(status, 200, body)
        doc = json.loads(body)
        config = oci_raw.get_blob(self.reg, repo, doc['config']['digest'])
        return doc, body, json.loads(config), config

    def check_exploded(self, repo, tag, src):
        """Everything a reader may rely on, checked against the original file's bytes."""
        data = read(src)
        doc, body, config, config_bytes = self.fetch(repo, tag)
        harness.validate_schema(body, 'manifest')
        harness.validate_schema(config_bytes, 'wasm-config')
        recipe = config[RECIPE_KEY]
        harness.validate_schema(recipe, 'exploded-recipe')
        self.assertEqual(doc['artifactType'], AT_EXPLODED)
        layers = doc['layers']
        self.assertEqual(layers[0]['mediaType'], MT_SKELETON)
        self.assertTrue(all(l['mediaType'] == 'application/wasm' for l in layers[1:]))
        self.assertEqual(config['layerDigests'], [l['digest'] for l in layers])
        self.assertEqual(recipe['size'], len(data))
        self.assertEqual(recipe['digest'], oci_raw.digest(data))
        # each part's layer is exactly the bytes it replaces; the skeleton is everything else
        skeleton, pos, used = b'', 0, set()
        for p in recipe['parts']:
            layer = layers[p['layer']]
            piece = data[p['offset']:p['offset'] + p['size']]
            self.assertEqual(layer['digest'], oci_raw.digest(piece))
            self.assertEqual(layer['size'], p['size'])
            # a complete Wasm binary, as its media type says
            self.assertIn(piece[:8], (b'\0asm\x01\0\0\0', b'\0asm\x0d\0\x01\0'))
            skeleton += data[pos:p['offset']]
            pos = p['offset'] + p['size']
            used.add(p['layer'])
        skeleton += data[pos:]
        self.assertEqual(layers[0]['digest'], oci_raw.digest(skeleton))
        self.assertEqual(used, set(range(1, len(layers))))
        # identical constituents appear once in the manifest
        self.assertEqual(len({l['digest'] for l in layers[1:]}), len(layers) - 1)
        return doc, config

    def put_variant(self, repo, doc, config, tag):
        """Pushes config (a dict, re-serialised) and a manifest doc using it under tag."""
        config_bytes = compact(config)
        oci_raw.push_blob(self.reg, repo, config_bytes)
        doc = dict(doc)
        doc['config'] = oci_raw.descriptor(oci_raw.MT_WASM_CONFIG, config_bytes)
        oci_raw.push_manifest(self.reg, repo, tag, compact(doc))

    def blob_file(self, digest):
        """The registry's storage file of a blob (filesystem driver layout)."""
        hexd = digest.split(':', 1)[1]
        return os.path.join(self.reg.state_dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256',
                            hexd[:2], hexd, 'data')

    def assert_pull_fails(self, ref, status, message, *extra):
        os.makedirs(self.path('out'), exist_ok=True)
        r = self.run_wpkg('pull', *self.reg.flags, '-o', self.path('out', 'x.wasm'), *extra, ref, expect=status)
        self.assertIn(message, r.stderr)
        self.assertEqual(r.stderr.count('\n'), 1, r.stderr)
        self.assertEqual(os.listdir(self.path('out')), [])
        return r

    # -- round trips ---------------------------------------------------------
    def round_trip(self, rel, src):
        for depth, min_size in SETTINGS:
            with self.subTest(fixture=rel, depth=depth, min_size=min_size):
                repo = self.repo(os.path.basename(rel).replace('.', '-').replace('@', '-').lower())
                tag = 'd%d-%s' % (depth, min_size or 'default')
                flags = ['--explode-depth', str(depth)] + (['--min-layer-size', min_size] if min_size else [])
                pushed = self.push(self.ref(repo, tag), *flags, src)
                doc, config = self.check_exploded(repo, tag, src)
                self.assertEqual([l['digest'] for l in pushed['layers']], [l['digest'] for l in doc['layers']])
                out = self.path(tag + '.wasm')
                pulled = self.pull(self.ref(repo, tag), '-o', out)
                self.assertEqual(read(out), read(src))
                self.assertEqual(pulled['layer']['digest'], 'sha256:' + harness.sha256_file(src))
                self.assertEqual(pulled['layer']['mediaType'], 'application/wasm')
                self.assertEqual(pulled['size'], os.path.getsize(src))
                self.assertNoTempFiles(self.tmp)

    def test_round_trip_fixtures(self):
        for rel in NESTED:
            self.round_trip(rel, harness.fixture(rel))

    def test_round_trip_external(self):
        present = [rel for rel in EXTERNAL if os.path.exists(os.path.join(harness.SHARED_FIXTURES, rel))]
        if not present:
            harness.shared_fixture(EXTERNAL[0])   # skips, naming what is missing
        for rel in present:
            self.round_trip(rel, harness.shared_fixture(rel))

    def test_depth_changes_the_cut(self):
        """composed-wat: depth 1 cuts its nested component whole; depth 2 cuts the module inside it."""
        src = harness.fixture('components/composed-wat.component.wasm')
        repo = self.repo()
        self.push(self.ref(repo, 'd1'), '--min-layer-size', '0', src)
        self.push(self.ref(repo, 'd2'), '--explode-depth', '2', '--min-layer-size', '0', src)
        _, c1 = self.check_exploded(repo, 'd1', src)
        _, c2 = self.check_exploded(repo, 'd2', src)
        self.assertEqual([(p['offset'], p['size']) for p in c1[RECIPE_KEY]['parts']],
                         [(93, 113), (259, 166), (506, 190)])
        self.assertEqual([(p['offset'], p['size']) for p in c2[RECIPE_KEY]['parts']],
                         [(93, 113), (259, 166), (516, 50)])
        # the default 16 KiB threshold keeps this small component whole: one skeleton layer
        r = self.run_wpkg('push', *self.reg.flags, '--exploded', self.ref(repo, 'def'), src)
        self.assertIn('no constituent of 16384 bytes or more', r.stderr)
        doc, config = self.check_exploded(repo, 'def', src)
        self.assertEqual(len(doc['layers']), 1)
        self.assertEqual(doc['layers'][0]['size'], os.path.getsize(src))
        self.pull(self.ref(repo, 'def'), '-o', self.path('def.wasm'))
        self.assertEqual(read(self.path('def.wasm')), read(src))

    def test_single_layer_consumers_refuse(self):
        """What oci-wasm and wkg test for: exactly one layer, of type application/wasm."""
        src = harness.fixture('components/hello-qjs.component.wasm')
        repo = self.repo()
        self.push(self.ref(repo, 'v1'), '--exploded', src)
        doc, _, _, _ = self.fetch(repo, 'v1')
        self.assertGreater(len(doc['layers']), 1)
        self.assertNotEqual(doc['layers'][0]['mediaType'], 'application/wasm')
        # wpkg's own single-layer path, reached by a manifest that is not recognisably exploded
        # (skeleton not first): it refuses the skeleton's media type rather than guessing
        doc2 = dict(doc)
        del doc2['artifactType']
        doc2['layers'] = doc['layers'][1:] + doc['layers'][:1]
        oci_raw.push_manifest(self.reg, repo, 'shuffled', compact(doc2))
        self.assert_pull_fails(self.ref(repo, 'shuffled'), 3,
                               'layer media type "%s" is not a Wasm layer' % MT_SKELETON)

    # -- sharing ------------------------------------------------------------
    def test_shared_engine_sent_once(self):
        hello = harness.fixture('components/hello-qjs.component.wasm')
        calc = harness.fixture('components/calc-qjs.component.wasm')
        repo = self.repo()
        first = self.push(self.ref(repo, 'hello'), '--explode-depth', '2', hello)
        second = self.push(self.ref(repo, 'calc'), '--explode-depth', '2', calc)
        for pushed, tag in ((first, 'hello'), (second, 'calc')):
            self.assertIn(ENGINE, [l['digest'] for l in pushed['layers']])
            doc, _, _, config_bytes = self.fetch(repo, tag)
            total = sum(l['size'] for l in doc['layers']) + len(config_bytes)
            skipped = ENGINE_SIZE if tag == 'calc' else 0
            self.assertEqual(pushed['bytes'], {'uploaded': total - skipped, 'skipped': skipped, 'mounted': 0})
        # the exact figures for these two fixtures at depth 2
        self.assertEqual(first['bytes']['uploaded'] - len(self.fetch(repo, 'hello')[3]), 33918 + 242106 + ENGINE_SIZE)
        self.assertEqual(second['bytes']['skipped'], ENGINE_SIZE)
        # the registry holds the engine once and received it once
        status, h, _ = self.reg.raw_request('HEAD', '/v2/%s/blobs/%s' % (repo, ENGINE))
        self.assertEqual(status, 200)
        self.assertEqual(int(h['Content-Length']), ENGINE_SIZE)
        self.assertTrue(os.path.exists(self.blob_file(ENGINE)))
        with open(self.reg.log_path, errors='replace') as f:
            # the digest is URL-encoded in the query: match its hex part
            puts = [line for line in f
                    if 'PUT /v2/%s/blobs/uploads/' % repo in line and ENGINE.split(':')[1] in line]
        self.assertEqual(len(puts), 1, puts)
        # text output: the digest on stdout, the byte counts on stderr
        r = self.run_wpkg('push', *self.reg.flags, '--explode-depth', '2', self.ref(repo, 'again'), calc)
        self.assertRegex(r.stdout, r'^sha256:[0-9a-f]{64}\n$')
        present = sum(l['size'] for l in second['layers']) + second['config']['size']
        self.assertIn('(0 B uploaded, %s already present)' % harness.human_bytes(present), r.stderr)
        # both pull back byte for byte from the shared blob
        for tag, src in (('hello', hello), ('calc', calc)):
            self.pull(self.ref(repo, tag), '-o', self.path(tag + '.wasm'))
            self.assertEqual(read(self.path(tag + '.wasm')), read(src))

    def test_single_layer_sends_both_engines(self):
        """The baseline the exploded form improves on: single-layer pushes share nothing."""
        hello = harness.fixture('components/hello-qjs.component.wasm')
        calc = harness.fixture('components/calc-qjs.component.wasm')
        repo = self.repo()
        a = self.push(self.ref(repo, 'hello'), hello)
        b = self.push(self.ref(repo, 'calc'), calc)
        self.assertEqual(a['bytes']['uploaded'], os.path.getsize(hello) + a['config']['size'])
        self.assertEqual(b['bytes']['uploaded'], os.path.getsize(calc) + b['config']['size'])
        self.assertEqual(b['bytes']['skipped'], 0)

    def test_mount_from(self):
        hello = harness.fixture('components/hello-qjs.component.wasm')
        calc = harness.fixture('components/calc-qjs.component.wasm')
        a, b = self.repo('a'), self.repo('b')
        self.push(self.ref(a, 'hello'), '--explode-depth', '2', hello)
        pushed = self.push(self.ref(b, 'calc'), '--explode-depth', '2', '--mount-from', a, calc)
        self.assertEqual(pushed['bytes']['mounted'], ENGINE_SIZE)
        self.assertEqual(pushed['bytes']['skipped'], 0)
        self.pull(self.ref(b, 'calc'), '-o', self.path('calc.wasm'))
        self.assertEqual(read(self.path('calc.wasm')), read(calc))

    # -- --layers-dir ---------------------------------------------------------
    def test_layers_dir(self):
        src = harness.fixture('components/calc-qjs.component.wasm')
        repo = self.repo()
        self.push(self.ref(repo, 'v1'), '--explode-depth', '2', src)
        doc, _ = self.check_exploded(repo, 'v1', src)
        pulled = self.pull(self.ref(repo, 'v1'), '-o', self.path('calc.wasm'), '--layers-dir', self.path('L'))
        self.assertEqual(read(self.path('calc.wasm')), read(src))
        titles = [l['annotations'][TITLE] for l in doc['layers']]
        self.assertEqual(titles, ['calc-qjs.component.wasm.skeleton', '01-module.wasm', '02-module.wasm'])
        self.assertEqual(sorted(os.listdir(self.path('L'))), sorted(titles))
        self.assertEqual(pulled['files'], [self.path('L', t) for t in titles])
        for layer, title in zip(doc['layers'], titles):
            self.assertEqual('sha256:' + harness.sha256_file(self.path('L', title)), layer['digest'])
        # text output lists them under the rebuilt file
        r = self.run_wpkg('pull', *self.reg.flags, '-o', self.path('c2.wasm'), '--layers-dir', self.path('L2'),
                          self.ref(repo, 'v1'))
        self.assertEqual(r.stdout.splitlines()[1:], ['  ' + self.path('L2', t) for t in titles])
        # layers only: nothing rebuilt, the layers written
        pulled = self.pull(self.ref(repo, 'v1'), '--layers-dir', self.path('L3'), '--no-reassemble',
                           cwd=self.path('L'))
        self.assertEqual(sorted(os.listdir(self.path('L3'))), sorted(titles))
        self.assertFalse(os.path.exists(self.path('L', 'calc-qjs.component.wasm')))
        self.assertNoTempFiles(self.tmp)

    def test_layers_dir_refuses_bad_titles(self):
        src = harness.fixture('components/composed-wat.component.wasm')
        repo = self.repo()
        self.push(self.ref(repo, 'v1'), '--min-layer-size', '0', src)
        doc, _, config, _ = self.fetch(repo, 'v1')
        for i, bad in enumerate(['../escape.wasm', 'a/b.wasm', '..']):
            with self.subTest(title=bad):
                d = json.loads(json.dumps(doc))
                d['layers'][2]['annotations'][TITLE] = bad
                oci_raw.push_manifest(self.reg, repo, 'bad%d' % i, compact(d))
                os.makedirs(self.path('L%d' % i))
                self.assert_pull_fails(self.ref(repo, 'bad%d' % i), 3, 'layer 2: layer title "%s" is not a plain '
                                       'file name' % bad, '--layers-dir', self.path('L%d' % i))
                self.assertEqual(os.listdir(self.path('L%d' % i)), [])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'escape.wasm')))

    # -- corruption ---------------------------------------------------------
    def exploded_fixture(self, repo):
        src = harness.fixture('components/composed-wat.component.wasm')
        self.push(self.ref(repo, 'v1'), '--min-layer-size', '0', src)
        doc, _, config, _ = self.fetch(repo, 'v1')
        return doc, config

    def test_corrupted_constituent_in_storage(self):
        """The registry serves a constituent whose bytes no longer match its digest."""
        repo = self.repo()
        doc, _ = self.exploded_fixture(repo)
        path = self.blob_file(doc['layers'][2]['digest'])
        good = read(path)
        data = bytearray(good)
        data[20] ^= 0xff
        with open(path, 'wb') as f:
            f.write(data)
        try:
            r = self.assert_pull_fails(self.ref(repo, 'v1'), 6, 'layer 2 %s' % doc['layers'][2]['digest'])
            self.assertIn('content does not match its digest', r.stderr)
        finally:
            # storage is shared by every repository of the registry: other tests use this blob
            with open(path, 'wb') as f:
                f.write(good)

    def test_constituent_replaced(self):
        """A well-formed blob of the right size but other bytes: only the rebuilt digest can tell."""
        repo = self.repo()
        doc, config = self.exploded_fixture(repo)
        good = oci_raw.get_blob(self.reg, repo, doc['layers'][1]['digest'])
        evil = good[:-1] + bytes([good[-1] ^ 1])
        oci_raw.push_blob(self.reg, repo, evil)
        doc['layers'][1] = oci_raw.descriptor('application/wasm', evil, doc['layers'][1]['annotations'])
        config['layerDigests'][1] = oci_raw.digest(evil)
        self.put_variant(repo, doc, config, 'evil')
        self.assert_pull_fails(self.ref(repo, 'evil'), 6, 'rebuild: reassembled component is sha256:')

    def test_recipe_errors(self):
        repo = self.repo()
        doc, config = self.exploded_fixture(repo)
        cases = [
            ('outside', lambda r: r['parts'][2].update(offset=1000),
             3, 'recipe: parts[2] (offset 1000, 190 bytes) runs past the end of the 1106-byte component'),
            ('overlap', lambda r: r['parts'][1].update(offset=150),
             3, 'recipe: parts[1] at offset 150 overlaps the part before it (which ends at 206)'),
            ('digest', lambda r: r.update(digest='sha256:' + '0' * 64),
             6, 'not the recorded sha256:' + '0' * 64),
            ('skeleton', lambda r: r.update(size=r['size'] + 1),
             6, 'skeleton is 637 bytes but the recipe needs 638'),
            ('layer', lambda r: r['parts'][0].update(layer=4),
             3, 'recipe: parts[0].layer 4 is not a constituent layer (the manifest has 4 layers)'),
            ('unused', lambda r: r['parts'][0].update(layer=2),
             3, 'layer 1 is not used by the recipe'),
            ('missing', lambda r: r.clear(), 3, 'recipe: version must be a non-negative integer'),
        ]
        for tag, change, status, message in cases:
            with self.subTest(case=tag):
                c = json.loads(json.dumps(config))
                change(c[RECIPE_KEY])
                self.put_variant(repo, doc, c, tag)
                self.assert_pull_fails(self.ref(repo, tag), status, message)
                self.assertNoTempFiles(self.tmp)
        # no recipe at all, and a config that lists other layers
        c = json.loads(json.dumps(config))
        del c[RECIPE_KEY]
        self.put_variant(repo, doc, c, 'norecipe')
        self.assert_pull_fails(self.ref(repo, 'norecipe'), 3, 'the config holds no "%s" recipe' % RECIPE_KEY)
        c = json.loads(json.dumps(config))
        c['layerDigests'] = c['layerDigests'][:3]
        self.put_variant(repo, doc, c, 'digests')
        self.assert_pull_fails(self.ref(repo, 'digests'), 3, 'config lists 3 layer digests for 4 layers')

    def test_missing_layer(self):
        repo = self.repo()
        doc, _ = self.exploded_fixture(repo)
        d = doc['layers'][3]['digest']
        status, _, body = self.reg.raw_request('DELETE', '/v2/%s/blobs/%s' % (repo, d))
        self.assertEqual(status, 202, body)
        self.assert_pull_fails(self.ref(repo, 'v1'), 4, 'layer 3 %s' % d)

    # -- multi-component packages -------------------------------------------
    def test_multi_component_round_trip(self):
        files = [harness.fixture('components/composed-wat.component.wasm'),
                 harness.fixture('components/hello-c.component.wasm'),
                 harness.fixture('modules/hello-c.core.wasm')]
        repo = self.repo()
        pushed = self.push_files(self.ref(repo, 'v1'), files)
        doc, body, config, config_bytes = self.fetch(repo, 'v1')
        harness.validate_schema(body, 'manifest')
        harness.validate_schema(config_bytes, 'wasm-config')
        harness.validate_schema(config[COMPONENTS_KEY], 'multi-components')
        self.assertEqual([l['annotations'][TITLE] for l in doc['layers']], [os.path.basename(f) for f in files])
        self.assertEqual([l['digest'] for l in doc['layers']], ['sha256:' + harness.sha256_file(f) for f in files])
        self.assertEqual(config['layerDigests'], [l['digest'] for l in doc['layers']])
        self.assertEqual([c['kind'] for c in config[COMPONENTS_KEY]], ['component', 'component', 'module'])
        self.assertEqual(config['os'], 'wasip2')
        self.assertEqual(config['component']['exports'], config[COMPONENTS_KEY][0]['exports'])
        self.assertEqual(pushed['bytes']['uploaded'], sum(os.path.getsize(f) for f in files) + len(config_bytes))
        pulled = self.pull(self.ref(repo, 'v1'), '-o', self.path('dir'))
        self.assertEqual(pulled['path'], self.path('dir'))
        self.assertEqual(pulled['files'], [self.path('dir', os.path.basename(f)) for f in files])
        for f in files:
            self.assertEqual(read(self.path('dir', os.path.basename(f))), read(f))
        # without a directory: a clear refusal, nothing written
        os.mkdir(self.path('cwd'))
        r = self.pull(self.ref(repo, 'v1'), expect=3, cwd=self.path('cwd'))
        self.assertIn('holds 3 components: pull them into a directory with -o DIR', r.stderr)
        self.assertEqual(os.listdir(self.path('cwd')), [])
        # a build of the same files gives the same manifest
        self.run_wpkg('build', '-o', self.path('lay') + ':v1', *files)
        self.assertEqual(harness.Layout(self.path('lay')).resolve('v1')['digest'], pushed['digest'])

    def test_multi_component_titles(self):
        a = harness.fixture('components/composed-wat.component.wasm')
        repo = self.repo()
        r = self.run_wpkg('push', *self.reg.flags, self.ref(repo, 'v1'), a, a, expect=3)
        self.assertIn('both would be titled "composed-wat.component.wasm"', r.stderr)
        r = self.run_wpkg('build', '-o', self.path('lay'), a, a, expect=3)
        self.assertIn('layer titles must differ', r.stderr)
        self.assertFalse(os.path.exists(self.path('lay')))
        r = self.run_wpkg('push', *self.reg.flags, '--exploded', self.ref(repo, 'v1'), a,
                          harness.fixture('components/hello-c.component.wasm'), expect=3)
        self.assertIn('2 files given: an exploded artifact holds one component', r.stderr)
        # hand-made manifests with titles that would escape the directory
        wasm = read(a)
        oci_raw.push_blob(self.reg, repo, wasm)
        config = oci_raw.rust_oci_wasm_config(wasm, 'wasip2', [], [])
        oci_raw.push_blob(self.reg, repo, config)
        for i, bad in enumerate(['../up.wasm', 'sub/x.wasm', '..', None]):
            with self.subTest(title=bad):
                annots = {TITLE: bad} if bad is not None else None
                doc = {'schemaVersion': 2, 'mediaType': oci_raw.MT_MANIFEST,
                       'config': oci_raw.descriptor(oci_raw.MT_WASM_CONFIG, config),
                       'layers': [oci_raw.descriptor('application/wasm', wasm, {TITLE: 'ok.wasm'}),
                                  oci_raw.descriptor('application/wasm', wasm, annots)]}
                oci_raw.push_manifest(self.reg, repo, 'bad%d' % i, compact(doc))
                r = self.pull(self.ref(repo, 'bad%d' % i), '-o', self.path('d%d' % i), expect=3)
                self.assertIn('layer 1' if bad is None else 'layer title "%s" is not a plain file name' % bad,
                              r.stderr)
                self.assertFalse(os.path.exists(self.path('d%d' % i, 'ok.wasm')))
        self.assertFalse(os.path.exists(self.path('up.wasm')))
        doc['layers'][1]['annotations'] = {TITLE: 'ok.wasm'}
        oci_raw.push_manifest(self.reg, repo, 'dup', compact(doc))
        r = self.pull(self.ref(repo, 'dup'), '-o', self.path('dup'), expect=3)
        self.assertIn('layers 0 and 1 are both titled "ok.wasm"', r.stderr)

    # -- inspect ------------------------------------------------------------
    def test_inspect_layer_tree(self):
        src = harness.fixture('components/hello-qjs.component.wasm')
        repo = self.repo()
        # depth 3 opens the nested components, whose identical modules then share one layer
        self.push(self.ref(repo, 'v1'), '--explode-depth', '3', '--min-layer-size', '0', src)
        doc, config = self.check_exploded(repo, 'v1', src)
        recipe = config[RECIPE_KEY]
        uses = {}
        for p in recipe['parts']:
            uses[p['layer']] = uses.get(p['layer'], 0) + 1
        r = self.run_wpkg('inspect', '--json', *self.reg.flags, self.ref(repo, 'v1'))
        ex = json.loads(r.stdout)['exploded']
        self.assertEqual(ex['size'], os.path.getsize(src))
        self.assertEqual(ex['digest'], recipe['digest'])
        self.assertEqual(ex['skeleton'], doc['layers'][0]['size'])
        self.assertEqual([(p['offset'], p['size'], p['layer']) for p in ex['parts']],
                         [(p['offset'], p['size'], p['layer']) for p in recipe['parts']])
        self.assertEqual([(c['layer'], c['uses'], c['shared']) for c in ex['constituents']],
                         [(i, uses[i], uses[i] > 1) for i in range(1, len(doc['layers']))])
        r = self.run_wpkg('inspect', *self.reg.flags, self.ref(repo, 'v1'))
        self.assertIn('exploded: %d bytes, %s\n  skeleton: layer 0, %d bytes\n'
                      % (os.path.getsize(src), recipe['digest'], doc['layers'][0]['size']), r.stdout)
        p = recipe['parts'][0]
        self.assertIn('  at %d: %d bytes from layer %d (%s)\n'
                      % (p['offset'], p['size'], p['layer'], doc['layers'][p['layer']]['annotations'][TITLE]),
                      r.stdout)
        shared = [i for i in uses if uses[i] > 1]
        for i in shared:
            self.assertIn('  shared: layer %d (%s) is used %d times\n'
                          % (i, doc['layers'][i]['annotations'][TITLE], uses[i]), r.stdout)
        if not shared:
            self.assertIn('  shared: none\n', r.stdout)
        # the same from a layout wpkg build wrote
        self.run_wpkg('build', '--explode-depth', '3', '--min-layer-size', '0', '-o', self.path('lay'), src)
        r = self.run_wpkg('inspect', '--json', 'oci-layout:' + self.path('lay'))
        self.assertEqual(json.loads(r.stdout)['exploded'], ex)

    def test_build_exploded_layout(self):
        src = harness.fixture('components/calc-qjs.component.wasm')
        os.mkdir(self.path('t'))
        r = self.run_wpkg('build', '--json', '--explode-depth', '2', '-o', self.path('lay'), src,
                          env={'TMPDIR': self.path('t')})
        built = json.loads(r.stdout)
        lay = harness.Layout(self.path('lay'))
        _, _, doc = lay.manifest('latest')
        self.assertEqual([l['digest'] for l in built['layers']], [l['digest'] for l in doc['layers']])
        self.assertIn(ENGINE, [l['digest'] for l in doc['layers']])
        for l in doc['layers']:
            self.assertEqual('sha256:' + harness.sha256_file(lay.blob_path(l['digest'])), l['digest'])
        # the skeleton's temporary is gone once build is done
        self.assertEqual(os.listdir(self.path('t')), [])
        # option errors
        r = self.run_wpkg('build', '--explode-depth', '0', '-o', self.path('x'), src, expect=2)
        self.assertIn("--explode-depth: '0' is not a depth from 1 to 64", r.stderr)
        r = self.run_wpkg('build', '--min-layer-size', '1X', '-o', self.path('x'), src, expect=2)
        self.assertIn("--min-layer-size: '1X' is not a size in bytes", r.stderr)
        r = self.run_wpkg('build', '--exploded', '--format', 'image', '-o', self.path('x'), src, expect=2)
        self.assertIn('--format image cannot be exploded: only Wasm artifacts are', r.stderr)
        r = self.run_wpkg('build', '--exploded', '-o', self.path('x'),
                          harness.fixture('modules/hello-c.core.wasm'), expect=3)
        self.assertIn('only a component can be exploded: this is a core module', r.stderr)
        self.assertEqual(hashlib.sha256(read(src)).hexdigest(), harness.sha256_file(src))


harness.main()
