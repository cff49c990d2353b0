#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_cli_progress.py - pull progress lines are named by the layer's title (the library's per-transfer label),
not by a shortened digest."""

import os

import harness
from regcase import RegistryCase

BIG = 'components/calc-qjs.component.wasm'       # 1.6 MB: large enough for plain lines every 10%


class PullProgressTitles(RegistryCase, harness.TestCase):
    VARIANT = 'plain'

    def test_pull_lines_name_the_file(self):
        ref = self.ref(self.repo(), 'v1')
        self.run_wpkg('push', '-q', ref, harness.fixture(BIG))
        r = self.run_wpkg('pull', '--no-cache', '-o', self.path('out.wasm'), ref)
        lines = [l for l in r.stderr.splitlines() if l.startswith('wpkg: progress: ')]
        self.assertGreaterEqual(len(lines), 5, r.stderr)
        for l in lines:
            self.assertRegex(l, r'^wpkg: progress: calc-qjs\.component\.wasm +[0-9]+%  [0-9.]+ [KM]?i?B / 1\.5 MiB')
        self.assertNotIn('sha256:', '\n'.join(lines))
        self.assertEqual(os.path.getsize(self.path('out.wasm')), os.path.getsize(harness.fixture(BIG)))


if __name__ == '__main__':
    harness.main()
