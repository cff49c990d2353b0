# SPDX-License-Identifier: Apache-2.0
"""test_referrers_local.py - attach / discover on oci-layout: and oci-archive:, and a pulled file's default name there.

A layout holds referrers as untagged index.json entries (image-spec
image-layout.md); attach must write the same artifact bytes as for a
registry, the entry must carry artifactType and annotations, discover must
find the entries by their subject, and skopeo must still read the store.
"""

import json
import os
import tarfile

import harness
from oci_raw import MT_MANIFEST, MT_WASM, MT_WASM_CONFIG, compact, descriptor, digest, rust_oci_wasm_config
from regcase import CREATED, EPOCH, read

COMPONENT = 'components/hello-c.component.wasm'
SBOM_TYPE = 'application/spdx+json'
WIT_TYPE = 'application/vnd.wasm.wit.v1+text'
EMPTY = {'mediaType': 'application/vnd.oci.empty.v1+json',
         'digest': 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', 'size': 2}
SBOM = b'{"spdxVersion":"SPDX-2.3","name":"hello-c"}\n'
WIT = b'package wpkg:hello;\n\nworld hello {\n  export run: func();\n}\n'
REF_NAME = 'org.opencontainers.image.ref.name'


def artifact(artifact_type, subject, media_type, data, title, annotations=None):
    """(bytes, referrer descriptor) of what wpkg attach must store: the registry test's bytes exactly."""
    annots = dict({'org.opencontainers.image.created': CREATED}, **(annotations or {}))
    raw = compact({'schemaVersion': 2, 'mediaType': MT_MANIFEST, 'artifactType': artifact_type, 'config': EMPTY,
                   'layers': [{'mediaType': media_type, 'digest': digest(data), 'size': len(data),
                               'annotations': {'org.opencontainers.image.title': title}}],
                   'subject': subject, 'annotations': annots})
    return raw, {'mediaType': MT_MANIFEST, 'artifactType': artifact_type, 'digest': digest(raw), 'size': len(raw),
                 'annotations': annots}


class ArchiveView:
    """index.json and blobs of an oci-archive, read with tarfile (no extraction)."""

    def __init__(self, path):
        self.path = path

    def _member(self, name):
        with tarfile.open(self.path) as tf:
            return tf.extractfile(name).read()

    @property
    def index(self):
        return json.loads(self._member('index.json'))

    def blob(self, d):
        return self._member('blobs/%s/%s' % tuple(d.split(':', 1)))

    def names(self):
        with tarfile.open(self.path) as tf:
            return tf.getnames()


class LocalReferrersTests(harness.TestCase):

    def run_wpkg(self, *args, **kw):
        env = dict(EPOCH)
        env.update(kw.pop('env', None) or {})
        return self.wpkg(*args, env=env, **kw)

    def json_wpkg(self, *args, **kw):
        return json.loads(self.run_wpkg('--json', *args, **kw).stdout)

    def write(self, name, data):
        with open(self.path(name), 'wb') as f:
            f.write(data)
        return self.path(name)

    def attach_two(self, prefix, view):
        """Pushes to prefix:v1, attaches an SBOM (by tag) and a WIT file (by digest); checks bytes and entries."""
        pushed = self.json_wpkg('push', prefix + ':v1', harness.fixture(COMPONENT))
        entry = [e for e in view.index['manifests'] if e.get('annotations', {}).get(REF_NAME) == 'v1'][0]
        subject = {'mediaType': MT_MANIFEST, 'digest': pushed['digest'], 'size': entry['size']}
        sbom_raw, sbom = artifact(SBOM_TYPE, subject, 'application/spdx+json', SBOM, 'hello.spdx.json')
        wit_raw, wit = artifact(WIT_TYPE, subject, 'text/plain', WIT, 'world.wit', {'k': 'v'})

        a1 = self.json_wpkg('attach', '--artifact-type', SBOM_TYPE, prefix + ':v1',
                            self.write('hello.spdx.json', SBOM))
        self.assertEqual((a1['digest'], a1['size'], a1['artifactType']), (sbom['digest'], sbom['size'], SBOM_TYPE))
        self.assertEqual(a1['subject'], subject)
        self.assertEqual(a1['referrers'], 'index.json')
        r = self.run_wpkg('attach', '--artifact-type', WIT_TYPE, '-a', 'k=v', prefix + '@' + pushed['digest'],
                          self.write('world.wit', WIT))
        self.assertEqual(r.stdout, wit['digest'] + '\n')

        # the exact bytes, every blob stored, and the referrers as untagged entries with type and annotations
        self.assertEqual(view.blob(sbom['digest']), sbom_raw)
        self.assertEqual(view.blob(wit['digest']), wit_raw)
        self.assertEqual(view.blob(digest(SBOM)), SBOM)
        self.assertEqual(view.blob(digest(WIT)), WIT)
        self.assertEqual(view.blob(EMPTY['digest']), b'{}')
        index = view.index
        self.assertEqual(index['manifests'], [entry, sbom, wit])
        harness.validate_schema(index, 'index')
        for d in index['manifests']:
            harness.validate_schema(d, 'descriptor')
        self.assertEqual(self.run_wpkg('tags', prefix).stdout, 'v1\n')

        # discover: both, in index.json order; the filter; the table
        self.assertEqual(self.json_wpkg('discover', prefix + ':v1'),
                         [dict(sbom, kind='sbom-spdx'), dict(wit, kind='other')])
        self.assertEqual(self.json_wpkg('discover', '--artifact-type', WIT_TYPE, prefix + '@' + pushed['digest']),
                         [dict(wit, kind='other')])
        self.assertEqual(self.json_wpkg('discover', '--artifact-type', 'application/x-none', prefix + ':v1'), [])
        self.assertEqual(self.run_wpkg('discover', prefix + ':v1').stdout,
                         '%s\n\u251c\u2500\u2500 %s  sbom-spdx  %s  %d  %s\n\u2514\u2500\u2500 %s  other  %s  %d  %s\n'
                         % (pushed['digest'], sbom['digest'], SBOM_TYPE, sbom['size'], CREATED,
                            wit['digest'], WIT_TYPE, wit['size'], CREATED))
        # an artifact of the artifact has the artifact as subject, not the component
        self.assertEqual(self.json_wpkg('discover', prefix + '@' + sbom['digest']), [])

        # attaching the same again changes nothing: same digest, one entry
        again = self.json_wpkg('attach', '--artifact-type', SBOM_TYPE, prefix + ':v1', self.path('hello.spdx.json'))
        self.assertEqual(again['digest'], sbom['digest'])
        self.assertEqual(view.index, index)
        return pushed, index

    def test_layout(self):
        layout = self.path('lay')
        pushed, _ = self.attach_two('oci-layout:' + layout, harness.Layout(layout))
        raw = self.run_cmd(['skopeo', 'inspect', '--raw', 'oci:%s:v1' % layout]).stdout.encode()
        self.assertEqual(digest(raw), pushed['digest'])
        self.assertNoTempFiles(self.tmp)

    def test_archive(self):
        archive = self.path('a.tar')
        view = ArchiveView(archive)
        pushed, index = self.attach_two('oci-archive:' + archive, view)
        raw = self.run_cmd(['skopeo', 'inspect', '--raw', 'oci-archive:%s:v1' % archive]).stdout.encode()
        self.assertEqual(digest(raw), pushed['digest'])
        names = view.names()
        self.assertEqual(names[:2], ['oci-layout', 'index.json'])
        # component, config, manifest; the two files, the empty config, the two artifact manifests
        self.assertEqual(len([n for n in names if n.startswith('blobs/sha256/')]), 8)
        # skopeo copies the archive on to a layout; the tagged manifest arrives, digest unchanged
        self.run_cmd(['skopeo', 'copy', '--quiet', 'oci-archive:%s:v1' % archive, 'oci:%s:v1' % self.path('sk')])
        self.assertEqual(harness.Layout(self.path('sk')).resolve('v1')['digest'], pushed['digest'])
        # wpkg pulls the component from it still
        pulled = self.json_wpkg('pull', '-o', self.path('out.wasm'), 'oci-archive:%s:v1' % archive)
        self.assertEqual(pulled['digest'], pushed['digest'])
        self.assertEqual(read(self.path('out.wasm')), read(harness.fixture(COMPONENT)))
        self.assertNoTempFiles(self.tmp)

    def test_missing_subject_leaves_archive_alone(self):
        archive = self.path('m.tar')
        self.json_wpkg('push', 'oci-archive:%s:v1' % archive, harness.fixture(COMPONENT))
        before = read(archive)
        r = self.run_wpkg('attach', '--artifact-type', SBOM_TYPE, 'oci-archive:%s:v2' % archive,
                          self.write('x.spdx.json', SBOM), expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: attach oci-archive:%s:v2: subject: tag "v2" not found in %s\n'
                         % (archive, archive))
        self.assertEqual(read(archive), before)
        r = self.run_wpkg('discover', 'oci-layout:' + self.path('none'), expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: discover oci-layout:%s: %s: no such directory\n'
                         % (self.path('none'), self.path('none')))
        self.assertFalse(os.path.exists(self.path('none')))
        self.assertNoTempFiles(self.tmp)

    # -- a pulled file's default name --------------------------------------------
    def hand_made_layout(self, name):
        """A layout (as another tool writes it) whose Wasm layer has no title; returns (dir, wasm bytes)."""
        wasm = read(harness.fixture('components/empty.component.wasm'))
        config = rust_oci_wasm_config(wasm, 'wasip2', [], [])
        manifest = compact({'schemaVersion': 2, 'mediaType': MT_MANIFEST,
                            'config': descriptor(MT_WASM_CONFIG, config), 'layers': [descriptor(MT_WASM, wasm)]})
        d = self.path(name)
        os.makedirs(os.path.join(d, 'blobs', 'sha256'))
        for data in (wasm, config, manifest):
            with open(os.path.join(d, 'blobs', 'sha256', digest(data).split(':')[1]), 'wb') as f:
                f.write(data)
        with open(os.path.join(d, 'oci-layout'), 'wb') as f:
            f.write(b'{"imageLayoutVersion":"1.0.0"}')
        with open(os.path.join(d, 'index.json'), 'wb') as f:
            f.write(compact({'schemaVersion': 2, 'manifests': [descriptor(MT_MANIFEST, manifest, {REF_NAME: 'v1'})]}))
        return d, wasm

    def test_default_name_without_title(self):
        layout, wasm = self.hand_made_layout('my-app')
        cwd = self.path('cwd')
        os.mkdir(cwd)
        for ref, want in (('oci-layout:%s:v1' % layout, 'my-app.wasm'),
                          ('oci-layout:%s/:v1' % layout, 'my-app.wasm'),
                          ('oci-layout:..%smy-app:v1' % os.sep, 'my-app.wasm')):
            with self.subTest(ref=ref):
                pulled = self.json_wpkg('pull', ref, cwd=cwd)
                self.assertEqual(pulled['path'], want)
                self.assertEqual(read(os.path.join(cwd, want)), wasm)
                os.unlink(os.path.join(cwd, want))
        # an archive of it: "tool.tar" gives tool.wasm, not tool.tar.wasm
        self.json_wpkg('copy', 'oci-layout:%s:v1' % layout, 'oci-archive:%s:v1' % self.path('tool.tar'))
        pulled = self.json_wpkg('pull', 'oci-archive:%s:v1' % self.path('tool.tar'), cwd=cwd)
        self.assertEqual(pulled['path'], 'tool.wasm')
        self.assertEqual(read(os.path.join(cwd, 'tool.wasm')), wasm)
        # "." names the directory it is
        pulled = self.json_wpkg('pull', '-o', cwd, 'oci-layout:.:v1', cwd=layout)
        self.assertEqual(pulled['path'], os.path.join(cwd, 'my-app.wasm'))
        self.assertEqual(sorted(os.listdir(cwd)), ['my-app.wasm', 'tool.wasm'])


harness.main()
