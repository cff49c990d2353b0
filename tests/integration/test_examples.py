# SPDX-License-Identifier: Apache-2.0
"""test_examples.py - examples/ built against the INSTALLED libwpkg (meson install --destdir, pkg-config), then run.

The build is installed once into a temporary DESTDIR; each example is compiled
with `pkg-config --cflags --libs wpkg` from there (PKG_CONFIG_SYSROOT_DIR) and
linked with an rpath into it, so only the installed headers and libwpkg.so.0
are used: an example that reached an internal symbol would not link.
"""

import json
import os
import subprocess
import tempfile
import unittest

import harness
import oci_raw
from regcase import RegistryCase, read

BUILD_ROOT = os.environ.get('WPKG_BUILD_ROOT') or os.path.join(harness.ROOT, 'build')
EXAMPLES = os.path.join(harness.ROOT, 'examples')
COMPONENT = 'components/hello-c.component.wasm'
MODULE = 'modules/hello-c.core.wasm'
STRICT = ['-std=c11', '-Wall', '-Wextra', '-Wpedantic', '-Werror']
# meson test points LD_LIBRARY_PATH at the build tree, which would win over the examples' rpath
NO_BUILD_TREE = {'LD_LIBRARY_PATH': None}


class Installed:
    """The DESTDIR install shared by every test of this file, and the examples built from it."""
    destdir = None
    pc_dir = None
    libdir = None
    exe = {}
    error = None


def _run(argv, env=None, timeout=300):
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run(argv, env=e, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    if r.returncode != 0:
        raise AssertionError('exit status %d: %s\n%s' % (r.returncode, ' '.join(argv), r.stdout))
    return r.stdout


def pkg_config(*args):
    return _run(['pkg-config'] + list(args), env={'PKG_CONFIG_PATH': Installed.pc_dir,
                                                   'PKG_CONFIG_SYSROOT_DIR': Installed.destdir}).split()


def setUpModule():
    Installed.destdir = tempfile.mkdtemp(prefix='wpkg-install-')
    _run(['meson', 'install', '-C', BUILD_ROOT, '--no-rebuild', '--quiet', '--destdir', Installed.destdir])
    for dirpath, _dirs, files in os.walk(Installed.destdir):
        if 'wpkg.pc' in files:
            Installed.pc_dir = dirpath
        if 'libwpkg.so.0' in files:
            Installed.libdir = dirpath
    if Installed.pc_dir is None or Installed.libdir is None:
        raise AssertionError('meson install wrote no wpkg.pc or libwpkg.so.0 under %s' % Installed.destdir)
    flags = pkg_config('--cflags', '--libs', 'wpkg')
    # a sanitized libwpkg.so needs the sanitizer runtimes in the program that loads it
    san = ['-fsanitize=' + harness.SANITIZE] if harness.SANITIZE != 'none' else []
    for name in ('inspect', 'pull'):
        exe = os.path.join(Installed.destdir, 'example-' + name)
        _run(['cc'] + STRICT + san + ['-o', exe, os.path.join(EXAMPLES, name + '.c')] + flags
             + ['-Wl,-rpath,' + Installed.libdir])
        Installed.exe[name] = exe


def tearDownModule():
    if Installed.destdir is not None:
        harness._rmtree(Installed.destdir)


def expected(rel):
    with open(harness.fixture('expected.json')) as f:
        for fx in json.load(f)['fixtures']:
            if fx['file'] == rel:
                return fx
    raise KeyError(rel)


class InstallTests(harness.TestCase):
    def test_installed_files(self):
        lib = Installed.libdir
        self.assertEqual(os.readlink(os.path.join(lib, 'libwpkg.so.0')), 'libwpkg.so.' + self.version())
        self.assertEqual(os.readlink(os.path.join(lib, 'libwpkg.so')), 'libwpkg.so.0')
        self.assertTrue(os.path.isfile(os.path.join(lib, 'libwpkg.a')))
        inc = os.path.join(os.path.dirname(pkg_config('--cflags-only-I', 'wpkg')[0][2:] + '/'), 'wpkg')
        for h in ('wpkg.h', 'common.h', 'version.h', 'global.h', 'wasm.h', 'store.h'):
            self.assertTrue(os.path.isfile(os.path.join(inc, h)), h)
        # exactly the headers of the source tree, so none is forgotten or stale
        self.assertEqual(sorted(os.listdir(inc)), sorted(os.listdir(os.path.join(harness.ROOT, 'include', 'wpkg'))))

    def version(self):
        return self.wpkg('--version').stdout.split()[1]

    def test_pkg_config(self):
        self.assertEqual(pkg_config('--modversion', 'wpkg'), [self.version()])
        # a shared link needs libwpkg and the public requirement only
        self.assertEqual([f for f in pkg_config('--libs', 'wpkg') if f.startswith('-l')], ['-lwpkg', '-ljansson'])
        # the public headers include <jansson.h>: jansson is a public requirement, the rest private
        self.assertEqual([r for r in pkg_config('--print-requires', 'wpkg') if r[0].isalpha()], ['jansson'])
        self.assertEqual(sorted(r for r in pkg_config('--print-requires-private', 'wpkg') if r[0].isalpha()),
                         ['libarchive', 'libcrypto', 'libcurl', 'libsodium', 'zlib'])

    def test_examples_load_the_installed_library(self):
        for name, exe in sorted(Installed.exe.items()):
            with self.subTest(example=name):
                out = self.run_cmd(['ldd', exe], env=NO_BUILD_TREE).stdout
                lines = [l.split() for l in out.splitlines() if 'libwpkg' in l]
                self.assertEqual([l[0] for l in lines], ['libwpkg.so.0'], out)
                self.assertEqual(lines[0][2], os.path.join(Installed.libdir, 'libwpkg.so.0'))


class InspectExampleTests(harness.TestCase):
    def inspect(self, path, expect=0):
        return self.run_cmd([Installed.exe['inspect'], path], expect=expect, env=NO_BUILD_TREE)

    def test_component_and_module(self):
        for rel, kind, os_name in ((COMPONENT, 'component', 'wasip2'), (MODULE, 'module', 'wasip1')):
            with self.subTest(fixture=rel):
                path = harness.fixture(rel)
                fx = expected(rel)
                want = ['kind ' + kind, 'os ' + os_name, 'digest sha256:' + harness.sha256_file(path),
                        'size %d' % os.path.getsize(path)]
                want += ['import ' + i for i in fx['expected_config']['imports']]
                want += ['export ' + e for e in fx['expected_config']['exports']]
                r = self.inspect(path)
                self.assertEqual(r.stdout.splitlines(), want)
                self.assertEqual(fx['sha256'], harness.sha256_file(path))
                self.assertEqual(r.stderr, '')

    def test_malformed_file(self):
        bad = harness.fixture('bad/leb-truncated.component.wasm')
        r = self.inspect(bad, expect=1)
        self.assertEqual(r.stdout, '')
        # the library's message, word for word the one wpkg inspect prints
        cli = self.wpkg('inspect', bad, expect=3)
        self.assertTrue(cli.stderr.startswith('wpkg: error: '), cli.stderr)
        self.assertEqual(r.stderr, 'inspect: ' + cli.stderr[len('wpkg: error: '):])

    def test_usage(self):
        r = self.run_cmd([Installed.exe['inspect']], expect=2, env=NO_BUILD_TREE)
        self.assertIn('usage:', r.stderr)


class PullExampleTests(RegistryCase, harness.TestCase):
    VARIANT = 'plain'

    def pull(self, ref, out, expect=0):
        return self.run_cmd([Installed.exe['pull'], '--plain-http', ref, out], expect=expect, env=NO_BUILD_TREE)

    def test_pull_into_memory_and_verify(self):
        for rel, kind in ((COMPONENT, 'component'), (MODULE, 'module')):
            with self.subTest(fixture=rel):
                src = harness.fixture(rel)
                repo = self.repo(os.path.basename(rel).replace('.', '-'))
                pushed = json.loads(self.run_wpkg('push', '--json', *self.reg.flags, self.ref(repo, 'v1'),
                                                  src).stdout)
                _status, _ctype, body = oci_raw.get_manifest(self.reg, repo, 'v1')
                self.assertEqual(pushed['digest'], oci_raw.digest(body))
                out = self.path(kind + '.wasm')
                r = self.pull(self.ref(repo, 'v1'), out)
                self.assertEqual(r.stdout.splitlines(), [
                    'manifest ' + oci_raw.digest(body),
                    'layer sha256:%s %d' % (harness.sha256_file(src), os.path.getsize(src)),
                    'kind ' + kind,
                ])
                self.assertEqual(read(out), read(src))
                # by digest too: the store checks the manifest bytes against it
                out2 = self.path(kind + '-by-digest.wasm')
                r2 = self.pull('%s@%s' % (self.ref(repo), pushed['digest']), out2)
                self.assertEqual(r2.stdout, r.stdout)
                self.assertEqual(read(out2), read(src))

    def test_missing_tag_writes_nothing(self):
        repo = self.repo()
        self.run_wpkg('push', *self.reg.flags, self.ref(repo, 'v1'), harness.fixture(COMPONENT))
        out = self.path('never.wasm')
        r = self.pull(self.ref(repo, 'nope'), out, expect=1)
        self.assertEqual(r.stdout, '')
        self.assertRegex(r.stderr, r'^pull: fetch manifest: GET http://127\.0\.0\.1:\d+/v2/%s/manifests/nope: '
                         r'404 MANIFEST_UNKNOWN: manifest unknown\n$' % repo)
        self.assertFalse(os.path.exists(out))

    def test_not_a_registry_reference(self):
        r = self.pull('oci-layout:' + self.path('x'), self.path('o.wasm'), expect=1)
        self.assertEqual(r.stderr, 'pull: oci-layout:%s: not a registry reference\n' % self.path('x'))


if __name__ == '__main__':
    harness.main()
