# SPDX-License-Identifier: Apache-2.0
"""test_copy_stream.py - registry -> registry copy streams each blob from the GET into the PUT, no temporary file.

Two real docker-registries: a copy of blobs larger and smaller than the
in-memory pipe runs with TMPDIR naming a plain file (so that any temporary
file would fail the copy) and leaves byte-identical blobs and manifest at
the destination.  A fake source serving a corrupt blob: the copy fails on
the digest, the destination's upload is cancelled with a DELETE, and no
manifest reaches the destination.  A source GET dropped mid-way resumes with
Range into the same PUT; a PUT that fails on the way (5xx) sends that one
blob again the spooled way, with the upload's retries.
"""

import hashlib
import json
import os

import harness
import oci_raw
import test_faults
from fakereg import Corrupt, Drop, FakeRegistry, Status
from registry import Registry

# around the 64 KiB pipe: smaller, several times larger, and not a multiple of anything
SIZES = (1000, 96 * 1024, 1536 * 1024 + 7)
N = 12


def component(i, size):
    """A valid component of exactly size bytes: the preamble and one custom section seeded by i."""
    name = b'\x05bench'
    payload_len = size - 8 - 1 - 5
    sec = bytes([(payload_len >> (7 * k) & 0x7f) | (0x80 if k < 4 else 0) for k in range(5)])
    block = hashlib.sha256(b'copy-stream-%d' % i).digest()
    body = (block * (payload_len // len(block) + 1))[:payload_len - len(name)]
    data = b'\x00asm\x0d\x00\x01\x00' + b'\x00' + sec + name + body
    assert len(data) == size
    return data


class CopyStreamTests(harness.TestCase):

    def files(self):
        out = []
        for i in range(N):
            p = self.path('s%02d.wasm' % i)
            with open(p, 'wb') as f:
                f.write(component(i, SIZES[i % len(SIZES)]))
            out.append(p)
        return out

    assertOneErrorLine = test_faults.FaultTests.assertOneErrorLine

    def test_registry_to_registry_copy_writes_no_temporary_file(self):
        with Registry('plain') as a, Registry('plain') as b:
            env = {'SOURCE_DATE_EPOCH': '1700000000'}
            pushed = json.loads(self.wpkg('push', '--plain-http', '--json', '%s/src/pkg:v1' % a.host,
                                          *self.files(), env=env).stdout)
            # TMPDIR is a plain file: creating any temporary file in it fails (ENOTDIR)
            notdir = self.path('not-a-dir')
            with open(notdir, 'w') as f:
                f.write('x')
            empty = self.path('empty-tmp')
            os.makedirs(empty)
            for tmp, tag in ((notdir, 'v1'), (empty, 'v2')):
                r = json.loads(self.wpkg('copy', '--plain-http', '--json', '%s/src/pkg:v1' % a.host,
                                         '%s/dst/pkg:%s' % (b.host, tag), env=dict(env, TMPDIR=tmp)).stdout)
                n = N + 1
                if tag == 'v1':
                    self.assertEqual(r['blobs'], {'copied': n, 'skipped': 0, 'mounted': 0})
                else:
                    self.assertEqual(r['blobs'], {'copied': 0, 'skipped': n, 'mounted': 0})
            self.assertEqual(os.listdir(empty), [])
            status, _, body = oci_raw.get_manifest(b, 'dst/pkg', 'v1')
            self.assertEqual(status, 200)
            self.assertEqual(oci_raw.digest(body), pushed['digest'])
            status, _, src_body = oci_raw.get_manifest(a, 'src/pkg', 'v1')
            self.assertEqual(body, src_body, 'the manifest byte for byte')
            m = json.loads(body)
            for d in m['layers'] + [m['config']]:
                data = oci_raw.get_blob(b, 'dst/pkg', d['digest'])
                self.assertEqual(len(data), d['size'])
                self.assertEqual('sha256:' + hashlib.sha256(data).hexdigest(), d['digest'])
            self.assertEqual(sorted(x['size'] for x in m['layers']),
                             sorted(SIZES[i % len(SIZES)] for i in range(N)))

    def test_corrupt_source_blob_fails_the_copy_with_no_manifest_at_the_destination(self):
        src, dst = FakeRegistry().start(), FakeRegistry().start()
        self.addCleanup(src.stop)
        self.addCleanup(dst.stop)
        pushed = json.loads(self.wpkg('push', '--plain-http', '--json', '%s/app/pkg:v1' % src.host,
                                      *self.files(), env={'SOURCE_DATE_EPOCH': '1700000000'}).stdout)
        victim = [x['digest'] for x in pushed['layers'] if x['size'] == SIZES[2]][0]
        src.fault('GET', '/blobs/' + victim, Corrupt(), times=None)
        r = self.wpkg('copy', '--plain-http', '--no-progress', '--retries', '1', '%s/app/pkg:v1' % src.host,
                      '%s/app/pkg:v1' % dst.host, expect=None, env={'TMPDIR': self.path('nowhere')})
        self.assertNotEqual(r.returncode, 0)
        self.assertOneErrorLine(r, victim, 'does not match its digest')
        self.assertNotIn('cancelled', r.stderr, 'the error names the cause')
        self.assertEqual(dst.seen('PUT', '/manifests/'), [], 'no manifest pushed')
        self.assertNotIn(victim, dst.blobs, 'the corrupt bytes were never accepted')
        # the last byte waited for the digest check: the PUT was cut short before it
        puts = dst.seen('PUT', r'digest=sha256%3A' + victim[7:])
        self.assertLess(max([q.body_len for q in puts] + [0]), SIZES[2], 'no PUT carried the whole blob')
        self.assertEqual(dst.uploads, {}, 'every upload session was finished or cancelled with DELETE')
        self.assertTrue(dst.seen('DELETE', '/blobs/uploads/'), "the victim's upload was cancelled")

    def fakes(self):
        src, dst = FakeRegistry().start(), FakeRegistry().start()
        self.addCleanup(src.stop)
        self.addCleanup(dst.stop)
        pushed = json.loads(self.wpkg('push', '--plain-http', '--json', '%s/app/pkg:v1' % src.host,
                                      *self.files(), env={'SOURCE_DATE_EPOCH': '1700000000'}).stdout)
        return src, dst, pushed

    def assertCopied(self, src, dst, pushed):
        self.assertEqual(dst.manifests[('app/pkg', 'v1')], src.manifests[('app/pkg', 'v1')])
        for d in pushed['layers'] + [pushed['config']]:
            self.assertEqual('sha256:' + hashlib.sha256(dst.blobs[d['digest']]).hexdigest(), d['digest'])
        self.assertEqual(dst.uploads, {})

    def test_source_dropped_mid_blob_resumes_into_the_same_put(self):
        src, dst, pushed = self.fakes()
        victim = [x['digest'] for x in pushed['layers'] if x['size'] == SIZES[2]][0]
        src.fault('GET', '/blobs/' + victim, Drop(700 * 1024), times=1)
        self.wpkg('copy', '--plain-http', '--no-progress', '%s/app/pkg:v1' % src.host, '%s/app/pkg:v1' % dst.host,
                  env={'TMPDIR': self.path('nowhere')})
        gets = src.seen('GET', '/blobs/' + victim)
        self.assertEqual(len(gets), 2)
        self.assertEqual(gets[1].headers.get('range'), 'bytes=%d-' % (700 * 1024))
        self.assertEqual(len(dst.seen('PUT', '/blobs/uploads/.*' + victim[7:])), 1, 'one PUT for the blob')
        self.assertCopied(src, dst, pushed)

    def test_put_failing_on_the_way_sends_that_blob_again_through_a_file(self):
        src, dst, pushed = self.fakes()
        victim = [x['digest'] for x in pushed['layers'] if x['size'] == SIZES[2]][0]
        dst.fault('PUT', r'digest=sha256%3A' + victim[7:], Status(500, body='boom'), times=1)
        empty = self.path('tmp')
        os.makedirs(empty)
        self.wpkg('copy', '--plain-http', '--no-progress', '%s/app/pkg:v1' % src.host, '%s/app/pkg:v1' % dst.host,
                  env={'TMPDIR': empty})
        self.assertEqual(len(dst.seen('PUT', r'digest=sha256%3A' + victim[7:])), 2)
        self.assertEqual(len(src.seen('GET', '/blobs/' + victim)), 2, 'fetched again for the second PUT')
        self.assertEqual(os.listdir(empty), [], 'the spooled copy was removed')
        self.assertCopied(src, dst, pushed)


if __name__ == '__main__':
    harness.main()
