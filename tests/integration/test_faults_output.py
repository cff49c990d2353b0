# SPDX-License-Identifier: Apache-2.0
"""test_faults_output.py - output is all or nothing: multi-file pulls, failed builds.

A multi-file pull that failed on its 2nd rename (a directory in the way) left the 1st file written.
"""

import os

import harness
from faultcase import FaultCase
from regcase import read

COMPONENT = 'components/hello-c.component.wasm'
OTHER = 'components/greeter-plugged.composed.wasm'


class OutputTests(FaultCase):

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
