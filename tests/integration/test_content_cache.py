# SPDX-License-Identifier: Apache-2.0
"""test_content_cache.py - pulls keep blobs in the cache and ask the registry only for what it lacks.

The cache is an OCI layout under $XDG_CACHE_HOME/wpkg (WPKG_CACHE overrides
it); wkg's cache ($XDG_CACHE_HOME/wasm-pkg/sha256:HEX) is read, never
written.  The registry is the fake one (fakereg.py) so that every blob GET
can be counted.
"""

import hashlib
import json
import os
import threading
import time

import harness
from fakereg import FakeRegistry

HELLO = 'components/hello-qjs.component.wasm'
CALC = 'components/calc-qjs.component.wasm'
SMALL = 'components/hello-c.component.wasm'


def read(path):
    with open(path, 'rb') as f:
        return f.read()


class ContentCacheTests(harness.TestCase):

    def setUp(self):
        super().setUp()
        self.reg = FakeRegistry().start()
        self.addCleanup(self.reg.stop)
        self.xdg = self.path('xdg')
        self.env = {'XDG_CACHE_HOME': self.xdg, 'SOURCE_DATE_EPOCH': '1700000000'}

    def push(self, ref, fixture, *extra):
        r = self.wpkg('push', '--plain-http', '--json', *extra, '%s/%s' % (self.reg.host, ref),
                      harness.shared_fixture(fixture), env={'WPKG_CACHE': self.path('push-cache')})
        return json.loads(r.stdout)

    def pull(self, ref, out, *extra, expect=0):
        return self.wpkg(*extra, 'pull', '--plain-http', '-o', out, '%s/%s' % (self.reg.host, ref), env=self.env,
                         expect=expect)

    def blob_bytes(self):
        return sum(len(self.reg.blobs.get(q.path.rsplit('/', 1)[1], b''))
                   for q in self.reg.seen('GET', r'/blobs/sha256:'))

    def test_exploded_pull_fetches_only_what_the_cache_lacks(self):
        hello = self.push('app/hello:v1', HELLO, '--explode-depth', '2')
        calc = self.push('app/calc:v1', CALC, '--explode-depth', '2')
        shared = {l['digest'] for l in hello['layers']} & {l['digest'] for l in calc['layers']}
        self.assertTrue(shared, 'the two components share a layer')
        self.pull('app/hello:v1', self.path('hello.wasm'))
        for d in shared:
            self.assertTrue(os.path.isfile(os.path.join(self.xdg, 'wpkg', 'blobs', 'sha256', d[7:])))
        self.reg.requests.clear()
        out = self.path('calc.wasm')
        self.pull('app/calc:v1', out)
        self.assertEqual(read(out), read(harness.shared_fixture(CALC)))
        for d in shared:
            self.assertEqual(self.reg.seen('GET', '/blobs/' + d), [], 'shared layer %s came from the cache' % d)
        self.assertLess(self.blob_bytes(), 0.2 * len(read(out)))

    def record(self, ref):
        """The cache's index.json entry for ref (HOST/REPO:TAG or HOST/REPO@DIGEST), or None."""
        with open(os.path.join(self.xdg, 'wpkg', 'index.json')) as f:
            index = json.load(f)
        found = [m for m in index['manifests'] if m.get('annotations', {}).get('dev.wpkg.cache.ref') == ref]
        self.assertLessEqual(len(found), 1, 'one record per reference')
        return found[0] if found else None

    def test_pull_by_digest_after_a_pull_sends_no_request(self):
        pushed = self.push('app/hello:v1', SMALL)
        wasm = read(harness.shared_fixture(SMALL))
        self.pull('app/hello:v1', self.path('a.wasm'))
        blobs = os.path.join(self.xdg, 'wpkg', 'blobs', 'sha256')
        manifest = read(os.path.join(blobs, pushed['digest'][7:]))
        self.assertEqual('sha256:' + hashlib.sha256(manifest).hexdigest(), pushed['digest'])
        config = json.loads(manifest)['config']['digest']
        self.assertTrue(os.path.isfile(os.path.join(blobs, config[7:])), 'the config is kept')
        rec = self.record('%s/app/hello:v1' % self.reg.host)
        self.assertEqual((rec['digest'], rec['size'], rec['mediaType']),
                         (pushed['digest'], len(manifest), 'application/vnd.oci.image.manifest.v1+json'))
        self.reg.requests.clear()
        out = self.path('b.wasm')
        self.pull('app/hello@' + pushed['digest'], out)
        self.assertEqual(read(out), wasm)
        self.assertEqual(self.reg.requests, [], 'manifest, config and layer all came from the cache')
        out = self.path('c.wasm')
        self.pull('app/hello:v1', out)
        self.assertEqual(read(out), wasm)
        self.assertEqual([(q.method, q.path) for q in self.reg.requests], [('GET', '/v2/app/hello/manifests/v1')],
                         'by tag: only the manifest, for a tag moves')

    def test_inspect_and_copy_fill_the_cache(self):
        pushed = self.push('app/hello:v1', SMALL)
        blobs = os.path.join(self.xdg, 'wpkg', 'blobs', 'sha256')
        self.wpkg('inspect', '--plain-http', '%s/app/hello:v1' % self.reg.host, env=self.env)
        manifest = json.loads(read(os.path.join(blobs, pushed['digest'][7:])))
        self.assertTrue(os.path.isfile(os.path.join(blobs, manifest['config']['digest'][7:])))
        self.assertEqual(self.record('%s/app/hello:v1' % self.reg.host)['digest'], pushed['digest'])
        self.wpkg('copy', '--plain-http', '%s/app/hello:v1' % self.reg.host, 'oci-layout:%s:v1' % self.path('layout'),
                  env=self.env)
        layer = manifest['layers'][0]['digest']
        self.assertEqual(hashlib.sha256(read(os.path.join(blobs, layer[7:]))).hexdigest(), layer[7:],
                         'copy kept the layer it read from the registry')
        self.reg.requests.clear()
        self.wpkg('copy', '--plain-http', '%s/app/hello@%s' % (self.reg.host, pushed['digest']),
                  'oci-layout:%s:v2' % self.path('layout2'), env=self.env)
        self.assertEqual(self.reg.requests, [], 'a second copy by digest reads the cache only')

    def test_corrupt_entry_is_dropped_and_fetched_again(self):
        self.push('app/hello:v1', SMALL)
        first = self.path('a.wasm')
        self.pull('app/hello:v1', first)
        layer = hashlib.sha256(read(first)).hexdigest()
        entry = os.path.join(self.xdg, 'wpkg', 'blobs', 'sha256', layer)
        data = bytearray(read(entry))
        data[100] ^= 0xff
        # a new file in its place: the entry may be a hard link to the pulled file, which stays intact
        with open(entry + '.bad', 'wb') as f:
            f.write(data)
        os.rename(entry + '.bad', entry)
        self.reg.requests.clear()
        out = self.path('b.wasm')
        r = self.pull('app/hello:v1', out)
        self.assertIn('corrupt', r.stderr)
        self.assertEqual(read(out), read(first))
        self.assertEqual(len(self.reg.seen('GET', '/blobs/sha256:' + layer)), 1, 'fetched again')
        self.assertEqual(hashlib.sha256(read(entry)).hexdigest(), layer, 'and the entry is whole again')

    def test_wkg_cache_is_read_and_never_written(self):
        self.push('app/hello:v1', SMALL)
        wasm = read(harness.shared_fixture(SMALL))
        layer = hashlib.sha256(wasm).hexdigest()
        wkg = os.path.join(self.xdg, 'wasm-pkg')
        os.makedirs(wkg)
        with open(os.path.join(wkg, 'sha256:' + layer), 'wb') as f:
            f.write(wasm)
        self.reg.requests.clear()
        out = self.path('hello.wasm')
        self.pull('app/hello:v1', out)
        self.assertEqual(read(out), wasm)
        self.assertEqual(self.reg.seen('GET', '/blobs/sha256:' + layer), [], 'the layer came from wkg\'s cache')
        self.assertEqual(os.listdir(wkg), ['sha256:' + layer], 'nothing written into wkg\'s cache')

    def test_corrupt_manifest_wkg_entry_and_index_are_survived(self):
        pushed = self.push('app/hello:v1', SMALL)
        wasm = read(harness.shared_fixture(SMALL))
        layer = hashlib.sha256(wasm).hexdigest()
        self.pull('app/hello:v1', self.path('a.wasm'))
        cache = os.path.join(self.xdg, 'wpkg')
        entry = os.path.join(cache, 'blobs', 'sha256', pushed['digest'][7:])
        good = read(entry)
        with open(entry, 'wb') as f:
            f.write(good.replace(b'schemaVersion', b'schemaVersiom'))
        with open(os.path.join(cache, 'index.json'), 'w') as f:
            f.write('{"manifests": [')
        # a corrupt wkg entry is passed over, never deleted or repaired: that cache is wkg's
        wkg = os.path.join(self.xdg, 'wasm-pkg')
        os.makedirs(wkg)
        with open(os.path.join(wkg, 'sha256:' + layer), 'wb') as f:
            f.write(b'not the layer')
        os.unlink(os.path.join(cache, 'blobs', 'sha256', layer))
        self.reg.requests.clear()
        out = self.path('b.wasm')
        r = self.pull('app/hello@' + pushed['digest'], out)
        self.assertIn('wpkg: warning: cache: %s is corrupt; dropped, fetching it again' % pushed['digest'], r.stderr)
        self.assertEqual(read(out), wasm)
        self.assertEqual(read(entry), good, 'the manifest entry is whole again')
        self.assertEqual([q.path for q in self.reg.requests],
                         ['/v2/app/hello/manifests/' + pushed['digest'], '/v2/app/hello/blobs/sha256:' + layer])
        self.assertEqual(read(os.path.join(wkg, 'sha256:' + layer)), b'not the layer')
        self.assertEqual(self.record('%s/app/hello@%s' % (self.reg.host, pushed['digest']))['digest'],
                         pushed['digest'], 'an unreadable index.json is started again')

    def test_prune_never_breaks_a_concurrent_reader(self):
        pushed = self.push('app/calc:v1', CALC)
        wasm = read(harness.shared_fixture(CALC))
        ref = '%s/app/calc@%s' % (self.reg.host, pushed['digest'])
        stop = threading.Event()
        cleans = []

        def cleaner():
            # paced so that some pulls read the cache while an entry goes, and some find it gone
            while not stop.wait(0.05):
                cleans.append(self.wpkg('cache', 'clean', env=self.env, expect=None).returncode)

        t = threading.Thread(target=cleaner)
        t.start()
        try:
            codes = []
            for i in range(12):
                out = self.path('c%d.wasm' % i)
                r = self.wpkg('pull', '--plain-http', '--no-progress', '-o', out, ref, env=self.env, expect=None)
                codes.append((r.returncode, r.stderr))
                self.assertEqual(read(out), wasm, r.stderr)
        finally:
            stop.set()
            t.join(60)
        self.assertEqual(codes, [(0, '')] * 12)
        self.assertTrue(cleans and set(cleans) == {0}, cleans)
        self.assertNoTempFiles(os.path.join(self.xdg, 'wpkg'))

    def test_no_cache_reads_and_writes_nothing(self):
        self.push('app/hello:v1', SMALL)
        self.pull('app/hello:v1', self.path('a.wasm'))
        self.reg.requests.clear()
        cache = os.path.join(self.xdg, 'wpkg')
        before = sorted(os.listdir(os.path.join(cache, 'blobs', 'sha256')))
        self.pull('app/hello:v1', self.path('b.wasm'), '--no-cache')
        self.assertEqual(len(self.reg.seen('GET', r'/blobs/sha256:')), 2, 'config and layer fetched')
        self.assertEqual(sorted(os.listdir(os.path.join(cache, 'blobs', 'sha256'))), before)

    def cache(self, *args, expect=0):
        r = self.wpkg('cache', *args, env=self.env, expect=expect)
        return json.loads(r.stdout) if '--json' in args else r

    def test_cache_ls_du_prune_clean(self):
        self.push('app/hello:v1', HELLO, '--explode-depth', '2')
        self.pull('app/hello:v1', self.path('hello.wasm'))
        blobs = os.path.join(self.xdg, 'wpkg', 'blobs', 'sha256')
        names = sorted(os.listdir(blobs))
        sizes = {n: os.path.getsize(os.path.join(blobs, n)) for n in names}
        self.assertGreaterEqual(len(names), 3)
        ls = self.cache('ls', '--json')
        self.assertEqual([e['digest'] for e in ls], ['sha256:' + n for n in names])
        self.assertEqual([e['size'] for e in ls], [sizes[n] for n in names])
        self.assertEqual(self.cache('du', '--json'), {'blobs': len(names), 'bytes': sum(sizes.values())})
        # least recently used first: make names[0] the oldest, names[1] the newest
        now = int(time.time())
        for i, n in enumerate(names):
            t = now - 100 * 86400 if i == 0 else now - 86400 * 2 if i > 1 else now - 10
            os.utime(os.path.join(blobs, n), (t, t))
        out = self.cache('prune', '--older-than', '50d', '--json')
        self.assertEqual(out, {'removed': 1, 'bytes': sizes[names[0]]})
        self.assertEqual(sorted(os.listdir(blobs)), names[1:])
        keep = sizes[names[1]]
        out = self.cache('prune', '--max-size', str(keep), '--json')
        self.assertEqual(out, {'removed': len(names) - 2, 'bytes': sum(sizes[n] for n in names[2:])})
        self.assertEqual(os.listdir(blobs), [names[1]], 'the most recently used blob stays')
        self.assertEqual(self.cache('clean', '--json'), {'removed': 1, 'bytes': keep})
        self.assertEqual(os.listdir(blobs), [])
        self.assertEqual(self.cache('du').stdout, '0 blobs, 0 bytes\n')
        with open(os.path.join(self.xdg, 'wpkg', 'index.json')) as f:
            self.assertEqual(json.load(f)['manifests'], [], 'no record outlives its manifest')

    def test_cache_usage_errors(self):
        for args in (['frob'], [], ['ls', '--max-size', '1M'], ['prune', '--older-than', 'soon'],
                     ['prune', '--max-size', '-1']):
            r = self.cache(*args, expect=2)
            self.assertTrue(r.stderr.startswith('wpkg: error: '), r.stderr)
        r = self.wpkg('--no-cache', 'cache', 'du', env=self.env, expect=3)
        self.assertIn('the cache is off', r.stderr)


if __name__ == '__main__':
    harness.main()
