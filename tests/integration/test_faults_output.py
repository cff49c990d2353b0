# SPDX-License-Identifier: Apache-2.0
"""test_faults_output.py - output is all or nothing: multi-file pulls, failed builds.

A multi-file pull that failed on its 2nd rename (a directory in the way) left the 1st file written.  A package
of more than ~1020 files could not be pulled under ulimit -n 1024: every staged file kept its descriptor.
"""

import os

import harness
from faultcase import FaultCase
from regcase import read

COMPONENT = 'components/hello-c.component.wasm'
OTHER = 'components/greeter-plugged.composed.wasm'


def module(i):
    """A distinct small core module: the preamble and a custom section naming i."""
    name = b'n%d' % i
    payload = bytes([len(name)]) + name
    return b'\0asm\x01\0\0\0' + b'\x00' + bytes([len(payload)]) + payload


class OutputTests(FaultCase):

    def test_package_of_1100_files_pulls_under_1024_descriptors(self):
        src = self.path('src')
        os.mkdir(src)
        files = []
        for i in range(1100):
            files.append(os.path.join(src, 'm%04d.wasm' % i))
            with open(files[-1], 'wb') as f:
                f.write(module(i))
        layout = 'oci-layout:%s:v1' % self.path('lay')
        self.wpkg('build', '-o', layout, *files, timeout=120)
        out = self.path('out')
        os.mkdir(out)
        # sh sets the limit: soft and hard, so that wpkg cannot raise it again
        self.run_cmd(['sh', '-c', 'ulimit -n 1024 && exec "$0" "$@"', harness.WPKG, 'pull', '-o', out + '/', layout],
                     timeout=120)
        self.assertEqual(sorted(os.listdir(out)), sorted(os.path.basename(f) for f in files))
        for f in (files[0], files[-1]):
            self.assertEqual(read(os.path.join(out, os.path.basename(f))), read(f))

    def push_multi(self, reg):
        self.wpkg('push', '--plain-http', reg.host + '/app/multi:v1', harness.fixture(COMPONENT),
                  harness.fixture(OTHER))

    def test_multi_file_pull_with_a_directory_in_the_way_writes_nothing(self):
        reg = self.registry()
        self.push_multi(reg)
        out = self.path('out')
        os.makedirs(os.path.join(out, os.path.basename(OTHER)))   # the 2nd file's name is a directory
        r = self.wpkg('pull', '--plain-http', '-o', out + '/', reg.host + '/app/multi:v1', expect=1)
        self.assertOneErrorLine(r, os.path.basename(OTHER), 'a directory is in the way', 'nothing was written')
        self.assertEqual(sorted(os.listdir(out)), [os.path.basename(OTHER)])
        self.assertEqual(os.listdir(os.path.join(out, os.path.basename(OTHER))), [])

    def test_multi_file_pull_replaces_existing_files(self):
        reg = self.registry()
        self.push_multi(reg)
        out = self.path('out')
        os.makedirs(out)
        for name in (COMPONENT, OTHER):
            with open(os.path.join(out, os.path.basename(name)), 'wb') as f:
                f.write(b'old')
        self.wpkg('pull', '--plain-http', '-o', out + '/', reg.host + '/app/multi:v1')
        self.assertEqual(sorted(os.listdir(out)), sorted([os.path.basename(COMPONENT), os.path.basename(OTHER)]))
        for name in (COMPONENT, OTHER):
            self.assertEqual(read(os.path.join(out, os.path.basename(name))), read(harness.fixture(name)))
        self.assertNoTempFiles(out)


if __name__ == '__main__':
    harness.main()
