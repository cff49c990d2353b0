# SPDX-License-Identifier: Apache-2.0
"""test_valgrind.py - every wpkg command, its error paths included, runs clean under valgrind memcheck."""

import subprocess
import unittest

import faultmatrix
import harness
from regcase import RegistryCase

VALGRIND = ['valgrind', '--quiet', '--leak-check=full', '--errors-for-leak-kinds=definite,indirect',
            '--show-leak-kinds=definite,indirect', '--error-exitcode=99']
COMPONENT = 'components/hello-c.component.wasm'
MODULE = 'modules/hello-c.core.wasm'
AUDITABLE = 'components/calc-qjs.component.wasm'
PW = {'COSIGN_PASSWORD': 'correct horse'}


def skip_in_sanitizer_build():
    # An ASan/UBSan binary cannot run under valgrind; the sanitizers check that build instead.
    if harness.SANITIZE != 'none':
        raise unittest.SkipTest('sanitizer build (%s): valgrind runs on the plain build' % harness.SANITIZE)


class Memcheck:
    def vg(self, *args, expect=0, input=None, env=None):
        """wpkg ARGS under memcheck: the exit status is wpkg's own (99 would be valgrind's) and no report."""
        r = self.run_cmd(VALGRIND + [harness.WPKG] + list(args), expect=expect, timeout=300, input=input, env=env)
        self.assertNotRegex(r.stderr, r'==\d+==', 'valgrind reported errors')
        return r


class ValgrindTests(Memcheck, harness.TestCase):
    @classmethod
    def setUpClass(cls):
        skip_in_sanitizer_build()

    def built(self):
        out = self.path('layout')
        self.wpkg('build', '-o', out + ':v1', harness.fixture(COMPONENT))
        return out

    def test_help(self):
        r = self.vg('--help')
        self.assertIn('build', r.stdout)

    def test_build_component(self):
        r = self.vg('build', '-a', 'org.example.k=v', '-o', self.path('l') + ':v1', harness.fixture(COMPONENT))
        self.assertRegex(r.stdout.strip(), r'^sha256:[0-9a-f]{64}$')

    def test_build_module_json(self):
        self.vg('build', '--json', '-o', self.path('l'), harness.fixture(MODULE))

    def test_inspect_file(self):
        self.vg('inspect', harness.fixture(COMPONENT))

    def test_inspect_layout_json(self):
        out = self.built()
        self.vg('inspect', '--json', 'oci-layout:%s:v1' % out)

    def test_key_sign_verify_discover(self):
        prefix = self.path('k')
        self.vg('key', 'generate', '--output-key-prefix', prefix, env=PW)
        self.wpkg('key', 'generate', '--output-key-prefix', self.path('other'), env=PW)
        lay = 'oci-layout:%s:v1' % self.built()
        self.vg('verify', '--key', prefix + '.pub', lay, expect=10)
        self.vg('sign', '--key', prefix + '.key', '-a', 'run=1', lay, env=PW)
        self.vg('sign', '--key', prefix + '.key', '--key-password-stdin', '--signature-format', 'legacy', lay,
                input='correct horse\n')
        self.vg('sign', '--key', prefix + '.key', lay, expect=5, env={'COSIGN_PASSWORD': 'wrong'})
        self.vg('verify', '--json', '--key', prefix + '.pub', lay)
        self.vg('verify', '--key', self.path('other.pub'), lay, expect=11)
        self.vg('discover', lay)
        self.vg('pull', '--verify-key', prefix + '.pub', '-o', self.path('x.wasm'), lay)
        self.vg('pull', '--verify-key', self.path('other.pub'), '-o', self.path('y.wasm'), lay, expect=11)
        self.vg('copy', '-r', '--verify-key', prefix + '.pub', lay, 'oci-archive:%s:v1' % self.path('a.tar'))

    def test_sbom(self):
        self.vg('sbom', '-o', self.path('bom.json'), harness.fixture(AUDITABLE))
        self.vg('sbom', harness.fixture(COMPONENT), expect=4)
        self.vg('push', '--sbom', 'oci-layout:%s:v1' % self.path('l'), harness.fixture(AUDITABLE))

    def test_error_bad_input(self):
        r = self.vg('build', '-o', self.path('l'), harness.fixture('bad/not-wasm.txt'), expect=3)
        self.assertIn('wpkg: error:', r.stderr)

    def test_error_truncated_input(self):
        self.vg('inspect', harness.fixture('bad/truncated-half.component.wasm'), expect=3)

    def test_error_usage(self):
        self.vg('build', expect=2)


class ValgrindRegistryTests(Memcheck, RegistryCase, harness.TestCase):
    """The registry commands against a registry with Basic auth: the paths with the most allocation."""

    VARIANT = 'basic'

    @classmethod
    def setUpClass(cls):
        skip_in_sanitizer_build()
        super().setUpClass()

    def creds(self):
        return ['-u', self.reg.username, '--password-stdin']

    def test_push_pull_tags_tag_delete(self):
        ref = self.ref(self.repo(), 'v1')
        pw = self.reg.password + '\n'
        self.vg('push', *self.reg.flags, *self.creds(), '--json', ref, harness.fixture(COMPONENT), input=pw)
        self.vg('pull', *self.reg.flags, *self.creds(), '-o', self.path('out.wasm'), ref, input=pw)
        self.assertEqual(harness.sha256_file(self.path('out.wasm')), harness.sha256_file(harness.fixture(COMPONENT)))
        self.vg('tag', *self.reg.flags, *self.creds(), ref, 'v2', input=pw)
        self.vg('tags', *self.reg.flags, *self.creds(), self.ref(self.repo()), input=pw)
        self.vg('inspect', *self.reg.flags, *self.creds(), ref, input=pw)
        self.vg('delete', *self.reg.flags, *self.creds(), ref, input=pw)
        self.vg('pull', *self.reg.flags, *self.creds(), '-o', self.path('gone.wasm'), ref, input=pw, expect=4)

    def test_exploded_push_pull(self):
        ref = self.ref(self.repo(), 'x')
        pw = self.reg.password + '\n'
        src = harness.fixture('components/greeter-plugged.composed.wasm')
        self.vg('push', *self.reg.flags, *self.creds(), '--explode-depth', '2', '--min-layer-size', '0', ref, src,
                input=pw)
        self.vg('pull', *self.reg.flags, *self.creds(), '--layers-dir', self.path('parts'), '-o',
                self.path('back.wasm'), ref, input=pw)
        self.assertEqual(harness.sha256_file(self.path('back.wasm')), harness.sha256_file(src))

    def test_login_logout_attach_discover(self):
        ref = self.ref(self.repo(), 'v1')
        self.vg('login', *self.reg.flags, *self.creds(), self.reg.host, input=self.reg.password + '\n')
        self.vg('push', *self.reg.flags, ref, harness.fixture(MODULE))
        sbom = self.path('sbom.json')
        with open(sbom, 'w') as f:
            f.write('{"bom": 1}')
        self.vg('attach', *self.reg.flags, '--artifact-type', 'application/spdx+json', ref, sbom)
        r = self.vg('discover', *self.reg.flags, '--json', ref)
        self.assertIn('application/spdx+json', r.stdout)
        self.vg('logout', self.reg.host)
        self.vg('push', *self.reg.flags, ref, harness.fixture(MODULE), expect=5)

    def test_wrong_password(self):
        self.vg('push', *self.reg.flags, *self.creds(), self.ref(self.repo(), 'v1'), harness.fixture(MODULE),
                input='wrong\n', expect=5)


class _ValgrindMatrix(faultmatrix.Matrix):
    """The fault matrix with the faulted run (the one through the proxy) under memcheck; setup and checks not."""

    def wpkg(self, d, *args, input=None, timeout=faultmatrix.LIMIT_S + 30):
        if self.proxy is None or not any(self.proxy.host in str(a) for a in args):
            return super().wpkg(d, *args, input=input, timeout=timeout)
        return subprocess.run(VALGRIND + [harness.WPKG] + [str(a) for a in args], env=self.env(d), cwd=d['dir'],
                              input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              errors='replace', timeout=timeout)


class _Timed(faultmatrix.Op):
    """An operation of the matrix with --timeout SECONDS (push-timeout, pull-timeout): a drip is cut off by the
    deadline and retried, never waited out."""

    def __init__(self, op, seconds):
        self.op, self.seconds = op, seconds
        self.pushes, self.uploads, self.target, self.files = op.pushes, op.uploads, op.target, op.files

    def setup(self, m, d):
        self.op.setup(m, d)

    def argv(self, m, d):
        a = self.op.argv(m, d)
        return a[:1] + ['--timeout', str(self.seconds)] + a[1:]

    def verify(self, m, d, r):
        return self.op.verify(m, d, r)


class ValgrindFaultTests(harness.TestCase):
    """push and pull through the fault proxy under memcheck: the error and retry paths leak nothing.

    Each cell is also one of the matrix's (faultmatrix.Matrix.run): documented status, one error line, no
    partial output, no temporary; and memcheck must stay silent (exit status 99 is memcheck's)."""

    # (operation, fault, exit status): the always-faults fail after the retries (7), a corrupt upload is sent
    # again, a corrupt or endless download is refused (6), a drip once is cut off by the deadline and retried
    CELLS = [('push-single', 'drop-always', 7), ('push-single', '503-always', 7), ('push-single', '429-huge', 7),
             ('push-single', 'stale', 0), ('push-single', 'corrupt', 0), ('push-timeout', 'drip', 0),
             ('pull-single', 'drop-always', 7), ('pull-single', '503-always', 7), ('pull-single', '429-huge', 7),
             ('pull-single', 'corrupt', 6), ('pull-single', 'endless', 6), ('pull-timeout', 'drip', 0)]

    @classmethod
    def setUpClass(cls):
        skip_in_sanitizer_build()
        faultmatrix.OPS['push-timeout'] = _Timed(faultmatrix.OPS['push-single'], 3)
        faultmatrix.OPS['pull-timeout'] = _Timed(faultmatrix.OPS['pull-single'], 3)
        cls.matrix = _ValgrindMatrix().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.matrix.__exit__(None, None, None)
        faultmatrix.OPS.pop('push-timeout', None)
        faultmatrix.OPS.pop('pull-timeout', None)

    def test_fault_cells(self):
        for op, fault, status in self.CELLS:
            with self.subTest(op=op, fault=fault):
                c = self.matrix.run(op, fault)
                self.assertNotRegex(c.stderr, r'==\d+==', 'valgrind reported errors')
                self.assertEqual(c.problems, [], c.stderr)
                self.assertGreater(c.hits, 0, 'the fault was never injected')
                self.assertEqual(c.status, status, c.stderr)


if __name__ == '__main__':
    harness.main()
