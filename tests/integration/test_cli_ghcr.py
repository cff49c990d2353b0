# SPDX-License-Identifier: Apache-2.0
"""test_cli_ghcr.py - the first push to ghcr.io without org.opencontainers.image.source warns that GHCR links a
package to its repository only at creation. ghcr.io is reached offline: a CONNECT proxy tunnels every
https_proxy connection to the real TLS test registry, and --insecure accepts its certificate for that name."""

import harness
from registry import Registry
from test_cli_loopback import ConnectProxy

HELLO = 'components/hello-c.component.wasm'
WARNING = ('wpkg: warning: wpkg-test/hello is a new GHCR package without org.opencontainers.image.source: '
           'GHCR links a package to its repository only when it is created '
           '(add -a org.opencontainers.image.source=URL)')


class GhcrSourceWarning(harness.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reg = Registry('tls')
        cls.reg.start()
        cls.proxy = ConnectProxy(int(cls.reg.host.rsplit(':', 1)[1]))
        cls.env = {'https_proxy': 'http://127.0.0.1:%d' % cls.proxy.port}

    @classmethod
    def tearDownClass(cls):
        cls.proxy.stop()
        cls.reg.stop()

    def push(self, ref, *args):
        return self.wpkg('push', '--insecure', *args, ref, harness.fixture(HELLO), env=self.env)

    def warnings(self, r):
        return [line for line in r.stderr.splitlines() if 'GHCR' in line]

    def test_first_push_without_source_warns_once(self):
        r = self.push('ghcr.io/wpkg-test/hello:1')
        self.assertEqual(self.warnings(r), [WARNING])
        self.assertIn('ghcr.io:443', self.proxy.hosts)
        # the package exists now: GHCR would not link it any more, so the warning is not repeated
        self.assertEqual(self.warnings(self.push('ghcr.io/wpkg-test/hello:2')), [])

    def test_push_with_source_does_not_warn(self):
        r = self.push('ghcr.io/wpkg-test/sourced:1', '-a', 'org.opencontainers.image.source=https://x.example/y')
        self.assertEqual(self.warnings(r), [])

    def test_other_registries_do_not_warn(self):
        r = self.push('registry.example/wpkg-test/hello:1')
        self.assertEqual(self.warnings(r), [])
        self.assertIn('registry.example:443', self.proxy.hosts)


if __name__ == '__main__':
    harness.main()
