# SPDX-License-Identifier: Apache-2.0
"""faultcase.py - the base class of the fake-server fault tests: fake registries cleaned up, one-line errors checked."""

import harness
from fakereg import FakeRegistry


class FaultCase(harness.TestCase):
    """self.registry(**kw) starts a FakeRegistry stopped at the end; assertOneErrorLine checks wpkg's error."""

    def registry(self, **kw):
        reg = FakeRegistry(**kw).start()
        self.addCleanup(reg.stop)
        return reg

    def assertOneErrorLine(self, r, *needles):
        # one line says what is wrong; the front end may add a "wpkg: hint:" line after it
        lines = [ln for ln in r.stderr.strip().splitlines() if not ln.startswith('wpkg: hint: ')]
        self.assertEqual(len(lines), 1, 'stderr should be one line:\n' + r.stderr)
        self.assertTrue(lines[0].startswith('wpkg: error: '), lines[0])
        for n in needles:
            self.assertIn(n, lines[0])
