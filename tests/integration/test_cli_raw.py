#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_cli_raw.py - raw access to any artifact: manifest fetch [--descriptor], manifest fetch-config, blob fetch
(to a file, or streamed to stdout), on the real registry and on a layout; exact bytes, digests and messages."""

import hashlib
import json
import os
import subprocess

import harness
from regcase import RegistryCase, read

HELLO = 'components/hello-c.component.wasm'
SBOM = b'{"spdxVersion": "SPDX-2.3", "name": "hello"}\n'


def sha(b):
    return 'sha256:' + hashlib.sha256(b).hexdigest()


class RawTests(RegistryCase, harness.TestCase):
    VARIANT = 'plain'

    def test_manifest_fetch_is_exact(self):
        ref = self.ref(self.repo(), 'v1')
        digest = self.run_wpkg('push', '-q', ref, harness.fixture(HELLO)).stdout.strip()
        raw = self.wpkg_bytes('manifest', 'fetch', ref)
        self.assertEqual(sha(raw), digest)
        desc = json.loads(self.run_wpkg('manifest', 'fetch', '--descriptor', ref).stdout)
        harness.validate_schema(desc, 'cli/resolve')
        self.assertEqual(desc, {'mediaType': 'application/vnd.oci.image.manifest.v1+json', 'digest': digest,
                                'size': len(raw)})
        config = self.wpkg_bytes('manifest', 'fetch-config', ref)
        self.assertEqual(sha(config), json.loads(raw)['config']['digest'])
        r = self.run_wpkg('manifest', 'fetch', self.ref(self.repo(), 'nope'), expect=4)
        self.assertTrue(r.stderr.startswith('wpkg: error: manifest %s: ' % self.ref(self.repo(), 'nope')), r.stderr)
        self.assertEqual(r.stdout, '')
        r = self.run_wpkg('manifest', 'get', ref, expect=2)
        self.assertIn("'get' is not a manifest verb: fetch or fetch-config", r.stderr)
        r = self.run_wpkg('manifest', 'fetch-config', '--descriptor', ref, expect=2)
        self.assertIn('--descriptor goes with fetch, not fetch-config', r.stderr)

    def wpkg_bytes(self, *args, expect=0):
        p = subprocess.run([harness.WPKG] + list(args), env=self.child_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60, cwd=self.tmp)
        self.assertEqual(p.returncode, expect, p.stderr.decode(errors='replace'))
        return p.stdout

    def test_attached_sbom_reads_back(self):
        repo = self.repo()
        ref = self.ref(repo, 'v1')
        self.run_wpkg('push', '-q', ref, harness.fixture(HELLO))
        with open(self.path('sbom.spdx.json'), 'wb') as f:
            f.write(SBOM)
        att = self.run_wpkg('attach', '-q', '--artifact-type', 'application/spdx+json', ref,
                            self.path('sbom.spdx.json')).stdout.strip()
        self.assertRegex(att, r'^sha256:[0-9a-f]{64}$')
        m = json.loads(self.wpkg_bytes('manifest', 'fetch', self.ref(repo) + '@' + att))
        layer = m['layers'][0]
        self.assertEqual(layer['digest'], sha(SBOM))
        blob_ref = self.ref(repo) + '@' + layer['digest']
        out = self.run_wpkg('blob', 'fetch', blob_ref, '-o', self.path('got.json')).stdout
        self.assertEqual(out, self.path('got.json') + '\n')
        self.assertEqual(read(self.path('got.json')), SBOM)
        self.assertEqual(self.wpkg_bytes('blob', 'fetch', blob_ref, '-o', '-'), SBOM)
        doc = json.loads(self.run_wpkg('blob', 'fetch', '--format', 'json', blob_ref, '-o',
                                       self.path('g2')).stdout)
        harness.validate_schema(doc, 'cli/blob')
        self.assertEqual(doc, {'digest': sha(SBOM), 'path': self.path('g2')})
        r = self.run_wpkg('blob', 'fetch', '--keep-old-files', blob_ref, '-o', self.path('got.json'), expect=1)
        self.assertIn('-o %s: the file exists (--keep-old-files)' % self.path('got.json'), r.stderr)
        missing = self.ref(repo) + '@' + sha(b'nothing')
        r = self.run_wpkg('blob', 'fetch', missing, '-o', self.path('none'), expect=4)
        self.assertFalse(os.path.exists(self.path('none')))
        self.assertNoTempFiles(self.tmp)
        r = self.run_wpkg('blob', 'fetch', ref, '-o', self.path('x'), expect=2)
        self.assertIn("'%s' names no blob: write REPO@sha256:DIGEST (a blob has no tag)" % ref, r.stderr)
        r = self.run_wpkg('blob', 'fetch', blob_ref, expect=2)
        self.assertIn('say where the blob goes: -o FILE, or -o - for standard output', r.stderr)

    def test_pull_any_artifact_by_titles(self):
        repo = self.repo()
        ref = self.ref(repo, 'v1')
        self.run_wpkg('push', '-q', ref, harness.fixture(HELLO))
        notes = b'release notes\n'
        for name, data in (('sbom.spdx.json', SBOM), ('NOTES.txt', notes)):
            with open(self.path(name), 'wb') as f:
                f.write(data)
        att = self.run_wpkg('attach', '-q', '--artifact-type', 'application/spdx+json', ref,
                            self.path('sbom.spdx.json'), self.path('NOTES.txt')).stdout.strip()
        os.mkdir(self.path('out'))
        r = self.run_wpkg('pull', '-o', self.path('out'), self.ref(repo) + '@' + att)
        self.assertEqual(sorted(os.listdir(self.path('out'))), ['NOTES.txt', 'sbom.spdx.json'])
        self.assertEqual(read(self.path('out', 'sbom.spdx.json')), SBOM)
        self.assertEqual(read(self.path('out', 'NOTES.txt')), notes)
        self.assertIn(self.path('out', 'NOTES.txt'), r.stdout)
        self.assertIn(self.path('out', 'sbom.spdx.json'), r.stdout)
        r = self.run_wpkg('pull', '-o', self.path('one-file'), self.ref(repo) + '@' + att, expect=3)
        self.assertIn('has 2 titled layers, and -o %s is not a directory: give a directory' % self.path('one-file'),
                      r.stderr)
        self.assertFalse(os.path.exists(self.path('one-file')))
        self.assertNoTempFiles(self.tmp)

    def test_layout_blob_that_lies_is_refused(self):
        lay = self.path('lay')
        self.run_wpkg('build', '-o', 'oci-layout:%s:v1' % lay, harness.fixture(HELLO))
        m = json.loads(self.wpkg_bytes('manifest', 'fetch', 'oci-layout:%s:v1' % lay))
        d = m['layers'][0]['digest']
        self.assertEqual(self.wpkg_bytes('blob', 'fetch', 'oci-layout:%s@%s' % (lay, d), '-o', '-'),
                         read(harness.fixture(HELLO)))
        path = os.path.join(lay, 'blobs', 'sha256', d.split(':')[1])
        os.chmod(path, 0o644)
        with open(path, 'r+b') as f:
            f.seek(10)
            f.write(b'X')
        r = self.run_wpkg('blob', 'fetch', 'oci-layout:%s@%s' % (lay, d), '-o', self.path('bad'), expect=6)
        self.assertIn('does not match its digest', r.stderr)
        self.assertFalse(os.path.exists(self.path('bad')))
        self.assertNoTempFiles(self.tmp)


if __name__ == '__main__':
    harness.main()
