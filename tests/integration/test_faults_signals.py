# SPDX-License-Identifier: Apache-2.0
"""test_faults_signals.py - SIGINT/SIGTERM/SIGHUP in the middle of a transfer leave no temporary behind.

A fake registry drips every blob slowly; once a blob is on its way, wpkg gets the signal.  It must end
by that signal (a shell shows 130/143/129) and leave nothing: no ".NAME.XXXXXX" beside the output, no
$TMPDIR/wpkg-* file or directory, no partial layout blob, no output at all.
"""

import os
import signal
import subprocess
import time

import harness
from fakereg import Slow
from faultcase import FaultCase
from regcase import read

COMPONENT = 'components/hello-c.component.wasm'
BIG_COMPONENT = 'components/calc-qjs.component.wasm'
OTHER = 'components/greeter-plugged.composed.wasm'


class SignalTests(FaultCase):

    def setUp(self):
        self.reg = self.registry()
        self.tmpdir = self.path('tmp')
        os.makedirs(self.tmpdir)
        self.out = self.path('out')
        os.makedirs(self.out)

    def push(self, ref, *args):
        self.wpkg('push', '--plain-http', *(list(args[:-1]) + ['%s/%s' % (self.reg.host, ref)] +
                                            [harness.fixture(f) for f in args[-1]]))

    def interrupt(self, argv, sig=signal.SIGINT):
        """Runs wpkg argv with every blob GET dripping; sends sig once a blob is under way."""
        self.reg.fault('GET', r'/blobs/sha256:', Slow(rate=4096), times=None)
        start = len(self.reg.requests)
        p = subprocess.Popen([harness.WPKG] + argv, env=self.child_env({'TMPDIR': self.tmpdir}), cwd=self.tmp,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 15
        while not any(q.method == 'GET' and '/blobs/' in q.path for q in self.reg.requests[start:]):
            if p.poll() is not None:
                self.fail('wpkg ended before any blob: ' + p.stderr.read())
            self.assertLess(time.monotonic(), deadline, 'no blob requested')
            time.sleep(0.02)
        time.sleep(0.7)   # bytes written to the temporaries by now
        self.assertIsNone(p.poll(), 'wpkg finished before the signal')
        p.send_signal(sig)
        _, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, -sig, err)
        self.assertEqual(os.listdir(self.tmpdir), [], 'temporaries left in $TMPDIR')
        self.assertNoTempFiles(self.tmp)
        return err

    def test_sigint_single_file_pull(self):
        self.reg.push_artifact('app/one', 'v1', read(harness.fixture(COMPONENT)))
        self.interrupt(['pull', '--plain-http', '-o', os.path.join(self.out, 'x.wasm'), self.reg.host + '/app/one:v1'])
        self.assertEqual(os.listdir(self.out), [])

    def test_sigterm_multi_file_pull(self):
        self.push('app/multi:v1', [COMPONENT, OTHER])
        self.interrupt(['pull', '--plain-http', '-o', self.out + '/', self.reg.host + '/app/multi:v1'],
                       signal.SIGTERM)
        self.assertEqual(os.listdir(self.out), [])

    def test_sighup_exploded_pull(self):
        self.push('app/exp:v1', '--explode-depth', '2', [BIG_COMPONENT])
        self.interrupt(['pull', '--plain-http', '-o', os.path.join(self.out, 'x.wasm'), self.reg.host + '/app/exp:v1'],
                       signal.SIGHUP)
        self.assertEqual(os.listdir(self.out), [])

    def test_sigint_image_pull(self):
        self.push('app/img:v1', '--format', 'image', [BIG_COMPONENT])
        self.interrupt(['pull', '--plain-http', '-o', os.path.join(self.out, 'x.wasm'), self.reg.host + '/app/img:v1'])
        self.assertEqual(os.listdir(self.out), [])

    def test_sigterm_copy_into_archive(self):
        self.reg.push_artifact('app/one', 'v1', read(harness.fixture(BIG_COMPONENT)))
        self.interrupt(['copy', '--plain-http', self.reg.host + '/app/one:v1',
                        'oci-archive:%s:v1' % os.path.join(self.out, 'a.tar')], signal.SIGTERM)
        self.assertEqual(os.listdir(self.out), [])

    def test_sigint_copy_into_layout(self):
        self.reg.push_artifact('app/one', 'v1', read(harness.fixture(BIG_COMPONENT)))
        lay = os.path.join(self.out, 'lay')
        self.interrupt(['copy', '--plain-http', self.reg.host + '/app/one:v1', 'oci-layout:%s:v1' % lay])
        # the layout may exist (it is made first), but holds no partial blob and no tag
        blobs = os.listdir(os.path.join(lay, 'blobs', 'sha256'))
        self.assertEqual([b for b in blobs if b.startswith('.')], [])
        self.assertEqual(harness.Layout(lay).index['manifests'], [])


if __name__ == '__main__':
    harness.main()
