"""test_valgrind.py - wpkg build, inspect, --help and an error path run clean under valgrind memcheck."""

import unittest

import harness

VALGRIND = ['valgrind', '--quiet', '--leak-check=full', '--errors-for-leak-kinds=definite,indirect',
            '--show-leak-kinds=definite,indirect', '--error-exitcode=99']
COMPONENT = 'components/hello-c.component.wasm'
MODULE = 'modules/hello-c.core.wasm'


class ValgrindTests(harness.TestCase):
    @classmethod
    def setUpClass(cls):
        # An ASan/UBSan binary cannot run under valgrind; the sanitizers check that build instead.
        if harness.SANITIZE != 'none':
            raise unittest.SkipTest('sanitizer build (%s): valgrind runs on the plain build' % harness.SANITIZE)

    def vg(self, *args, expect=0):
        """wpkg ARGS under memcheck: the exit status is wpkg's own (99 would be valgrind's) and no report."""
        r = self.run_cmd(VALGRIND + [harness.WPKG] + list(args), expect=expect, timeout=300)
        self.assertNotRegex(r.stderr, r'==\d+==', 'valgrind reported errors')
        return r

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

    def test_error_bad_input(self):
        r = self.vg('build', '-o', self.path('l'), harness.fixture('bad/not-wasm.txt'), expect=3)
        self.assertIn('wpkg: error:', r.stderr)

    def test_error_truncated_input(self):
        self.vg('inspect', harness.fixture('bad/truncated-half.component.wasm'), expect=3)

    def test_error_usage(self):
        self.vg('build', expect=2)


if __name__ == '__main__':
    harness.main()
