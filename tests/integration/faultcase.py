# SPDX-License-Identifier: Apache-2.0
"""faultcase.py - the base class of the fake-server fault tests: fake registries cleaned up, one-line errors checked."""

import json

import harness
from fakereg import FakeRegistry, Status
from regcase import read


class FaultCase(harness.TestCase):
    """self.registry(**kw) starts a FakeRegistry stopped at the end; assertOneErrorLine checks wpkg's error."""

    def registry(self, **kw):
        reg = FakeRegistry(**kw).start()
        self.addCleanup(reg.stop)
        return reg

    def bearer_registry(self, token, component='components/hello-c.component.wasm'):
        """(registry, realm): app/hello:v1 on a registry whose first manifest GET asks for a Bearer token, and the
        token server (realm) that hands out token."""
        realm = self.registry()
        realm.fault('GET', r'^/token', Status(200, {'Content-Type': 'application/json'},
                                              json.dumps({'token': token, 'expires_in': 300})), times=None)
        reg = self.registry()
        reg.push_artifact('app/hello', 'v1', read(harness.fixture(component)))
        reg.fault('GET', r'/manifests/', Status(401, {'WWW-Authenticate': 'Bearer realm="http://%s/token",'
                                                      'service="fake"' % realm.host}), times=1)
        return reg, realm

    def assertOneErrorLine(self, r, *needles):
        # one line says what is wrong; the front end may add a "wpkg: hint:" line after it
        lines = [ln for ln in r.stderr.strip().splitlines() if not ln.startswith('wpkg: hint: ')]
        self.assertEqual(len(lines), 1, 'stderr should be one line:\n' + r.stderr)
        self.assertTrue(lines[0].startswith('wpkg: error: '), lines[0])
        for n in needles:
            self.assertIn(n, lines[0])
