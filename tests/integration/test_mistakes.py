#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_mistakes.py - the common mistakes of mistakes.py against real registries: every answer names the input,
says what is wrong and what to do, in one error line, with the documented exit status (grade A)."""

import harness
from mistakes import MISTAKES, Registries, grade, run

HELLO = 'components/hello-c.component.wasm'


class Mistakes(harness.TestCase):
    def test_every_mistake_grades_a(self):
        env = self.child_env()
        regs = Registries(harness.WPKG, self.tmp, harness.fixture(HELLO), env)
        self.addCleanup(regs.stop)
        self.assertGreaterEqual(len(MISTAKES), 30)
        for m in MISTAKES:
            with self.subTest(mistake=m[0]):
                status, stderr = run(harness.WPKG, m, regs.sub, env)
                g, points = grade(status, stderr, m, regs.sub)
                self.assertEqual(g, 'A', '%s: exit %d (want %d), points %s:\n%s' % (m[0], status, m[2], points,
                                                                                      stderr))


if __name__ == '__main__':
    harness.main()
