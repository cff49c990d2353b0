# SPDX-License-Identifier: Apache-2.0
"""test_faults_input.py - hostile local inputs: a file truncated while wpkg reads it, FIFOs, /proc files.

wpkg used to mmap its input: another process truncating the file while it was parsed killed wpkg with
SIGBUS (exit 135).  A FIFO made open() wait forever for a writer.  A /proc file (size 0, not empty)
was reported as empty.
"""

import gzip
import os
import signal
import subprocess
import time

import harness
from faultcase import FaultCase

# 2 million empty custom sections: a valid module whose walk takes long enough to be caught in the middle
MANY_SECTIONS = b'\x00asm\x01\x00\x00\x00' + b'\x00\x01\x00' * 2000000


class InputTests(FaultCase):

    def test_truncated_while_parsed_is_no_crash(self):
        path = self.path('many.wasm')
        outcomes = []
        for delay in (0.0, 0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.45):
            with open(path, 'wb') as f:
                f.write(MANY_SECTIONS)
            p = subprocess.Popen([harness.WPKG, 'inspect', path], env=self.child_env(), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
            time.sleep(delay)
            os.truncate(path, 4096)
            _, err = p.communicate(timeout=60)
            outcomes.append((delay, p.returncode, err.strip()))
        for delay, rc, err in outcomes:
            self.assertNotEqual(rc, -signal.SIGBUS, 'killed by SIGBUS when truncated after %ss' % delay)
            self.assertGreaterEqual(rc, 0, 'killed by signal %d after %ss: %s' % (-rc, delay, err))
            if rc != 0:
                # a copy that changed under us, or the truncated file itself: one line either way
                self.assertEqual(len(err.splitlines()), 1, err)
                self.assertTrue(err.startswith('wpkg: error: '), err)

    def test_fifo_is_refused_without_blocking(self):
        fifo = self.path('in.wasm')
        os.mkfifo(fifo)
        for args in (['inspect', fifo], ['build', '-o', 'oci-layout:%s:v1' % self.path('lay'), fifo],
                     ['push', 'oci-layout:%s:v1' % self.path('lay2'), fifo]):
            r = self.wpkg(*args, expect=3, timeout=20)
            self.assertOneErrorLine(r, fifo, 'not a regular file (a FIFO)')
        self.assertFalse(os.path.exists(self.path('lay', 'index.json')))

    def test_compressed_archive_is_bad_input_not_missing(self):
        path = self.path('x.tar.gz')
        with gzip.open(path, 'wb') as f:
            f.write(b'not a tar')
        r = self.wpkg('pull', '-o', self.path('x.wasm'), 'oci-archive:' + path, expect=3)
        self.assertOneErrorLine(r, path, 'Unrecognized archive format')

    def test_proc_file_is_read_not_called_empty(self):
        r = self.wpkg('inspect', '/proc/self/status', expect=3)
        self.assertOneErrorLine(r, '/proc/self/status')
        self.assertNotIn('empty', r.stderr)


if __name__ == '__main__':
    harness.main()
