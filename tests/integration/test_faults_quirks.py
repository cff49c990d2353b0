# SPDX-License-Identifier: Apache-2.0
"""test_faults_quirks.py - registry quirks that used to fail a transfer that could succeed.

A registry restarted or an upload session expired answers the PUT or PATCH with 404 BLOB_UPLOAD_UNKNOWN (or
BLOB_UPLOAD_INVALID); the whole push used to fail on it.  The blob is sent again in a new session, within
the retry budget.  A complete, correct blob under a larger Content-Length was "resumed" into a 416.
"""

import json
import os

import harness
from fakereg import Overstate, Status
from faultcase import FaultCase
from regcase import read

COMPONENT = 'components/hello-c.component.wasm'


def upload_error(code):
    return Status(404 if code == 'BLOB_UPLOAD_UNKNOWN' else 400, {'Content-Type': 'application/json'},
                  json.dumps({'errors': [{'code': code, 'message': 'blob upload unknown to registry'}]}))


class QuirkTests(FaultCase):

    def push(self, reg, *extra, expect=0):
        return self.wpkg('push', '--plain-http', '--concurrency', '1', *extra, '%s/app/hello:v1' % reg.host,
                         harness.fixture(COMPONENT), expect=expect)

    def test_stale_session_is_restarted(self):
        src = harness.fixture(COMPONENT)
        for method, code, extra in (('PUT', 'BLOB_UPLOAD_UNKNOWN', ()), ('PUT', 'BLOB_UPLOAD_INVALID', ()),
                                    ('PATCH', 'BLOB_UPLOAD_UNKNOWN', ('--chunk-size', '10K'))):
            with self.subTest(method=method, code=code):
                reg = self.registry()
                reg.fault(method, r'/blobs/uploads/', upload_error(code), times=1)
                self.push(reg, *extra)
                self.assertEqual(reg.blobs['sha256:' + harness.sha256_file(src)], read(src))
                self.assertTrue(reg.seen('PUT', r'/manifests/v1'))
                # config and layer: one POST each, and one more for the session that was forgotten
                self.assertEqual(len(reg.seen('POST', r'/blobs/uploads/')), 3)

    def test_stale_session_every_time_is_bounded(self):
        reg = self.registry()
        reg.fault('PUT', r'/blobs/uploads/', upload_error('BLOB_UPLOAD_UNKNOWN'), times=None)
        r = self.push(reg, '--retries', '2', expect=4)
        self.assertOneErrorLine(r, 'BLOB_UPLOAD_UNKNOWN')
        self.assertEqual(reg.seen('PUT', r'/manifests/'), [])
        # one blob fails first (one at a time): its first session and two new ones
        self.assertEqual(len(reg.seen('PUT', r'/blobs/uploads/')), 3)


    def test_config_over_the_document_cap_is_refused_unfetched(self):
        # a config the manifest says is over 4 MiB is a document over its size limit (3) before any byte; one
        # the manifest says is small and comes endless is a corrupt answer (6: test_fault_matrix, endless)
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry()
        digest, _ = reg.push_artifact('app/hello', 'v1', wasm)
        doc = json.loads(reg.manifests[('app/hello', digest)][1])
        doc['config']['size'] = (4 << 20) + 1
        reg.put_manifest('app/hello', 'v2', json.dumps(doc).encode())
        out = self.path('x.wasm')
        r = self.wpkg('pull', '--plain-http', '-o', out, reg.host + '/app/hello:v2', expect=3)
        self.assertOneErrorLine(r, 'config ' + doc['config']['digest'], 'its descriptor gives 4194305 bytes',
                                'more than the 4194304 a document may have')
        self.assertEqual(reg.seen('GET', '/blobs/' + doc['config']['digest']), [])
        self.assertFalse(os.path.exists(out))

    def test_complete_blob_under_larger_content_length_is_accepted(self):
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry()
        _, layer = reg.push_artifact('app/hello', 'v1', wasm)
        reg.fault('GET', r'/blobs/' + layer, Overstate(100), times=None)
        out = self.path('x.wasm')
        self.wpkg('pull', '--plain-http', '-o', out, reg.host + '/app/hello:v1')
        self.assertEqual(read(out), wasm)
        self.assertEqual(len(reg.seen('GET', r'/blobs/' + layer)), 1, 'no Range request after the last byte')

    def test_short_blob_under_larger_content_length_is_resumed(self):
        # the check is on the byte count: a blob cut short is still resumed, and a lying answer still fails
        wasm = read(harness.fixture(COMPONENT))
        reg = self.registry()
        _, layer = reg.push_artifact('app/hello', 'v1', wasm, layer_size=len(wasm) + 1)
        reg.fault('GET', r'/blobs/' + layer, Overstate(1), times=None)
        r = self.wpkg('pull', '--plain-http', '--retries', '1', '-o', self.path('x.wasm'),
                      reg.host + '/app/hello:v1', expect=None)
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(r.stdout)


if __name__ == '__main__':
    harness.main()
