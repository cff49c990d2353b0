# SPDX-License-Identifier: Apache-2.0
"""test_harness.py - the peer-tool policy: a missing tool skips a test in development and fails it when CI=true."""

import sys

import harness

CHILD = '''
import sys
sys.path.insert(0, %r)
import harness
from regcase import RegistryCase


class NeedsRegistry(RegistryCase, harness.TestCase):
    def test_registry(self):
        pass


class NeedsSkopeo(harness.TestCase):
    def test_skopeo(self):
        self.run_cmd(['skopeo', '--version'])


harness.main()
''' % harness.HERE


class PeerToolPolicyTests(harness.TestCase):
    def run_child(self, ci):
        path = self.path('child.py')
        with open(path, 'w') as f:
            f.write(CHILD)
        # a PATH without any peer tool; CI as the test asks, whatever the outer run has
        return self.run_cmd([sys.executable, path], expect=None,
                            env={'PATH': self.path('empty-bin'), 'CI': 'true' if ci else None})

    def test_development_skips_with_the_reason(self):
        r = self.run_child(ci=False)
        self.assertEqual(r.stdout, '1..2\n'
                         'ok 1 - NeedsRegistry.test_registry # SKIP docker-registry is not installed '
                         '(scripts/deps installs it)\n'
                         'ok 2 - NeedsSkopeo.test_skopeo # SKIP skopeo is not installed (scripts/deps installs it)\n')
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_ci_fails_instead(self):
        r = self.run_child(ci=True)
        lines = r.stdout.splitlines()
        self.assertEqual([l for l in lines if not l.startswith('#')],
                         ['1..2', 'not ok 1 - NeedsRegistry.test_registry', 'not ok 2 - NeedsSkopeo.test_skopeo'])
        self.assertIn('# harness.MissingTool: CI=true: docker-registry is not installed (scripts/deps installs it)',
                      lines)
        self.assertIn('# harness.MissingTool: CI=true: skopeo is not installed (scripts/deps installs it)', lines)
        self.assertEqual(r.returncode, 1)


if __name__ == '__main__':
    harness.main()
