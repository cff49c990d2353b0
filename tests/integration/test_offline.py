# SPDX-License-Identifier: Apache-2.0
"""test_offline.py - --offline sends nothing: documents and blobs from the cache, tags as last fetched.

The registry is the fake one (fakereg.py), so that "nothing sent" can be
seen, and then stopped, so that anything that still tried the network
would fail.  A miss is exit 4 naming the reference or blob; an operation
that needs the registry is exit 7.
"""

import hashlib
import json
import os
import subprocess

import harness
from fakereg import FakeRegistry

SMALL = 'components/hello-c.component.wasm'


def read(path):
    with open(path, 'rb') as f:
        return f.read()


class OfflineTests(harness.TestCase):

    def setUp(self):
        super().setUp()
        self.reg = FakeRegistry().start()
        self.addCleanup(self.reg.stop)
        self.host = self.reg.host
        self.env = {'XDG_CACHE_HOME': self.path('xdg'), 'SOURCE_DATE_EPOCH': '1700000000'}
        self.wasm = read(harness.shared_fixture(SMALL))
        r = self.wpkg('push', '--plain-http', '--json', '%s/app/hello:v1' % self.host, harness.shared_fixture(SMALL),
                      env={'WPKG_CACHE': self.path('push-cache')})
        self.pushed = json.loads(r.stdout)
        self.layer = 'sha256:' + hashlib.sha256(self.wasm).hexdigest()
        self.wpkg('pull', '--plain-http', '-o', self.path('first.wasm'), '%s/app/hello:v1' % self.host, env=self.env)
        self.descriptor = self.wpkg('manifest', '--plain-http', 'fetch', '--descriptor', '%s/app/hello:v1' % self.host,
                                    env=self.env).stdout

    def offline(self, *args, expect=0):
        return self.wpkg(args[0], '--offline', *args[1:], env=self.env, expect=expect)

    def test_pull_by_tag_sends_nothing(self):
        self.reg.requests.clear()
        out = self.path('b.wasm')
        r = self.offline('pull', '-o', out, '%s/app/hello:v1' % self.host)
        self.assertEqual(r.stdout, '%s %s\n' % (self.pushed['digest'], out))
        self.assertEqual(read(out), self.wasm)
        self.assertEqual(self.reg.requests, [])

    def test_every_read_works_with_the_registry_stopped(self):
        self.reg.stop()
        ref = '%s/app/hello:v1' % self.host
        # online, the registry is gone: what follows works only because nothing is sent
        self.wpkg('pull', '--plain-http', '-o', self.path('x.wasm'), ref, env=self.env, expect=7)
        out = self.path('by-digest.wasm')
        self.offline('pull', '-o', out, '%s/app/hello@%s' % (self.host, self.pushed['digest']))
        self.assertEqual(read(out), self.wasm)
        self.assertEqual(self.offline('resolve', ref).stdout, self.pushed['digest'] + '\n')
        manifest = self.offline('manifest', 'fetch', ref).stdout.encode()
        self.assertEqual('sha256:' + hashlib.sha256(manifest).hexdigest(), self.pushed['digest'])
        self.assertEqual(self.offline('manifest', 'fetch', '--descriptor', ref).stdout, self.descriptor,
                         'what the registry said, and no more')
        config = json.loads(manifest)['config']
        got = self.offline('manifest', 'fetch-config', ref).stdout.encode()
        self.assertEqual('sha256:' + hashlib.sha256(got).hexdigest(), config['digest'])
        r = self.offline('inspect', '--json', ref)
        self.assertEqual(json.loads(r.stdout)['digest'], self.pushed['digest'])
        blob = self.path('layer.wasm')
        self.offline('blob', 'fetch', '%s/app/hello@%s' % (self.host, self.layer), '-o', blob)
        self.assertEqual(read(blob), self.wasm)
        r = subprocess.run([harness.WPKG, 'blob', '--offline', 'fetch', '%s/app/hello@%s' % (self.host, self.layer),
                            '-o', '-'], env=self.child_env(self.env), cwd=self.tmp, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual((r.returncode, r.stdout), (0, self.wasm), 'to a pipe too')
        self.offline('copy', ref, 'oci-layout:%s:v1' % self.path('layout'))
        with open(self.path('layout', 'index.json')) as f:
            entry, = json.load(f)['manifests']
        self.assertEqual(entry['annotations'], {'org.opencontainers.image.ref.name': 'v1'},
                         'the cache\'s own record stays in the cache')
        out = self.path('from-layout.wasm')
        self.wpkg('pull', '-o', out, 'oci-layout:%s:v1' % self.path('layout'), env=self.env)
        self.assertEqual(read(out), self.wasm)

    def test_what_is_not_cached_is_named(self):
        self.reg.stop()
        r = self.offline('pull', '-o', self.path('v2.wasm'), '%s/app/hello:v2' % self.host, expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: pull %s/app/hello:v2: fetch manifest: %s/app/hello:v2 is not in '
                         'the cache (--offline): pull it once without --offline\n' % (self.host, self.host))
        self.assertFalse(os.path.exists(self.path('v2.wasm')))
        # the record is there, the layer was pruned
        os.unlink(os.path.join(self.path('xdg'), 'wpkg', 'blobs', 'sha256', self.layer[7:]))
        os.unlink(self.path('first.wasm'))  # the cache entry may be a hard link to it
        r = self.offline('pull', '-o', self.path('c.wasm'), '%s/app/hello:v1' % self.host, expect=4)
        self.assertIn('%s/app/hello: blob %s is not in the cache (--offline): pull it once without --offline\n'
                      % (self.host, self.layer), r.stderr)
        self.assertTrue(r.stderr.startswith('wpkg: error: pull %s/app/hello:v1: ' % self.host), r.stderr)
        self.assertEqual(r.stderr.count('\n'), 1, r.stderr)
        self.assertFalse(os.path.exists(self.path('c.wasm')), 'nothing half-written')
        r = self.wpkg('--no-cache', 'resolve', '--offline', '%s/app/hello:v1' % self.host, env=self.env, expect=4)
        self.assertIn('%s/app/hello:v1 is not in the cache (--offline)' % self.host, r.stderr)

    def test_a_package_name_sends_nothing_either(self):
        config = self.path('wkg.toml')
        with open(config, 'w') as f:
            f.write('default_registry = "%s"\n\n[registry."%s".oci]\nprotocol = "http"\n' % (self.host, self.host))
        self.reg.requests.clear()
        r = self.offline('resolve', '--wkg-config', config, 'app:hello@1.0.0', expect=7)
        self.assertIn('GET http://%s/.well-known/wasm-pkg/registry.json needs the network: run it without '
                      '--offline' % self.host, r.stderr)
        self.assertEqual(self.reg.requests, [])

    def test_what_needs_the_registry_fails_with_exit_7(self):
        self.reg.stop()
        r = self.offline('tags', '%s/app/hello' % self.host, expect=7)
        self.assertEqual(r.stderr, 'wpkg: error: tags %s/app/hello: listing tags needs the registry: run it without '
                         '--offline\n' % self.host)
        r = self.offline('push', '%s/app/hello:v3' % self.host, harness.shared_fixture(SMALL), expect=7)
        self.assertIn('a blob check needs the registry: run it without --offline\n', r.stderr)


if __name__ == '__main__':
    harness.main()
