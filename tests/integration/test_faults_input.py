# SPDX-License-Identifier: Apache-2.0
"""test_faults_input.py - hostile local inputs: a file truncated while wpkg reads it, FIFOs, /proc files, big files.

wpkg used to mmap its input: another process truncating the file while it was parsed killed wpkg with
SIGBUS (exit 135).  A FIFO made open() wait forever for a writer.  A /proc file (size 0, not empty)
was reported as empty.  Reading the input into a private copy instead of a mapping made inspect, build and
push of a 200 MiB component hold 200 MiB: the parser must read only the bytes it decodes.
"""

import gzip
import os
import resource
import signal
import subprocess
import time

import harness
from faultcase import FaultCase
from oci_raw import leb128 as leb

# 2 million empty custom sections: a valid module whose walk takes long enough to be caught in the middle
MANY_SECTIONS = b'\x00asm\x01\x00\x00\x00' + b'\x00\x01\x00' * 2000000

MIB = 1 << 20
BIG = 192 * MIB
# far below BIG: what a sanitizer build of wpkg costs by itself, with room to spare
MAX_RSS = 96 * MIB


def write_big_component(path, size):
    """A component whose one nested core module is a custom section filling the file (sparse: holes read as 0)."""
    name = b'\x04data'
    body = size - 64
    custom = b'\x00' + leb(len(name) + body) + name
    module = b'\x00asm\x01\x00\x00\x00' + custom
    module_len = len(module) + body
    head = b'\x00asm\x0d\x00\x01\x00' + b'\x01' + leb(module_len) + module
    with open(path, 'wb') as f:
        f.write(head)
        f.truncate(len(head) + body)
    return len(head) + body


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

    def peak_rss(self, *args):
        """(exit status, peak RSS in bytes) of one wpkg run."""
        p = subprocess.Popen([harness.WPKG] + list(args), env=self.child_env(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        try:
            _, status, usage = os.wait4(p.pid, 0)
        except BaseException:
            p.kill()
            raise
        p.returncode = os.waitstatus_to_exitcode(status)
        err = p.stderr.read().decode(errors='replace')
        p.stderr.close()
        self.assertEqual(p.returncode, 0, err)
        return usage.ru_maxrss * 1024

    def test_big_input_is_not_held_in_memory(self):
        big = self.path('big.component.wasm')
        size = write_big_component(big, BIG)
        self.assertEqual(resource.getrlimit(resource.RLIMIT_AS)[0], resource.RLIM_INFINITY)
        for args in (['inspect', big], ['build', '-o', 'oci-layout:%s:v1' % self.path('single'), big],
                     ['build', '--explode-depth', '1', '-o', 'oci-layout:%s:v1' % self.path('exploded'), big]):
            rss = self.peak_rss(*args)
            self.assertLess(rss, MAX_RSS, '%s of a %d-byte component peaked at %d bytes' % (args[0], size, rss))
        # the exploded layout holds the file's bytes: skeleton plus the module, read with pread
        r = self.wpkg('inspect', '--format', 'json', 'oci-layout:%s:v1' % self.path('exploded'))
        self.assertIn('"size": %d' % size, r.stdout)

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
