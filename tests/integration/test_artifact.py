# SPDX-License-Identifier: Apache-2.0
"""test_artifact.py - pull and inspect resolve a reference alike: one index rule, whichever command asks."""

import json
import os

import harness

ENV = {'SOURCE_DATE_EPOCH': '1700000000'}
MT_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
MT_INDEX = 'application/vnd.oci.image.index.v1+json'
MT_CONFIG = 'application/vnd.wasm.config.v0+json'
REF_NAME = 'org.opencontainers.image.ref.name'
COMPONENT = 'components/composed-wat.component.wasm'
MODULE = 'modules/hello-c.core.wasm'


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def add_index(layout_dir, entries, tag):
    """Stores an image index of entries as a blob of the layout, tagged tag; returns its digest."""
    raw = json.dumps({'schemaVersion': 2, 'mediaType': MT_INDEX, 'manifests': entries}).encode()
    digest = 'sha256:' + harness.sha256_bytes(raw)
    with open(os.path.join(layout_dir, 'blobs', 'sha256', digest[7:]), 'wb') as f:
        f.write(raw)
    index = harness.Layout(layout_dir).index
    index['manifests'].append({'mediaType': MT_INDEX, 'digest': digest, 'size': len(raw),
                               'annotations': {REF_NAME: tag}})
    with open(os.path.join(layout_dir, 'index.json'), 'w') as f:
        json.dump(index, f)
    return digest


class ResolverTests(harness.TestCase):
    def build_two(self):
        out = self.path('out')
        comp = self.wpkg('build', '-o', out + ':comp', harness.fixture(COMPONENT), env=ENV).stdout.strip()
        mod = self.wpkg('build', '-o', out + ':mod', harness.fixture(MODULE), env=ENV).stdout.strip()
        layout = harness.Layout(out)
        return out, layout.resolve('comp'), layout.resolve('mod'), comp, mod

    def test_pull_and_inspect_pick_the_same_entry(self):
        # The old rules disagreed here: inspect took the first entry with a Wasm artifactType (the
        # component, though its platform says linux/amd64), pull the first with a Wasm platform.
        out, comp_desc, mod_desc, comp, mod = self.build_two()
        entries = [
            {'mediaType': MT_MANIFEST, 'digest': comp, 'size': comp_desc['size'], 'artifactType': MT_CONFIG,
             'platform': {'architecture': 'amd64', 'os': 'linux'}},
            {'mediaType': MT_MANIFEST, 'digest': mod, 'size': mod_desc['size'],
             'platform': {'architecture': 'wasm', 'os': 'wasip1'}},
        ]
        add_index(out, entries, 'idx')
        ref = 'oci-layout:%s:idx' % out
        inspected = json.loads(self.wpkg('inspect', '--json', ref).stdout)
        pulled = json.loads(self.wpkg('pull', '--json', '-o', self.path('got.wasm'), ref).stdout)
        self.assertEqual(inspected['digest'], mod)
        self.assertEqual(pulled['digest'], mod)
        self.assertEqual(inspected['config']['os'], 'wasip1')
        self.assertEqual(read(self.path('got.wasm')), read(harness.fixture(MODULE)))
        # --platform picks by os/architecture, artifactType or not
        pulled = json.loads(self.wpkg('pull', '--json', '--platform', 'linux/amd64', '-o', self.path('c.wasm'),
                                      ref).stdout)
        self.assertEqual(pulled['digest'], comp)
        self.assertEqual(read(self.path('c.wasm')), read(harness.fixture(COMPONENT)))

    def test_no_wasm_entry_is_the_same_error_for_both(self):
        # A lone entry without a Wasm platform: inspect used to show it, pull refused it.
        out, comp_desc, _, comp, _ = self.build_two()
        idx = add_index(out, [{'mediaType': MT_MANIFEST, 'digest': comp, 'size': comp_desc['size'],
                               'platform': {'architecture': 'amd64', 'os': 'linux'}}], 'lone')
        ref = 'oci-layout:%s:lone' % out
        want = ('index %s: no Wasm entry (os wasip1 or wasip2, or architecture wasm; it has linux/amd64): pass one '
                'with --platform' % idx)
        r = self.wpkg('inspect', ref, expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: inspect %s: %s\n' % (ref, want))
        r = self.wpkg('pull', '-o', self.path('x.wasm'), ref, expect=4)
        self.assertIn(want, r.stderr)
        self.assertFalse(os.path.exists(self.path('x.wasm')))


if __name__ == '__main__':
    harness.main()
