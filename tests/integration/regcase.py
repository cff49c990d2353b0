# SPDX-License-Identifier: Apache-2.0
"""regcase.py - a mixin for test classes that share one registry: start/stop, per-test repositories, references."""

import re

from registry import Registry

# A fixed build time: the same input always gives the same digests.
EPOCH = {'SOURCE_DATE_EPOCH': '1700000000'}
# That time as wpkg writes it in org.opencontainers.image.created and configs.
CREATED = '2023-11-14T22:13:20Z'


def read(path):
    with open(path, 'rb') as f:
        return f.read()


class RegistryCase:
    """Mix in before harness.TestCase; subclasses set VARIANT ('plain', 'tls', 'basic', 'token')."""

    VARIANT = 'plain'
    REPO_PREFIX = 'wpkg-test'

    @classmethod
    def setUpClass(cls):
        cls.reg = Registry(cls.VARIANT)
        cls.reg.start()

    @classmethod
    def tearDownClass(cls):
        cls.reg.stop()

    def repo(self, suffix=''):
        """A repository of its own for each test, so tests never see each other's tags."""
        name = re.sub(r'[^a-z0-9]+', '-', self._testMethodName.lower()).strip('-')
        return '%s/%s%s' % (self.REPO_PREFIX, name, ('/' + suffix) if suffix else '')

    def ref(self, repo, tag=None):
        return '%s/%s%s' % (self.reg.host, repo, (':' + tag) if tag else '')

    def run_wpkg(self, *args, **kw):
        """self.wpkg with SOURCE_DATE_EPOCH set."""
        env = dict(EPOCH)
        env.update(kw.pop('env', None) or {})
        return self.wpkg(*args, env=env, **kw)
