# SPDX-License-Identifier: Apache-2.0
"""test_cli_build_inspect.py - wpkg build / inspect / help end to end: layouts, exact config bytes, schemas, errors."""

import json
import os
import shutil
import time

import harness
from regcase import RegistryCase

EPOCH = 1700000000
CREATED = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(EPOCH))   # "2023-11-14T22:13:20Z"
ENV = {'SOURCE_DATE_EPOCH': str(EPOCH)}

MT_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
MT_CONFIG = 'application/vnd.wasm.config.v0+json'
MT_WASM = 'application/wasm'
TITLE = 'org.opencontainers.image.title'
REF_NAME = 'org.opencontainers.image.ref.name'

COMPOSED = 'components/composed-wat.component.wasm'

with open(harness.fixture('expected.json'), encoding='utf-8') as _f:
    EXPECTED = json.load(_f)

# Structurally well-formed (its export names a type that does not exist): only a validator rejects it,
# and wpkg's reader is structural, so it is packaged like any component.
STRUCTURALLY_VALID = 'bad/export-dangling-index.component.wasm'
BAD = [e['file'] for e in EXPECTED['bad'] if e['file'] != STRUCTURALLY_VALID]


def fixture_path(entry):
    """Where a fixture of expected.json lives, or None when the shared set is absent."""
    if entry['where'] == 'fixtures':
        return harness.fixture(entry['file'])
    p = os.path.join(harness.SHARED_FIXTURES, entry['file'])
    return p if os.path.exists(p) else None


def fixtures_available():
    """How many fixtures of expected.json are here: the repository's own, plus the shared set when beside us.

    The loops over fixtures assert they saw exactly this many, so that none can pass by seeing nothing.
    """
    return sum(1 for e in EXPECTED['fixtures'] if fixture_path(e) is not None)


def expected_entry(rel):
    return next(e for e in EXPECTED['fixtures'] if e['file'] == rel)


def expected_config(entry, author=None, target=None):
    """The exact config bytes: compact JSON, keys in the reference implementation's order."""
    ec = entry['expected_config']
    component = None
    if entry['kind'] == 'component':
        component = {'exports': ec['exports'], 'imports': ec['imports'], 'target': target}
    doc = {
        'created': CREATED,
        'author': author,
        'architecture': 'wasm',
        'os': ec['os'],
        'layerDigests': ['sha256:' + entry['sha256']],
        'component': component,
    }
    return json.dumps(doc, separators=(',', ':'), ensure_ascii=False).encode('utf-8')


def listing(directory):
    """Every path under directory with its bytes, to show nothing changed."""
    out = {}
    for dirpath, _dirs, files in os.walk(directory):
        for n in files:
            p = os.path.join(dirpath, n)
            with open(p, 'rb') as f:
                out[os.path.relpath(p, directory)] = f.read()
    return out


class BuildTests(harness.TestCase):
    def build(self, out, src, *extra, env=ENV, expect=0):
        return self.wpkg('build', *extra, '-o', out, src, env=env, expect=expect)

    def check_layout(self, out, tag, entry, src, stdout, author=None, target=None):
        """Everything wpkg build promises about one artifact in a layout."""
        lay = harness.Layout(out)
        with open(os.path.join(out, 'oci-layout'), 'rb') as f:
            self.assertEqual(json.loads(f.read()), {'imageLayoutVersion': '1.0.0'})
        desc, raw, manifest = lay.manifest(tag)
        digest = stdout.strip()
        self.assertEqual(stdout, digest + '\n')
        self.assertEqual(desc['digest'], digest)
        self.assertEqual(desc['mediaType'], MT_MANIFEST)
        self.assertEqual(desc['size'], len(raw))
        self.assertEqual('sha256:' + harness.sha256_bytes(raw), digest)

        self.assertEqual(manifest['schemaVersion'], 2)
        self.assertEqual(manifest['mediaType'], MT_MANIFEST)
        cfg_desc = manifest['config']
        self.assertEqual(cfg_desc['mediaType'], MT_CONFIG)
        config = lay.blob(cfg_desc['digest'])
        self.assertEqual(config, expected_config(entry, author, target))
        self.assertEqual(cfg_desc['digest'], 'sha256:' + harness.sha256_bytes(config))
        self.assertEqual(cfg_desc['size'], len(config))

        self.assertEqual(len(manifest['layers']), 1)
        layer = manifest['layers'][0]
        self.assertEqual(layer['mediaType'], MT_WASM)
        self.assertEqual(layer['digest'], 'sha256:' + entry['sha256'])
        self.assertEqual(layer['size'], entry['size'])
        self.assertEqual(layer['annotations'][TITLE], os.path.basename(src))
        self.assertEqual(harness.sha256_file(lay.blob_path(layer['digest'])), entry['sha256'])
        self.assertNoTempFiles(out)
        return manifest, config

    def test_build_every_fixture(self):
        built = 0
        for entry in EXPECTED['fixtures']:
            src = fixture_path(entry)
            if src is None:
                continue
            with self.subTest(fixture=entry['file']):
                out = self.path('out-%d' % built)
                r = self.build(out + ':v1', src)
                self.assertEqual(r.stderr, '')
                self.check_layout(out, 'v1', entry, src, r.stdout)
                built += 1
        self.assertEqual(built, fixtures_available())
        self.assertGreaterEqual(built, 11)

    def test_default_tag_is_latest_and_oci_layout_prefix(self):
        entry = expected_entry(COMPOSED)
        src = harness.fixture(COMPOSED)
        r = self.build(self.path('a'), src)
        self.check_layout(self.path('a'), 'latest', entry, src, r.stdout)
        r2 = self.build('oci-layout:' + self.path('b') + ':x', src)
        self.check_layout(self.path('b'), 'x', entry, src, r2.stdout)
        self.assertEqual(r.stdout, r2.stdout)

    def test_two_builds_are_byte_identical(self):
        src = harness.fixture('components/hello-c.component.wasm')
        r1 = self.build(self.path('one'), src)
        r2 = self.build(self.path('two'), src)
        self.assertEqual(r1.stdout, r2.stdout)
        self.assertEqual(listing(self.path('one')), listing(self.path('two')))

    def test_created_follows_source_date_epoch(self):
        src = harness.fixture(COMPOSED)
        r1 = self.build(self.path('one'), src)
        r2 = self.build(self.path('two'), src, env={'SOURCE_DATE_EPOCH': str(EPOCH + 1)})
        self.assertNotEqual(r1.stdout, r2.stdout)
        _d, _raw, m = harness.Layout(self.path('two')).manifest('latest')
        cfg = json.loads(harness.Layout(self.path('two')).blob(m['config']['digest']))
        self.assertEqual(cfg['created'], '2023-11-14T22:13:21Z')
        r = self.build(self.path('bad'), src, env={'SOURCE_DATE_EPOCH': 'soon'}, expect=3)
        self.assertIn('SOURCE_DATE_EPOCH', r.stderr)
        self.assertFalse(os.path.exists(self.path('bad')))

    def test_author_target_and_annotations(self):
        entry = expected_entry(COMPOSED)
        src = harness.fixture(COMPOSED)
        with open(self.path('annotations.json'), 'w') as f:
            json.dump({'$manifest': {'from.file': 'f', 'both': 'file'},
                       'composed-wat.component.wasm': {'layer.key': 'layer value'}}, f)
        r = self.build(self.path('out'), src, '--author', 'Ada Lovelace <ada@example.com>',
                       '--target', 'wasi:cli/command@0.2.0', '-a', 'org.example.a=1',
                       '--annotation=both=flag', '--annotation-file', self.path('annotations.json'))
        manifest, _cfg = self.check_layout(self.path('out'), 'latest', entry, src, r.stdout,
                                           author='Ada Lovelace <ada@example.com>',
                                           target='wasi:cli/command@0.2.0')
        annots = manifest['annotations']
        self.assertEqual(annots['org.example.a'], '1')
        self.assertEqual(annots['from.file'], 'f')
        self.assertEqual(annots['both'], 'flag')        # -a wins over the file
        self.assertEqual(manifest['layers'][0]['annotations']['layer.key'], 'layer value')
        self.assertNotIn('layer.key', annots)

    def test_bad_annotation(self):
        src = harness.fixture(COMPOSED)
        r = self.build(self.path('out'), src, '-a', 'no-equals-sign', expect=3)
        self.assertTrue(r.stderr.startswith('wpkg: error: '), r.stderr)
        self.assertFalse(os.path.exists(self.path('out')))

    def test_several_tags_in_one_layout(self):
        a = harness.fixture(COMPOSED)
        b = harness.fixture('modules/hello-c.core.wasm')
        out = self.path('out')
        da = self.build(out + ':one', a).stdout.strip()
        db = self.build(out + ':two', b).stdout.strip()
        self.assertEqual(self.build(out + ':three', a).stdout.strip(), da)
        lay = harness.Layout(out)
        tags = {m['annotations'][REF_NAME]: m['digest'] for m in lay.index['manifests']}
        self.assertEqual(tags, {'one': da, 'two': db, 'three': da})
        # moving a tag replaces its entry and keeps the others
        self.build(out + ':one', b)
        tags = {m['annotations'][REF_NAME]: m['digest'] for m in lay.index['manifests']}
        self.assertEqual(tags, {'one': db, 'two': db, 'three': da})
        self.assertNoTempFiles(out)

    def test_documents_validate_against_schemas(self):
        for rel in (COMPOSED, 'modules/hello-c.core.wasm'):
            with self.subTest(fixture=rel):
                out = self.path(os.path.basename(rel))
                self.build(out, harness.fixture(rel), '-a', 'k=v')
                lay = harness.Layout(out)
                _d, raw, manifest = lay.manifest('latest')
                for doc, name in ((raw, 'manifest'), (lay.blob(manifest['config']['digest']), 'wasm-config'),
                                  (lay.index, 'index'), (lay.read_json('oci-layout'), 'oci-layout')):
                    if not os.path.exists(os.path.join(harness.SCHEMAS, name + '.schema.json')):
                        self.fail('schema missing: schemas/%s.schema.json' % name)
                    harness.validate_schema(doc, name)

    def test_json_output(self):
        src = harness.fixture(COMPOSED)
        out = self.path('out')
        r = self.wpkg('build', '--json', '-o', out + ':j', src, env=ENV)
        doc = json.loads(r.stdout)
        _d, raw, manifest = harness.Layout(out).manifest('j')
        self.assertEqual(list(doc), ['reference', 'digest', 'mediaType', 'size', 'config', 'layers'])
        self.assertEqual(doc['reference'], 'oci-layout:%s:j' % out)
        self.assertEqual(doc['digest'], 'sha256:' + harness.sha256_bytes(raw))
        self.assertEqual(doc['mediaType'], MT_MANIFEST)
        self.assertEqual(doc['size'], len(raw))
        self.assertEqual(doc['config'], {'digest': manifest['config']['digest'],
                                         'size': manifest['config']['size']})
        self.assertEqual(doc['layers'], [{'digest': manifest['layers'][0]['digest'],
                                          'size': 1106, 'mediaType': MT_WASM,
                                          'title': 'composed-wat.component.wasm'}])
        self.assertTrue(r.stdout.startswith('{\n  "reference": '), r.stdout)

    def test_bad_inputs_exit_3_and_write_nothing(self):
        existing = self.path('existing')
        self.build(existing, harness.fixture(COMPOSED))
        before = listing(existing)
        for rel in BAD:
            src = harness.fixture(rel)
            with self.subTest(bad=rel):
                out = self.path('out-' + os.path.basename(src))
                r = self.build(out, src, expect=3)
                self.assertEqual(r.stdout, '')
                lines = r.stderr.splitlines()
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith('wpkg: error: '), lines[0])
                self.assertIn(src, lines[0])
                self.assertFalse(os.path.exists(out))
                self.build(existing + ':bad', src, expect=3)
                self.assertEqual(listing(existing), before)

    def test_missing_file_exit_4(self):
        src = self.path('nope.wasm')
        r = self.build(self.path('out'), src, expect=4)
        self.assertEqual(r.stderr.splitlines()[0][:13], 'wpkg: error: ')
        self.assertIn(src, r.stderr)
        self.assertEqual(len(r.stderr.splitlines()), 1)
        self.assertFalse(os.path.exists(self.path('out')))

    def test_usage_errors_exit_2(self):
        src = harness.fixture(COMPOSED)
        cases = [
            (['build', src], "wpkg: error: build: missing -o DIR[:TAG]"),
            (['build', '-o', self.path('o')], 'wpkg: error: build: missing FILE'),
            (['build', '-o'], "wpkg: error: build: option '-o' needs a value (DIR[:TAG])"),
            (['build', '--output'], "wpkg: error: build: option '--output' needs a value (DIR[:TAG])"),
            (['build', '--bogus', '-o', self.path('o'), src], "wpkg: error: build: unknown option '--bogus'"),
            (['build', '-Z', '-o', self.path('o'), src], "wpkg: error: build: unknown option '-Z'"),
            (['build', '--json=yes', '-o', self.path('o'), src],
             "wpkg: error: build: option '--json' takes no value"),
            (['build', '-o', self.path('o') + '@sha256:' + 'a' * 64, src], None),
            (['inspect'], 'wpkg: error: inspect: missing FILE or REF'),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = self.wpkg(*args, expect=2 if message is not None else 3)
                if message is None:
                    continue
                self.assertEqual(r.stdout, '')
                self.assertEqual(r.stderr, '%s\nTry \'wpkg %s --help\'.\n' % (message, args[0]))
        self.assertFalse(os.path.exists(self.path('o')))

    def test_options_anywhere_and_double_dash(self):
        src = harness.fixture(COMPOSED)
        weird = self.path('-weird.wasm')
        shutil.copy(src, weird)
        r1 = self.wpkg('build', src, '-o', self.path('a'), env=ENV)
        r2 = self.wpkg('-q', 'build', '--output=' + self.path('b'), src, env=ENV)
        self.assertEqual(r2.stdout, r1.stdout)              # -q before the command; the result stays
        r3 = self.wpkg('build', '-o' + self.path('c'), '--', weird, env=ENV, cwd=self.tmp)
        self.assertEqual(harness.Layout(self.path('b')).resolve('latest')['digest'], r1.stdout.strip())
        _d, _raw, m = harness.Layout(self.path('c')).manifest('latest')
        self.assertEqual(m['layers'][0]['annotations'][TITLE], '-weird.wasm')
        self.assertEqual(harness.Layout(self.path('c')).resolve('latest')['digest'] + '\n', r3.stdout)
        self.assertNotEqual(r3.stdout, r1.stdout)           # the title differs
        r4 = self.wpkg('build', '-qo', self.path('d'), src, env=ENV)    # bundled flag + value
        self.assertEqual((r4.stdout, r4.stderr), (r1.stdout, ''))
        self.assertEqual(harness.Layout(self.path('d')).resolve('latest')['digest'], r1.stdout.strip())


class InspectTests(harness.TestCase):
    def test_inspect_json_matches_expected(self):
        seen = 0
        for entry in EXPECTED['fixtures']:
            src = fixture_path(entry)
            if src is None:
                continue
            with self.subTest(fixture=entry['file']):
                doc = json.loads(self.wpkg('inspect', '--json', src).stdout)
                self.assertEqual(doc['file'], src)
                self.assertEqual(doc['kind'], entry['kind'])
                self.assertEqual(doc['os'], entry['expected_config']['os'])
                self.assertEqual(doc['size'], entry['size'])
                self.assertEqual(doc['sha256'], entry['sha256'])
                self.assertEqual(doc['imports'], entry['expected_config']['imports'])
                self.assertEqual(doc['exports'], entry['expected_config']['exports'])
                self.assertEqual(doc['witPackage'], entry['is_wit_package'])
                # expected.json keeps its generator's snake_case; wpkg's output is camelCase throughout
                camel = {'section_offset': 'sectionOffset', 'header_len': 'headerLen'}
                self.assertEqual(doc['parts'], [{camel.get(k, k): v for k, v in p.items()} for p in entry['nested']])
                harness.validate_schema(doc, 'cli/inspect-file')
                seen += 1
        self.assertEqual(seen, fixtures_available())
        self.assertGreaterEqual(seen, 11)

    def test_inspect_text_golden(self):
        src = harness.fixture(COMPOSED)
        r = self.wpkg('inspect', src)
        self.assertEqual(r.stderr, '')
        self.assertEqual(r.stdout, GOLDEN_COMPOSED % src)

    def test_inspect_wit_package(self):
        src = harness.shared_fixture('external/rust-oci-wasm/binary_wit.wasm')
        r = self.wpkg('inspect', src)
        self.assertIn('\nWIT package: wasi:http@0.2.0\n', r.stdout)
        r = self.wpkg('inspect', harness.fixture(COMPOSED))
        self.assertNotIn('WIT package', r.stdout)

    def test_inspect_bad_and_missing(self):
        for rel in BAD:
            src = harness.fixture(rel)
            with self.subTest(bad=rel):
                r = self.wpkg('inspect', src, expect=3)
                self.assertEqual(r.stdout, '')
                self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
                self.assertTrue(r.stderr.startswith('wpkg: error: %s' % src), r.stderr)
        r = self.wpkg('inspect', self.path('missing.wasm'), expect=4)
        self.assertTrue(r.stderr.startswith('wpkg: error: %s' % self.path('missing.wasm')), r.stderr)

    def test_structurally_valid_component_is_accepted(self):
        doc = json.loads(self.wpkg('inspect', '--json', harness.fixture(STRUCTURALLY_VALID)).stdout)
        self.assertEqual((doc['kind'], doc['size'], doc['exports'], doc['parts']), ('component', 17, ['t'], []))

    def test_inspect_layout(self):
        src = harness.fixture(COMPOSED)
        out = self.path('out')
        digest = self.wpkg('build', '--author', 'me', '-a', 'k=v', '-o', out + ':t', src, env=ENV).stdout.strip()
        _d, raw, manifest = harness.Layout(out).manifest('t')
        doc = json.loads(self.wpkg('inspect', '--json', 'oci-layout:' + out + ':t').stdout)
        cfg = manifest['config']
        self.assertEqual(doc, {
            'reference': 'oci-layout:%s:t' % out,
            'digest': digest,
            'mediaType': MT_MANIFEST,
            'size': len(raw),
            'config': {
                'mediaType': MT_CONFIG, 'digest': cfg['digest'], 'size': cfg['size'],
                'created': CREATED, 'author': 'me', 'architecture': 'wasm', 'os': 'wasip2',
                'layerDigests': ['sha256:db9cacee54e7988a1ecd2ebb032aa46c826d1f8c5ca50ba694fd930112586e4a'],
                'component': {'exports': ['local:composed/api@0.1.0', 'run'],
                              'imports': ['wasi:clocks/monotonic-clock@0.2.0'], 'target': None},
            },
            'layers': [{'mediaType': MT_WASM,
                        'digest': 'sha256:db9cacee54e7988a1ecd2ebb032aa46c826d1f8c5ca50ba694fd930112586e4a',
                        'size': 1106, 'title': 'composed-wat.component.wasm'}],
            'annotations': manifest['annotations'],
        })
        self.assertEqual(doc['annotations']['k'], 'v')
        text = self.wpkg('inspect', 'oci-layout:' + out + ':t').stdout
        self.assertIn('digest: %s\n' % digest, text)
        self.assertIn('  os: wasip2\n', text)
        self.assertIn('  author: me\n', text)
        self.assertIn('  application/wasm sha256:db9cacee54e7988a1ecd2ebb032aa46c826d1f8c5ca50ba694fd930112586e4a'
                      ' 1106 composed-wat.component.wasm\n', text)
        # by digest too
        by_digest = json.loads(self.wpkg('inspect', '--json', 'oci-layout:%s@%s' % (out, digest)).stdout)
        self.assertEqual(by_digest['digest'], digest)

    def test_inspect_layout_errors(self):
        src = harness.fixture(COMPOSED)
        out = self.path('out')
        self.wpkg('build', '-o', out, src, env=ENV)
        r = self.wpkg('inspect', 'oci-layout:' + out + ':nosuchtag', expect=4)
        self.assertTrue(r.stderr.startswith('wpkg: error: '), r.stderr)
        self.assertIn('nosuchtag', r.stderr)
        r = self.wpkg('inspect', 'oci-layout:' + self.path('nolayout'), expect=4)
        self.assertTrue(r.stderr.startswith('wpkg: error: '), r.stderr)
        r = self.wpkg('inspect', 'oci-archive:' + self.path('x.tar'), expect=4)
        self.assertIn("x.tar: No such file or directory", r.stderr)
        r = self.wpkg('inspect', 'Bad/Reference', expect=3)
        self.assertTrue(r.stderr.startswith('wpkg: error: invalid reference "Bad/Reference"'), r.stderr)


def add_index(layout_dir, manifest_desc, tag):
    """Wraps a manifest in an image index blob tagged tag, as multi-platform tools write it."""
    entry = {'mediaType': MT_MANIFEST, 'digest': manifest_desc['digest'], 'size': manifest_desc['size'],
             'platform': {'architecture': 'wasm', 'os': 'wasip2'}}
    other = dict(entry, platform={'architecture': 'amd64', 'os': 'linux'})
    raw = json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.index.v1+json',
                      'manifests': [other, entry]}).encode()
    digest = 'sha256:' + harness.sha256_bytes(raw)
    with open(os.path.join(layout_dir, 'blobs', 'sha256', digest[7:]), 'wb') as f:
        f.write(raw)
    with open(os.path.join(layout_dir, 'index.json')) as f:
        index = json.load(f)
    index['manifests'].append({'mediaType': 'application/vnd.oci.image.index.v1+json', 'digest': digest,
                               'size': len(raw), 'annotations': {REF_NAME: tag}})
    with open(os.path.join(layout_dir, 'index.json'), 'w') as f:
        json.dump(index, f)
    return digest


class InspectIndexTests(harness.TestCase):
    def test_layout_index_is_followed_to_the_wasm_entry(self):
        out = self.path('out')
        digest = self.wpkg('build', '-o', out + ':m', harness.fixture(COMPOSED), env=ENV).stdout.strip()
        add_index(out, harness.Layout(out).resolve('m'), 'idx')
        doc = json.loads(self.wpkg('inspect', '--json', 'oci-layout:' + out + ':idx').stdout)
        self.assertEqual(doc['digest'], digest)
        self.assertEqual(doc['config']['os'], 'wasip2')


class InspectRegistryTests(RegistryCase, harness.TestCase):
    """inspect REF against Debian's docker-registry; the artifact is put there by skopeo, not by wpkg."""

    VARIANT = 'basic'

    def put(self, repo_tag):
        out = self.path('out')
        digest = self.wpkg('build', '-a', 'k=v', '-o', out + ':t', harness.fixture(COMPOSED), env=ENV).stdout.strip()
        self.run_cmd(['skopeo', '--insecure-policy', 'copy', '--preserve-digests', *self.reg.skopeo_flags(dest=True),
                      'oci:' + out + ':t', 'docker://%s/%s' % (self.reg.host, repo_tag)], timeout=300)
        return out, digest

    def creds(self):
        return ['-u', self.reg.username, '--password-stdin']

    def test_inspect_registry_ref(self):
        out, digest = self.put('cli/inspect:v1')
        ref = '%s/cli/inspect:v1' % self.reg.host
        r = self.wpkg('inspect', '--json', *self.reg.flags, *self.creds(), ref, input=self.reg.password + '\n')
        doc = json.loads(r.stdout)
        local = json.loads(self.wpkg('inspect', '--json', 'oci-layout:' + out + ':t').stdout)
        local['reference'] = ref
        self.assertEqual(doc, local)
        self.assertEqual(doc['digest'], digest)
        # by digest, options after the reference
        r = self.wpkg('inspect', '%s/cli/inspect@%s' % (self.reg.host, digest), *self.reg.flags, *self.creds(),
                      input=self.reg.password + '\n')
        self.assertIn('digest: %s\n' % digest, r.stdout)

    def test_credentials_from_docker_config(self):
        import base64
        self.put('cli/stored:v1')
        os.makedirs(self.docker_config, exist_ok=True)
        auth = base64.b64encode(('%s:%s' % (self.reg.username, self.reg.password)).encode()).decode()
        with open(os.path.join(self.docker_config, 'config.json'), 'w') as f:
            json.dump({'auths': {self.reg.host: {'auth': auth}}}, f)
        r = self.wpkg('inspect', *self.reg.flags, '%s/cli/stored:v1' % self.reg.host)
        self.assertIn('  os: wasip2\n', r.stdout)

    def test_unauthorized_gives_login_hint(self):
        self.put('cli/secret:v1')
        r = self.wpkg('inspect', *self.reg.flags, '%s/cli/secret:v1' % self.reg.host, expect=5)
        lines = r.stderr.splitlines()
        self.assertTrue(lines[0].startswith('wpkg: error: '), r.stderr)
        self.assertEqual(lines[-1], 'wpkg: hint: no credentials for %s were found (-u, config.json, credential helpers, '
                                    'auth.json): run: wpkg login %s, or pass -u USER --password-stdin'
                         % (self.reg.host, self.reg.host))

    def test_username_without_password_off_terminal(self):
        r = self.wpkg('inspect', *self.reg.flags, '-u', 'someone', '%s/cli/x:v1' % self.reg.host, expect=3)
        self.assertIn('--password-stdin', r.stderr)

    def test_password_flag_warns(self):
        self.put('cli/warn:v1')
        r = self.wpkg('inspect', *self.reg.flags, '-u', self.reg.username, '-p', self.reg.password,
                      '%s/cli/warn:v1' % self.reg.host)
        self.assertIn('wpkg: warning: ', r.stderr)
        self.assertNotIn(self.reg.password, r.stderr)

    def test_missing_tag_exit_4(self):
        r = self.wpkg('inspect', *self.reg.flags, *self.creds(), '%s/cli/none:v1' % self.reg.host,
                      input=self.reg.password + '\n', expect=4)
        self.assertTrue(r.stderr.startswith('wpkg: error: '), r.stderr)

    def test_bad_registry_option_values(self):
        for opt in (['--retries', 'x'], ['--retries=101'], ['--connect-timeout=0'], ['--connect-timeout', '99999']):
            with self.subTest(opt=opt):
                r = self.wpkg('inspect', *opt, 'localhost:1/x:y', expect=2)
                self.assertTrue(r.stderr.startswith('wpkg: error: inspect: --'), r.stderr)


# The exact text of "wpkg inspect" for composed-wat (values checked against manifest.json and the .meta.txt).
GOLDEN_COMPOSED = """\
file: %s
kind: component
os: wasip2
size: 1106
sha256: db9cacee54e7988a1ecd2ebb032aa46c826d1f8c5ca50ba694fd930112586e4a
imports:
  wasi:clocks/monotonic-clock@0.2.0
exports:
  local:composed/api@0.1.0
  run
producers:
  processed-by: handwritten-wat 1.0.0
  language: WAT
parts:
  #1 module  size 113  offset 93  sha256 bc94e05246d9
  #2 module  size 166  offset 259  sha256 a3b3c17a240f
  #3 component  size 190  offset 506  sha256 aa27649e8298
    #4 module  size 50  offset 516  sha256 a908b45d68ce
metadata: none
"""


class MainTests(harness.TestCase):
    def test_version(self):
        r = self.wpkg('--version')
        self.assertRegex(r.stdout, r'\Awpkg 0\.1\.0 \(commit ([0-9a-f]{12}|unknown)\)\nlibwpkg 0\.1\.0\n'
                         r'libcurl [0-9.]+\nOpenSSL [0-9]+\.[0-9.]+[^\n]*\n\Z')
        self.assertEqual(r.stderr, '')
        self.assertEqual(self.wpkg('version').stdout, r.stdout)

    def test_every_command_help(self):
        for name in ('build', 'inspect', 'push', 'pull', 'tags', 'tag', 'delete', 'copy', 'attach', 'discover',
                     'login', 'logout'):
            with self.subTest(command=name):
                r = self.wpkg(name, '--help')
                self.assertTrue(r.stdout.startswith('Usage: wpkg %s ' % name), r.stdout)
                self.assertEqual(r.stderr, '')
                self.assertEqual(self.wpkg('help', name).stdout, r.stdout)

    def test_help(self):
        top = self.wpkg('--help').stdout
        self.assertTrue(top.startswith('Usage: wpkg [OPTIONS] COMMAND [ARGS...]\n'), top)
        for name in ('build', 'inspect', 'push', 'pull', 'tags', 'tag', 'delete', 'copy', 'login', 'logout', 'attach',
                     'discover', 'help'):
            self.assertRegex(top, r'\n  %s +\S' % name)
        self.assertEqual(self.wpkg('help').stdout, top)
        build = self.wpkg('build', '--help').stdout
        self.assertTrue(build.startswith('Usage: wpkg build [OPTIONS] -o DIR[:TAG] FILE...\n'), build)
        self.assertIn('  -o, --output=DIR[:TAG]', build)
        self.assertIn('      --annotation-file=FILE', build)
        self.assertIn('  -q, --quiet', build)
        self.assertEqual(self.wpkg('help', 'build').stdout, build)
        self.assertEqual(self.wpkg('build', '-h', '--bogus-after-help-is-not-reached').stdout, build)
        inspect = self.wpkg('help', 'inspect').stdout
        self.assertIn('Registry options:\n      --plain-http', inspect)

    def test_no_command(self):
        r = self.wpkg(expect=2)
        self.assertEqual(r.stdout, '')
        self.assertTrue(r.stderr.startswith('Usage: wpkg '), r.stderr)

    def test_unknown_command(self):
        r = self.wpkg('pussh', expect=2)
        self.assertEqual(r.stderr, "wpkg: error: unknown command 'pussh' (did you mean 'push'?)\n"
                                   "Try 'wpkg --help'.\n")
        r = self.wpkg('frobnicate', expect=2)
        self.assertEqual(r.stderr, "wpkg: error: unknown command 'frobnicate'\nTry 'wpkg --help'.\n")
        r = self.wpkg('help', 'biuld', expect=2)
        self.assertEqual(r.stderr, "wpkg: error: help: unknown command 'biuld' (did you mean 'build'?)\n"
                                   "Try 'wpkg help --help'.\n")
        r = self.wpkg('--bogus', expect=2)
        self.assertEqual(r.stderr, "wpkg: error: unknown option '--bogus'\nTry 'wpkg --help'.\n")

    def test_stdout_write_error_is_a_failure(self):
        if not os.path.exists('/dev/full'):
            self.skipTest('no /dev/full')
        with open('/dev/full', 'w') as full:
            import subprocess
            r = subprocess.run([harness.WPKG, '--version'], stdout=full, stderr=subprocess.PIPE, text=True,
                               env=self.child_env())
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith('wpkg: error: write to standard output: '), r.stderr)


harness.main()
