# SPDX-License-Identifier: Apache-2.0
"""test_digest_cache.py - the digest cache: an unchanged input file is not hashed again; any change misses.

Entries live in $WPKG_CACHE/digests (else $XDG_CACHE_HOME/wpkg/digests),
keyed by the file's device, inode, size, mtime and ctime.  The tests read an
entry, then plant a wrong digest in it to see that wpkg believes the entry
for the very same file, and only for it: a touch, a rewrite or --no-cache
goes back to hashing.
"""

import hashlib
import json
import os

import harness

COMPONENT = 'components/hello-c.component.wasm'


class DigestCacheTests(harness.TestCase):

    def setUp(self):
        super().setUp()
        self.cache = self.path('cache')
        self.env = {'WPKG_CACHE': self.cache}
        self.file = self.path('hello.wasm')
        with open(harness.fixture(COMPONENT), 'rb') as src, open(self.file, 'wb') as dst:
            dst.write(src.read())
        with open(self.file, 'rb') as f:
            self.sha = hashlib.sha256(f.read()).hexdigest()

    def inspect(self, *extra, env=None):
        r = self.wpkg(*extra, 'inspect', '--json', self.file, env=env or self.env)
        return json.loads(r.stdout)['sha256']

    def entry(self):
        d = os.path.join(self.cache, 'digests')
        names = os.listdir(d)
        self.assertEqual(len(names), 1, names)
        st = os.stat(self.file)
        key = '%x-%x-%d-%d.%09d-%d.%09d' % (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns // 10**9,
                                             st.st_mtime_ns % 10**9, st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9)
        self.assertEqual(names[0], key)
        return os.path.join(d, names[0])

    def plant(self, path, fake):
        with open(path) as f:
            text = f.read()
        self.assertIn('file %s\n' % self.sha, text)
        with open(path, 'w') as f:
            f.write(text.replace('file %s\n' % self.sha, 'file %s\n' % fake))

    def test_entry_is_written_and_then_believed_for_the_same_file(self):
        self.assertEqual(self.inspect(), self.sha)
        fake = 'ab' * 32
        self.plant(self.entry(), fake)
        self.assertEqual(self.inspect(), fake, 'an unchanged file is not hashed again')
        self.assertEqual(self.inspect('--no-cache'), self.sha, '--no-cache hashes')

    def test_any_change_to_the_file_misses(self):
        self.assertEqual(self.inspect(), self.sha)
        self.plant(self.entry(), 'cd' * 32)
        st = os.stat(self.file)
        os.utime(self.file, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
        self.assertEqual(self.inspect(), self.sha, 'a touched file is hashed again')

    def test_xdg_cache_home_is_the_default_and_a_bad_entry_is_ignored(self):
        xdg = self.path('xdg')
        self.assertEqual(self.inspect(env={'XDG_CACHE_HOME': xdg}), self.sha)
        d = os.path.join(xdg, 'wpkg', 'digests')
        (name,) = os.listdir(d)
        with open(os.path.join(d, name), 'w') as f:
            f.write('wpkg-digest-cache 1\nfile not-hex\n')
        self.assertEqual(self.inspect(env={'XDG_CACHE_HOME': xdg}), self.sha)

    def test_push_of_an_unchanged_file_uses_the_entry(self):
        # a wrong digest from the cache would be caught by the layout's own check, so build a layout
        # twice and compare: the second build must reuse the entry and make the same manifest
        out1, out2 = self.path('l1'), self.path('l2')
        env = dict(self.env, SOURCE_DATE_EPOCH='1700000000')
        d1 = self.wpkg('build', '-o', out1 + ':v1', self.file, env=env).stdout.strip()
        self.entry()
        d2 = self.wpkg('build', '-o', out2 + ':v1', self.file, env=env).stdout.strip()
        self.assertEqual(d1, d2)
        with open(os.path.join(out2, 'blobs', 'sha256', self.sha), 'rb') as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), self.sha)


if __name__ == '__main__':
    harness.main()
