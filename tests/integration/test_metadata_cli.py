# SPDX-License-Identifier: Apache-2.0
"""test_metadata_cli.py - a component's own metadata (wasm-metadata's custom sections) becomes manifest
annotations on build and push, -a wins, malformed sections are warnings, inspect shows it."""

import json
import os

import harness
import oci_raw
from regcase import RegistryCase

MD = os.path.join('metadata', 'meta-%s.component.wasm')
GOOD = {
    'org.opencontainers.image.authors': 'Nori Cat <nori@example.com>, Chashu Cat',
    'org.opencontainers.image.description': 'Says hello. Twice, loudly.',
    'org.opencontainers.image.licenses': 'Apache-2.0 WITH LLVM-exception OR MIT',
    'org.opencontainers.image.source': 'https://github.com/example/hello',
    'org.opencontainers.image.url': 'https://hello.example.com/',
    'org.opencontainers.image.revision': 'f00dfeed',
    'org.opencontainers.image.version': '1.2.3',
}
CREATED = 'org.opencontainers.image.created'


class MetadataCliTests(RegistryCase, harness.TestCase):
    VARIANT = 'plain'

    def built_annotations(self, fixture, *extra):
        lay = self.path('lay-%d' % len(os.listdir(self.path())))
        r = self.run_wpkg('build', *extra, '-o', lay + ':v1', harness.fixture(MD % fixture))
        with open(os.path.join(lay, 'index.json')) as f:
            digest = json.load(f)['manifests'][0]['digest']
        with open(os.path.join(lay, 'blobs', 'sha256', digest.split(':')[1])) as f:
            annots = json.load(f)['annotations']
        annots.pop(CREATED)
        return annots, r

    def test_build_copies_metadata(self):
        annots, r = self.built_annotations('good')
        self.assertEqual(annots, GOOD)
        self.assertEqual(r.stderr, '')
        annots, _ = self.built_annotations('legacy')
        self.assertEqual(annots, {'org.opencontainers.image.authors': 'Old Style Author',
                                  'org.opencontainers.image.revision': 'second'})
        annots, _ = self.built_annotations('none')
        self.assertEqual(annots, {})

    def test_annotation_flag_wins(self):
        annots, _ = self.built_annotations('good', '-a', 'org.opencontainers.image.licenses=MIT')
        self.assertEqual(annots, dict(GOOD, **{'org.opencontainers.image.licenses': 'MIT'}))

    def test_malformed_sections_are_warnings(self):
        annots, r = self.built_annotations('bad')
        self.assertEqual(annots, {'org.opencontainers.image.url': 'https://ok.example.com',
                                  'org.opencontainers.image.version': '2.0.0'})
        f = harness.fixture(MD % 'bad')
        self.assertEqual(r.stderr, ''.join('wpkg: warning: %s: custom section %s; not copied into the annotations\n'
                                           % (f, why) for why in (
                                               "'authors': not UTF-8", "'description': empty",
                                               "'licenses': not an SPDX license expression",
                                               "'source': not a URL", "'revision': empty")))

    def test_push_by_name_keeps_the_names_version(self):
        cfg = self.path('config.toml')
        with open(cfg, 'w') as f:
            f.write('default_registry = "%s"\n[registry."%s".oci]\nprotocol = "http"\n' % (self.reg.host,
                                                                                          self.reg.host))
        self.run_wpkg('push', '--wkg-config', cfg, 'acme:meta@0.4.0', harness.fixture(MD % 'good'))
        status, _, body = oci_raw.get_manifest(self.reg, 'acme/meta', '0.4.0')
        annots = json.loads(body)['annotations']
        annots.pop(CREATED)
        self.assertEqual(annots, dict(GOOD, **{'org.opencontainers.image.version': '0.4.0'}))

    def test_inspect_file_shows_metadata(self):
        f = harness.fixture(MD % 'good')
        r = self.run_wpkg('inspect', f)
        self.assertTrue(r.stdout.endswith('metadata:\n' + ''.join('  %s: %s\n' % kv for kv in GOOD.items())),
                        r.stdout)
        doc = json.loads(self.run_wpkg('inspect', '--json', f).stdout)
        harness.validate_schema(doc, 'cli/inspect-file')
        self.assertEqual(doc['metadata'], GOOD)
        r = self.run_wpkg('inspect', harness.fixture(MD % 'none'))
        self.assertTrue(r.stdout.endswith('metadata: none\n'), r.stdout)


if __name__ == '__main__':
    harness.main()
