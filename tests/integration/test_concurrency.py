# SPDX-License-Identifier: Apache-2.0
"""test_concurrency.py - blobs moving side by side: faults among 32 parallel transfers (fakereg.py).

A drop in the middle of one of 32 layer downloads resumes that one; a drop
that never heals fails the pull with nothing written; a 5xx on one upload
fails the push with no manifest and every upload it opened cancelled; 429s
on a few blobs delay only those; and what is printed and written does not
depend on the order in which transfers finish.
"""

import hashlib
import json
import os

import harness
import test_faults
from oci_raw import leb128
from fakereg import Delay, Drop, FakeRegistry, Status

N = 32
SIZE = 96 * 1024
FEW = 4   # blobs (and a config) whose HEADs and upload sessions all fit in the default 16 connections


def component(i):
    """A valid component of its own: the preamble and one custom section of bytes seeded by i."""
    block = hashlib.sha256(b'concurrency-%d' % i).digest()
    payload = b'\x05bench' + block * (SIZE // len(block))
    return b'\x00asm\x0d\x00\x01\x00' + b'\x00' + leb128(len(payload)) + payload


def digest(data):
    return 'sha256:' + hashlib.sha256(data).hexdigest()


class ConcurrencyTests(harness.TestCase):

    def setUp(self):
        super().setUp()
        self.files = []
        for i in range(N):
            p = self.path('c%02d.wasm' % i)
            with open(p, 'wb') as f:
                f.write(component(i))
            self.files.append(p)

    def registry(self):
        reg = FakeRegistry().start()
        self.addCleanup(reg.stop)
        return reg

    def push(self, reg, ref, *extra, expect=0, files=None):
        # a fixed creation time, so that two pushes of the same files make the same manifest
        return self.wpkg('push', '--plain-http', '--json', *extra, '%s/%s' % (reg.host, ref),
                         *(files or self.files), expect=expect, env={'SOURCE_DATE_EPOCH': '1700000000'})

    def assertPulled(self, out):
        for p in self.files:
            with open(p, 'rb') as a, open(os.path.join(out, os.path.basename(p)), 'rb') as b:
                self.assertEqual(a.read(), b.read(), p)

    assertOneErrorLine = test_faults.FaultTests.assertOneErrorLine

    def test_push_sends_blobs_side_by_side_and_prints_the_same_digest(self):
        one = json.loads(self.push(self.registry(), 'app/seq:v1', '--concurrency', '1').stdout)
        reg = self.registry()
        many = json.loads(self.push(reg, 'app/par:v1', '--concurrency', '16').stdout)
        self.assertEqual(one['digest'], many['digest'])
        self.assertEqual(many['layers'], one['layers'], 'layers listed in file order, not finishing order')
        conns = {q.conn for q in reg.requests if '/blobs/' in q.path}
        self.assertGreater(len(conns), 1, 'blobs went over several connections')
        self.assertLessEqual(len(conns), 16, 'no more connections than --concurrency')
        # the first wave (one blob per connection) is asked with HEAD; none is there, so each later blob's
        # POST asks to mount it from the repository itself: "is it there?" and the session in one request
        heads = [q for q in reg.requests if q.method == 'HEAD']
        self.assertEqual(len(heads), 16, 'one HEAD per blob of the first wave')
        self.assertGreater(len({q.conn for q in heads}), 1, 'HEADs went out side by side')
        probes = reg.seen('POST', r'/blobs/uploads/\?mount=sha256%3A[0-9a-f]{64}&from=app%2Fpar$')
        self.assertEqual(len(probes), N + 1 - 16)
        self.assertEqual(len(reg.seen('POST', '/blobs/uploads/')), N + 1, 'one session per blob')
        self.assertEqual(len([q for q in reg.seen('PUT') if '/manifests/' not in q.path]), N + 1)
        self.assertEqual(len(reg.seen('PUT', r'/manifests/')), 1)
        self.assertEqual(reg.uploads, {})

    def test_push_probes_by_self_mount_only_where_the_first_wave_found_nothing(self):
        reg = self.registry()
        size = len(component(0))
        # the second half is there already; the first wave (files 0..15) is not
        self.push(reg, 'app/pkg:half', files=self.files[16:])
        reg.requests.clear()
        r = json.loads(self.push(reg, 'app/pkg:v1').stdout)
        self.assertEqual(r['bytes']['skipped'], 16 * size, 'files 16..31 found by their mount POST')
        self.assertEqual(r['bytes']['uploaded'], 16 * size + r['config']['size'])
        self.assertEqual(len(reg.seen('HEAD', '/blobs/')), 16)
        self.assertEqual(len(reg.seen('POST', r'\?mount=')), N + 1 - 16)
        for p in self.files[16:]:
            with open(p, 'rb') as f:
                d = digest(f.read())
            self.assertEqual(reg.seen('PUT', r'digest=sha256%3A' + d[7:]), [], 'not sent again')
        self.assertEqual(reg.uploads, {})
        # a repository where the first wave finds its blobs: HEAD for every blob, nothing sent, no probe
        reg.requests.clear()
        again = json.loads(self.push(reg, 'app/pkg:v2').stdout)
        self.assertEqual(again['bytes']['uploaded'], 0)
        self.assertEqual(len(reg.seen('HEAD', '/blobs/')), N + 1)
        self.assertEqual(reg.seen('POST'), [])

    def test_pull_resumes_the_one_blob_dropped_among_32(self):
        reg = self.registry()
        layers = json.loads(self.push(reg, 'app/pkg:v1').stdout)['layers']
        victim = layers[N // 2]['digest']
        reg.fault('GET', '/blobs/' + victim, Drop(SIZE // 2), times=1)
        reg.requests.clear()
        out = self.path('out')
        os.makedirs(out)  # a directory to pull the package into must exist
        self.wpkg('pull', '--plain-http', '-o', out + '/', '%s/app/pkg:v1' % reg.host)
        self.assertPulled(out)
        ranges = [q.headers.get('range') for q in reg.seen('GET', '/blobs/' + victim)]
        self.assertEqual(ranges, [None, 'bytes=%d-' % (SIZE // 2)])
        conns = {q.conn for q in reg.seen('GET', '/blobs/')}
        self.assertGreater(len(conns), 1, 'layers came over several connections')
        self.assertNoTempFiles(out)

    def test_pull_with_a_blob_that_always_drops_writes_nothing(self):
        reg = self.registry()
        layers = json.loads(self.push(reg, 'app/pkg:v1').stdout)['layers']
        victim = layers[3]['digest']
        reg.fault('GET', '/blobs/' + victim, Drop(100), times=None)
        out = self.path('out')
        os.makedirs(out)  # a directory to pull the package into must exist
        r = self.wpkg('pull', '--plain-http', '--retries', '1', '-o', out + '/', '%s/app/pkg:v1' % reg.host,
                      expect=7)
        self.assertOneErrorLine(r, victim)
        self.assertNotIn('cancelled', r.stderr, 'the error names the cause, not a cancelled neighbour')
        self.assertEqual(os.listdir(out), [], 'nothing written')
        self.assertNoTempFiles(self.tmp)
        # bounded: the victim is tried twice, and the others are not retried for its sake
        self.assertLessEqual(len(reg.seen('GET', '/blobs/' + victim)), 2 * 2)
        self.assertLessEqual(len(reg.seen('GET', '/blobs/')), N + 1 + 2)

    def test_push_with_a_5xx_on_one_blob_cancels_the_rest(self):
        reg = self.registry()
        victim = digest(component(5))
        reg.fault('PUT', r'digest=sha256%3A' + victim[7:], Status(500, body='boom'), times=None)
        r = self.push(reg, 'app/pkg:v1', '--retries', '1', expect=7)
        self.assertOneErrorLine(r, '500', victim)
        self.assertEqual(reg.seen('PUT', r'/manifests/'), [], 'no manifest PUT')
        self.assertEqual(reg.uploads, {}, 'every upload opened was finished or cancelled with DELETE')
        self.assertTrue(reg.seen('DELETE', r'/blobs/uploads/'), 'the failed upload was cancelled')
        self.assertNotIn(victim, reg.blobs)

    def test_429_on_some_blobs_delays_only_those(self):
        reg = self.registry()
        layers = json.loads(self.push(reg, 'app/pkg:v1').stdout)['layers']
        slow = [layers[i]['digest'] for i in (0, 9, 20, 31)]
        for d in slow:
            reg.fault('GET', '/blobs/' + d, Status(429, {'Retry-After': '1'}, json.dumps(
                {'errors': [{'code': 'TOOMANYREQUESTS', 'message': 'slow down'}]})), times=1)
        reg.requests.clear()
        out = self.path('out')
        os.makedirs(out)  # a directory to pull the package into must exist
        self.wpkg('pull', '--plain-http', '-o', out + '/', '%s/app/pkg:v1' % reg.host)
        self.assertPulled(out)
        retries = []
        for d in slow:
            gets = reg.seen('GET', '/blobs/' + d)
            self.assertEqual(len(gets), 2, d)
            self.assertGreaterEqual(gets[1].time - gets[0].time, 0.95, 'waited for Retry-After')
            retries.append(gets[1].time)
        others = [q.time for q in reg.seen('GET', '/blobs/') if not any(d in q.path for d in slow)]
        self.assertEqual(len(others), N + 1 - len(slow))
        self.assertLess(max(others), min(retries), 'the other blobs did not wait behind the 429s')

    def test_push_opens_each_upload_while_its_head_is_out(self):
        reg = self.registry()
        reg.fault('HEAD', '/blobs/', Delay(1.0), times=None)
        self.push(reg, 'app/pkg:v1', files=self.files[:FEW])
        heads = reg.seen('HEAD', '/blobs/')
        self.assertEqual(len(heads), FEW + 1)
        # no HEAD is answered before its second is over: POSTs inside that second did not wait for one
        early = [q for q in reg.seen('POST', '/blobs/uploads/') if q.time < heads[0].time + 0.9]
        self.assertEqual(len(early), FEW + 1, 'every upload session opened while the HEADs were out')
        conns = {q.conn for q in reg.requests if '/blobs/' in q.path}
        self.assertLessEqual(len(conns), 16, 'no more connections than --concurrency')
        self.assertEqual(reg.uploads, {}, 'every session opened was finished')
        # more blobs than half the connections: the HEADs first, then the uploads
        reg.requests.clear()
        self.push(reg, 'app/many:v1', '--concurrency', '8')
        heads = reg.seen('HEAD', '/blobs/')
        self.assertEqual(len(heads), N + 1)
        self.assertEqual([q for q in reg.seen('POST', '/blobs/uploads/') if q.time < heads[0].time + 0.9], [])

    def test_push_of_blobs_already_there_sends_none_and_leaves_no_session_open(self):
        reg = self.registry()
        self.push(reg, 'app/pkg:v1', files=self.files[:FEW])
        reg.requests.clear()
        again = json.loads(self.push(reg, 'app/pkg:v2', files=self.files[:FEW]).stdout)
        self.assertEqual(again['bytes']['uploaded'], 0)
        self.assertEqual(again['bytes']['skipped'], FEW * len(component(0)) + again['config']['size'])
        self.assertEqual(len(reg.seen('POST', '/blobs/uploads/')), FEW + 1, 'sessions opened beside the HEADs')
        self.assertEqual([q for q in reg.seen('PUT') if '/manifests/' not in q.path], [], 'no blob sent')
        self.assertEqual(reg.uploads, {}, 'each speculative session was cancelled with DELETE')
        self.assertEqual(len(reg.seen('PUT', r'/manifests/')), 1)

    def test_push_with_a_head_failing_cancels_the_open_sessions(self):
        reg = self.registry()
        victim = digest(component(2))
        reg.fault('HEAD', '/blobs/' + victim, Status(500, body='boom'), times=None)
        r = self.push(reg, 'app/pkg:v1', '--retries', '0', expect=7, files=self.files[:FEW])
        self.assertOneErrorLine(r, '500', victim)
        self.assertEqual(reg.seen('PUT', r'/manifests/'), [], 'no manifest PUT')
        self.assertEqual(reg.uploads, {}, 'every upload opened was finished or cancelled with DELETE')
        self.assertNotIn(victim, reg.blobs)

    def test_copy_opens_uploads_while_heads_are_out_and_fetches_only_missing_blobs(self):
        src, dst = self.registry(), self.registry()
        self.push(src, 'app/pkg:v1', files=self.files[:FEW])
        dst.fault('HEAD', '/blobs/', Delay(1.0), times=None)
        src.requests.clear()
        r = json.loads(self.wpkg('copy', '--plain-http', '--json', '%s/app/pkg:v1' % src.host,
                                 '%s/app/pkg:v1' % dst.host).stdout)
        self.assertEqual(r['blobs'], {'copied': FEW + 1, 'skipped': 0, 'mounted': 0})
        heads = dst.seen('HEAD', '/blobs/')
        early = [q for q in dst.seen('POST', '/blobs/uploads/') if q.time < heads[0].time + 0.9]
        self.assertGreaterEqual(len(early), 2, 'upload sessions opened while the HEADs were out')
        gets = src.seen('GET', '/blobs/')
        self.assertEqual(len(gets), FEW + 1)
        self.assertGreaterEqual(min(q.time for q in gets), heads[0].time + 0.9,
                                'no blob read from the source before the destination said it lacks it')
        self.assertEqual(dst.uploads, {})
        # again: everything is there, nothing is read from the source and no session stays open
        src.requests.clear()
        r = json.loads(self.wpkg('copy', '--plain-http', '--json', '%s/app/pkg:v1' % src.host,
                                 '%s/app/pkg:v2' % dst.host).stdout)
        self.assertEqual(r['blobs'], {'copied': 0, 'skipped': FEW + 1, 'mounted': 0})
        self.assertEqual(src.seen('GET', '/blobs/'), [])
        self.assertEqual(dst.uploads, {})

    def test_attach_sends_its_blobs_side_by_side(self):
        reg = self.registry()
        self.push(reg, 'app/pkg:v1', files=self.files[:1])
        reg.fault('HEAD', '/blobs/', Delay(1.0), times=None)
        reg.requests.clear()
        self.wpkg('attach', '--plain-http', '--artifact-type', 'application/x-test', '%s/app/pkg:v1' % reg.host,
                  *self.files[1:1 + FEW])
        heads = reg.seen('HEAD', '/blobs/')
        self.assertEqual(len(heads), FEW + 1, 'every layer and the config')
        # each HEAD takes a second: one after another they would span FEW seconds
        self.assertLess(max(q.time for q in heads) - min(q.time for q in heads), 0.9, 'the HEADs went together')
        posts = reg.seen('POST', '/blobs/uploads/')
        self.assertEqual(len(posts), FEW + 1)
        self.assertLess(max(q.time for q in posts), heads[0].time + 0.9, 'sessions opened beside the HEADs')
        # the referrer by digest, then (no referrers API here) the subject's fallback tag index
        puts = reg.seen('PUT', '/manifests/')
        self.assertEqual([q.path.split('/manifests/')[1][:7] for q in puts], ['sha256:', 'sha256-'])
        last_blob = max(q.time for q in reg.seen('PUT', '/blobs/uploads/'))
        self.assertGreaterEqual(min(q.time for q in puts), last_blob, 'the manifest after every blob')
        self.assertEqual(reg.uploads, {})
        for p in self.files[1:1 + FEW]:
            with open(p, 'rb') as f:
                self.assertIn(digest(f.read()), reg.blobs)

    def test_pull_reads_the_config_beside_the_layers(self):
        reg = self.registry()
        pushed = json.loads(self.push(reg, 'app/pkg:v1').stdout)
        one = json.loads(self.wpkg('push', '--plain-http', '--json', '%s/app/one:v1' % reg.host, self.files[0],
                                   env={'SOURCE_DATE_EPOCH': '1700000000'}).stdout)
        out = self.path('out')
        os.makedirs(out)
        for ref, doc, argv in (('app/pkg:v1', pushed, ['-o', out + '/']),
                               ('app/one:v1', one, ['-o', self.path('one.wasm')])):
            with self.subTest(ref=ref):
                cfg = doc['config']['digest']
                reg.fault('GET', '/blobs/' + cfg, Delay(1.0), times=1)
                reg.requests.clear()
                # no cache: every blob over the wire
                self.wpkg('pull', '--no-cache', '--plain-http', *argv, '%s/%s' % (reg.host, ref))
                got = reg.seen('GET', '/blobs/' + cfg)
                self.assertEqual(len(got), 1, 'one config GET')
                layers = [q for q in reg.seen('GET', '/blobs/') if cfg not in q.path]
                self.assertEqual(len(layers), len(doc['layers']))
                self.assertLess(min(q.time for q in layers), got[0].time + 0.9,
                                'the layers were asked for while the config was on its way')
        self.assertPulled(out)
        with open(self.files[0], 'rb') as a, open(self.path('one.wasm'), 'rb') as b:
            self.assertEqual(a.read(), b.read())


if __name__ == '__main__':
    harness.main()
