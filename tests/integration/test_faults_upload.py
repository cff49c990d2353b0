"""test_faults_upload.py - upload sessions the registry forgot: a push starts again from a new POST.

A registry restarted or an upload session expired answers the PUT or PATCH with 404 BLOB_UPLOAD_UNKNOWN (or
BLOB_UPLOAD_INVALID); the whole push used to fail on it.  The blob is sent again in a new session, within
the retry budget.
"""

import json

import harness
from fakereg import Status
from faultcase import FaultCase
from regcase import read

COMPONENT = 'components/hello-c.component.wasm'


def upload_error(code):
    return Status(404 if code == 'BLOB_UPLOAD_UNKNOWN' else 400, {'Content-Type': 'application/json'},
                  json.dumps({'errors': [{'code': code, 'message': 'blob upload unknown to registry'}]}))


class UploadTests(FaultCase):

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


if __name__ == '__main__':
    harness.main()
