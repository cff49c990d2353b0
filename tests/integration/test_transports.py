# SPDX-License-Identifier: Apache-2.0
"""test_transports.py - every REF command on oci-layout: and oci-archive:, skopeo interop, hostile archives refused."""

import io
import json
import os
import tarfile

import harness
import oci_raw
from regcase import RegistryCase, read

COMPONENT = 'components/hello-c.component.wasm'
MODULE = 'modules/hello-c.core.wasm'
EPOCH = 1700000000


class TransportTests(RegistryCase, harness.TestCase):
    VARIANT = 'plain'

    def json_wpkg(self, *args, **kw):
        return json.loads(self.run_wpkg('--json', *args, **kw).stdout)

    def tags(self, ref):
        return self.run_wpkg('tags', ref).stdout.split()

    def check_commands(self, prefix):
        """push, tags, tag, inspect, pull, delete on prefix (oci-layout:DIR or oci-archive:FILE)."""
        src = harness.fixture(COMPONENT)
        pushed = self.json_wpkg('push', prefix + ':v1', src, '-t', 'extra')
        self.assertEqual(pushed['tags'], ['v1', 'extra'])
        self.assertEqual(self.tags(prefix), ['extra', 'v1'])
        self.assertEqual(self.json_wpkg('tags', prefix), ['extra', 'v1'])
        tagged = self.json_wpkg('tag', prefix + ':v1', 'v2')
        self.assertEqual(tagged['digest'], pushed['digest'])
        self.assertEqual(self.tags(prefix), ['extra', 'v1', 'v2'])
        shown = self.json_wpkg('inspect', prefix + ':v2')
        self.assertEqual(shown['digest'], pushed['digest'])
        self.assertEqual(shown['layers'][0]['digest'], 'sha256:' + harness.sha256_file(src))
        pulled = self.json_wpkg('pull', '-o', self.path('out.wasm'), prefix + '@' + pushed['digest'])
        self.assertEqual(pulled['digest'], pushed['digest'])
        self.assertEqual(read(self.path('out.wasm')), read(src))
        # a second artifact beside it; deleting the first takes all its tags and leaves the other
        other = self.json_wpkg('push', prefix + ':mod', harness.fixture(MODULE))
        deleted = self.json_wpkg('delete', prefix + ':v1')
        self.assertEqual(deleted['digest'], pushed['digest'])
        self.assertEqual(self.tags(prefix), ['mod'])
        r = self.run_wpkg('pull', '-o', self.path('gone.wasm'), prefix + ':v2', expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: pull %s:v2: fetch manifest: tag "v2" not found in %s\n'
                         % (prefix, prefix.split(':', 1)[1]))
        self.assertEqual(self.json_wpkg('inspect', prefix + ':mod')['digest'], other['digest'])
        return pushed

    def test_layout_commands(self):
        layout = self.path('lay')
        pushed = self.check_commands('oci-layout:' + layout)
        # the blobs stay after a delete, as in a registry before garbage collection
        self.assertTrue(os.path.exists(harness.Layout(layout).blob_path(pushed['digest'])))
        self.assertNoTempFiles(self.tmp)

    def test_archive_commands(self):
        archive = self.path('a.tar')
        self.check_commands('oci-archive:' + archive)
        with tarfile.open(archive) as tf:
            members = tf.getmembers()
        names = [m.name for m in members]
        self.assertEqual(names[:4], ['oci-layout', 'index.json', 'blobs', 'blobs/sha256'])
        self.assertEqual(names[4:], sorted(names[4:]))
        for m in members:
            self.assertEqual((m.uid, m.gid, m.mtime), (0, 0, EPOCH), m.name)
            self.assertEqual(m.mode, 0o755 if m.isdir() else 0o644, m.name)
        self.assertNoTempFiles(self.tmp)

    def test_build_writes_archive(self):
        src = harness.fixture(COMPONENT)
        a = self.json_wpkg('build', '-o', 'oci-archive:' + self.path('b.tar') + ':v3', src)
        b = self.json_wpkg('build', '-o', self.path('lay') + ':v3', src)
        self.assertEqual(a['digest'], b['digest'])
        self.assertEqual(self.tags('oci-archive:' + self.path('b.tar')), ['v3'])
        # the same input, the same bytes
        self.run_wpkg('build', '-o', 'oci-archive:' + self.path('c.tar') + ':v3', src)
        self.assertEqual(read(self.path('b.tar')), read(self.path('c.tar')))

    def test_missing_archive(self):
        r = self.run_wpkg('pull', 'oci-archive:' + self.path('none.tar'), expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: pull oci-archive:%s: %s: No such file or directory\n'
                         % (self.path('none.tar'), self.path('none.tar')))

    def test_corrupt_blob_in_archive(self):
        good, bad = self.path('good.tar'), self.path('bad.tar')
        pushed = self.json_wpkg('push', 'oci-archive:%s:v1' % good, harness.fixture(COMPONENT))
        layer = pushed['layers'][0]['digest']
        with tarfile.open(good) as src, tarfile.open(bad, 'w', format=tarfile.PAX_FORMAT) as dst:
            for m in src.getmembers():
                data = src.extractfile(m).read() if m.isfile() else None
                if m.name == 'blobs/sha256/' + layer.split(':', 1)[1]:
                    data = b'\0' * len(data)    # same size, other bytes
                dst.addfile(m, io.BytesIO(data) if data is not None else None)
        r = self.run_wpkg('pull', '-o', self.path('out.wasm'), 'oci-archive:%s:v1' % bad, expect=6)
        self.assertEqual(r.stderr, 'wpkg: error: pull oci-archive:%s:v1: layer %s: blob %s in %s: content does not '
                         'match its digest\n' % (bad, layer, layer, bad))
        self.assertFalse(os.path.exists(self.path('out.wasm')))
        self.assertNoTempFiles(self.tmp)

    # -- skopeo ----------------------------------------------------------------
    def test_skopeo_reads_wpkg_archive(self):
        archive = self.path('w.tar')
        pushed = self.json_wpkg('push', 'oci-archive:%s:v1' % archive, harness.fixture(COMPONENT))
        repo = self.repo()
        self.run_cmd(['skopeo', 'copy', '--quiet', *self.reg.skopeo_flags(dest=True),
                      'oci-archive:%s:v1' % archive, 'docker://%s/%s:v1' % (self.reg.host, repo)])
        status, _, body = oci_raw.get_manifest(self.reg, repo, 'v1')
        self.assertEqual(status, 200)
        self.assertEqual(oci_raw.digest(body), pushed['digest'])
        self.run_cmd(['skopeo', 'copy', '--quiet', 'oci-archive:%s:v1' % archive, 'oci:%s:v1' % self.path('sk')])
        self.assertEqual(harness.Layout(self.path('sk')).resolve('v1')['digest'], pushed['digest'])

    def test_wpkg_reads_skopeo_archive_and_layout(self):
        src = harness.fixture(COMPONENT)
        repo = self.repo()
        pushed = self.json_wpkg('push', *self.reg.flags, self.ref(repo, 'v1'), src)
        archive, layout = self.path('s.tar'), self.path('s-layout')
        self.run_cmd(['skopeo', 'copy', '--quiet', *self.reg.skopeo_flags(dest=False),
                      'docker://%s/%s:v1' % (self.reg.host, repo), 'oci-archive:%s:v1' % archive])
        self.run_cmd(['skopeo', 'copy', '--quiet', *self.reg.skopeo_flags(dest=False),
                      'docker://%s/%s:v1' % (self.reg.host, repo), 'oci:%s:v1' % layout])
        for ref in ('oci-archive:%s:v1' % archive, 'oci-layout:%s:v1' % layout):
            with self.subTest(ref=ref):
                out = self.path('from-skopeo.wasm')
                pulled = self.json_wpkg('pull', '-o', out, ref)
                self.assertEqual(pulled['digest'], pushed['digest'])
                self.assertEqual(read(out), read(src))
                self.assertEqual(self.json_wpkg('inspect', ref)['digest'], pushed['digest'])
                os.unlink(out)

    # -- hostile archives --------------------------------------------------------
    def hostile(self, entries, env=None):
        """Builds an archive of a layout head plus entries, pulls from it; returns stderr (exit 3 asserted)."""
        path = self.path('hostile.tar')
        oci_raw.write_layout_tar(path, entries)
        work = self.path('work', 'tmp')
        os.makedirs(work, exist_ok=True)
        e = {'TMPDIR': work}
        e.update(env or {})
        r = self.run_wpkg('pull', '-o', self.path('out.wasm'), 'oci-archive:%s:v1' % path, env=e, expect=3)
        self.assertEqual(r.stdout, '')
        self.assertEqual(r.stderr.count('\n'), 1, r.stderr)
        prefix = 'wpkg: error: pull oci-archive:%s:v1: %s: entry ' % (path, path)
        self.assertTrue(r.stderr.startswith(prefix), r.stderr)
        # nothing outside the extraction directory, which is gone
        for p in (self.path('canary'), self.path('work', 'canary'), os.path.join(work, 'canary'),
                  self.path('out.wasm')):
            self.assertFalse(os.path.lexists(p), p)
        self.assertEqual(os.listdir(work), [])
        return r.stderr[len(prefix):].rstrip('\n')

    def test_hostile_absolute(self):
        canary = self.path('canary')
        self.assertEqual(self.hostile([(canary, b'x')]), '"%s": absolute path refused' % canary)

    def test_hostile_dotdot(self):
        self.assertEqual(self.hostile([('blobs/../../canary', b'x')]),
                         '"blobs/../../canary": ".." component refused')
        self.assertEqual(self.hostile([('../canary', b'x')]), '"../canary": ".." component refused')

    def test_hostile_symlink(self):
        self.assertEqual(self.hostile([('blobs', b'', tarfile.SYMTYPE, self.path('canary')),
                                       ('blobs/sha256', b'', tarfile.DIRTYPE)]),
                         '"blobs": symbolic link to "%s" refused' % self.path('canary'))

    def test_hostile_hardlink(self):
        self.assertEqual(self.hostile([('blobs/sha256/' + 'a' * 64, b'', tarfile.LNKTYPE, '../../canary')]),
                         '"blobs/sha256/%s": hard link to "../../canary" refused' % ('a' * 64))

    def test_hostile_device(self):
        self.assertEqual(self.hostile([('blobs/sha256/' + 'a' * 64, b'', tarfile.FIFOTYPE)]),
                         '"blobs/sha256/%s": device, fifo or socket refused' % ('a' * 64))

    def test_hostile_oversized(self):
        name = 'blobs/sha256/' + 'b' * 64
        self.assertEqual(self.hostile([(name, b'x' * 5000)], env={'WPKG_ARCHIVE_MAX_ENTRY': '4096'}),
                         '"%s": 5000 bytes, more than the cap of 4096' % name)

    def test_hostile_foreign_name(self):
        self.assertEqual(self.hostile([('etc/passwd', b'x')]),
                         '"etc/passwd": not part of an OCI image layout (oci-layout, index.json, blobs/ALG/HEX)')


harness.main()
