# SPDX-License-Identifier: Apache-2.0
"""test_faults_timing.py - slow drips, stalls and 429s cost bounded, announced time.

A 2 bytes/s answer passed curl's 1 byte/s low-speed limit and never ended; a 429 with Retry-After: 86400
made wpkg sleep 60 s before each of 5 retries, silently.  Now every answer has a deadline (--timeout,
plus its size at --min-rate), waits are capped per wait and in all, and announced.
"""

import email.utils
import time

import harness
from fakereg import Slow, Status
from faultcase import FaultCase
from regcase import read

COMPONENT = 'components/hello-c.component.wasm'


class TimingTests(FaultCase):

    def setUp(self):
        self.reg = self.registry()
        self.wasm = read(harness.fixture(COMPONENT))
        self.reg.push_artifact('app/one', 'v1', self.wasm)

    def pull(self, *extra, expect=0, timeout=harness.DEFAULT_TIMEOUT):
        t = time.monotonic()
        r = self.wpkg('pull', '--plain-http', *extra, '-o', self.path('x.wasm'), self.reg.host + '/app/one:v1',
                      expect=expect, timeout=timeout)
        return r, time.monotonic() - t

    def test_dripping_manifest_is_cut_off(self):
        self.reg.fault('GET', r'/manifests/', Slow(rate=2), times=None)
        r, took = self.pull('--timeout', '2', '--retries', '1', expect=7, timeout=30)
        self.assertOneErrorLine(r, '/manifests/v1', 'no complete answer within 2 s', '--timeout')
        self.assertLess(took, 12)
        self.assertEqual(len(self.reg.seen('GET', r'/manifests/')), 2)

    def test_dripping_blob_gets_time_by_its_size(self):
        # 57740 bytes at 4 KiB/s take ~14 s: --min-rate 1024 allows 2 + 56 s, --min-rate 65536 only 2 + 0.9 s
        self.reg.fault('GET', r'/blobs/sha256:', Slow(rate=4096), times=None)
        r, took = self.pull('--timeout', '2', '--min-rate', '65536', '--retries', '0', expect=7, timeout=30)
        self.assertOneErrorLine(r, '/blobs/sha256:', 'no complete answer within 3 s')
        self.assertLess(took, 10)
        self.pull('--timeout', '2', '--min-rate', '1024', '--retries', '0', timeout=90)
        self.assertEqual(read(self.path('x.wasm')), self.wasm)

    def test_stall_with_default_options_ends_within_120_s(self):
        self.reg.fault('GET', r'/manifests/', Slow(stall=600), times=None)
        r, took = self.pull(expect=7, timeout=150)
        self.assertOneErrorLine(r, 'no complete answer within 30 s')
        self.assertLess(took, 120)
        # tries at 0, ~30, ~61 s; a fourth could not end before 120 s
        self.assertEqual(len(self.reg.seen('GET', r'/manifests/')), 3)

    def test_huge_retry_after_fails_fast_with_the_rate_limit(self):
        self.reg.fault('GET', r'/manifests/', Status(429, {'Retry-After': '86400', 'RateLimit-Limit': '100;w=21600',
                                                           'RateLimit-Remaining': '0;w=21600'},
                                                     '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}'),
                       times=None)
        r, took = self.pull(expect=7, timeout=60)
        self.assertOneErrorLine(r, '429 TOOMANYREQUESTS', 'Retry-After: 86400', 'RateLimit-Remaining: 0;w=21600')
        self.assertLess(took, 5)
        self.assertEqual(len(self.reg.seen('GET', r'/manifests/')), 1)

    def test_long_retry_after_is_capped_and_announced(self):
        self.reg.fault('GET', r'/manifests/', Status(429, {'Retry-After': '45'}), times=None)
        r, took = self.pull(expect=7, timeout=90)
        self.assertIn('waiting 30 s: the registry answered 429, Retry-After 45 capped', r.stderr)
        # 30 s waited; the next 45 s would pass the 60 s budget: fail then, not after 5 more waits
        self.assertGreater(took, 29)
        self.assertLess(took, 40)
        self.assertEqual(len(self.reg.seen('GET', r'/manifests/')), 2)

    def test_retry_after_seconds_and_http_date(self):
        self.reg.fault('GET', r'/manifests/', Status(429, {'Retry-After': '3'}))
        r, took = self.pull()
        self.assertIn('waiting 3 s: the registry answered 429, Retry-After 3\n', r.stderr)
        self.assertGreater(took, 2.9)
        date = email.utils.formatdate(time.time() + 4, usegmt=True)
        self.reg.fault('GET', r'/manifests/', Status(429, {'Retry-After': date}))
        r, took = self.pull('-q')
        self.assertEqual(r.stderr, '')   # -q: no announcement
        self.assertGreater(took, 2)
        self.assertEqual(read(self.path('x.wasm')), self.wasm)


if __name__ == '__main__':
    harness.main()
