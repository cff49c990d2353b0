# SPDX-License-Identifier: Apache-2.0
"""test_faults_archive.py - a tiny input must not fill the disk, nor land as a .wasm that is not Wasm.

Each hostile archive is built here with Python's tarfile; wpkg refuses it with one error line naming the archive
and the entry (exit 3), and leaves nothing in $TMPDIR or at the output path.  An artifact on the real registry
whose Wasm-typed layer is not Wasm (digest correct) is refused before anything is written as .wasm.
"""

import gzip
import io
import os
import re
import tarfile

import harness
import oci_raw
from regcase import RegistryCase

class ArchiveFaultTests(RegistryCase, harness.TestCase):

    def refused(self, entries, *opts):
        path = self.path('hostile.tar')
        oci_raw.write_layout_tar(path, entries)
        work = self.path('work', 'tmp')
        os.makedirs(work, exist_ok=True)
        ref = 'oci-archive:%s:v1' % path
        r = self.run_wpkg('pull', *opts, '-o', self.path('out.wasm'), ref, env={'TMPDIR': work}, expect=3)
        self.assertEqual(r.stdout, '')
        self.assertEqual(r.stderr.count('\n'), 1, r.stderr)
        prefix = 'wpkg: error: pull %s: %s: entry ' % (ref, path)
        self.assertTrue(r.stderr.startswith(prefix), r.stderr)
        self.assertFalse(os.path.lexists(self.path('out.wasm')))
        self.assertEqual(os.listdir(work), [])
        return r.stderr[len(prefix):].rstrip('\n')

    def test_sparse_entry_is_refused(self):
        # PAX sparse 0.1: 4 bytes stored, 2 GiB once the holes are filled
        name = 'blobs/sha256/' + 'c' * 64
        pax = {'GNU.sparse.size': str(2 << 30), 'GNU.sparse.map': '0,4'}
        self.assertEqual(self.refused([(name, b'abcd', tarfile.REGTYPE, '', pax)]), '"%s": sparse file refused' % name)

    def test_total_cap(self):
        a, b = 'blobs/sha256/' + 'a' * 64, 'blobs/sha256/' + 'b' * 64
        self.assertEqual(self.refused([(a, b'x' * 3000), (b, b'y' * 3000)], '--archive-max-size', '5000'),
                         '"%s": more than 5000 bytes in all; pass --archive-max-size SIZE to allow '
                         'more' % b)

    def test_under_total_cap_is_read(self):
        # the same archive under a cap it fits: opened (no such tag), so the cap counts bytes, not entries
        path = self.path('ok.tar')
        oci_raw.write_layout_tar(path, [('blobs/sha256/' + 'a' * 64, b'x' * 3000)])
        r = self.run_wpkg('tags', '--archive-max-size', '5000', 'oci-archive:%s' % path)
        self.assertEqual(r.stdout, '')

    def push_layer(self, tag, layer):
        repo = self.repo()
        config = oci_raw.rust_oci_wasm_config(layer, 'wasip2', [], [])
        oci_raw.push_artifact(self.reg, repo, tag, layer, config, oci_raw.rust_oci_wasm_manifest(config, layer))
        return self.ref(repo, tag)

    def assert_not_wasm(self, ref):
        """pull REF -o out/app.wasm is refused as not Wasm, and out stays empty."""
        os.mkdir(self.path('out'))
        out = self.path('out', 'app.wasm')
        r = self.run_wpkg('pull', *self.reg.flags, '-o', out, ref, expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: pull %s: %s: the layer is not WebAssembly (no \\0asm preamble); '
                         'not written\n' % (ref, out))
        self.assertEqual(os.listdir(self.path('out')), [])

    def test_layer_that_is_not_wasm_is_not_written(self):
        self.assert_not_wasm(self.push_layer('v1', b'#!/bin/sh\necho not wasm\n'))

    def test_short_layer_is_not_written(self):
        self.assert_not_wasm(self.push_layer('v1', b'\0as'))

    def test_other_name_is_not_checked(self):
        # only a .wasm destination is checked: -o app.bin gets the layer's bytes as they are
        layer = b'not wasm at all'
        ref = self.push_layer('v1', layer)
        self.run_wpkg('pull', *self.reg.flags, '-o', self.path('app.bin'), ref)
        with open(self.path('app.bin'), 'rb') as f:
            self.assertEqual(f.read(), layer)

    def push_image(self, wasm):
        """A container image whose one tar+gzip layer holds /app.wasm; returns (ref, compressed layer size)."""
        tar = io.BytesIO()
        with tarfile.open(fileobj=tar, mode='w', format=tarfile.PAX_FORMAT) as tf:
            oci_raw.tar_add(tf, 'app.wasm', wasm)
        layer = gzip.compress(tar.getvalue(), 9, mtime=0)
        config = oci_raw.compact({'architecture': 'wasm', 'os': 'wasip1', 'config': {'Entrypoint': ['/app.wasm']},
                                  'rootfs': {'type': 'layers', 'diff_ids': [oci_raw.digest(tar.getvalue())]}})
        manifest = oci_raw.compact({
            'schemaVersion': 2, 'mediaType': oci_raw.MT_MANIFEST,
            'config': oci_raw.descriptor('application/vnd.oci.image.config.v1+json', config),
            'layers': [oci_raw.descriptor('application/vnd.oci.image.layer.v1.tar+gzip', layer)]})
        repo = self.repo()
        oci_raw.push_artifact(self.reg, repo, 'v1', layer, config, manifest)
        return self.ref(repo, 'v1'), len(layer)

    def test_gzip_bomb_layer_is_refused(self):
        # 16 MiB of zeros gzip to about 16 KB: more than 100 times, and past the 1 MiB floor
        ref, _ = self.push_image(b'\0asm\1\0\0\0' + bytes(16 << 20))
        os.mkdir(self.path('out'))
        r = self.run_wpkg('pull', *self.reg.flags, '-o', self.path('out', 'app.wasm'), ref, expect=3)
        self.assertEqual(r.stderr.count('\n'), 1, r.stderr)
        self.assertRegex(r.stderr, r'^wpkg: error: pull %s: .*layer: expands to more than [0-9]+ bytes, over 100 '
                         r'times its compressed size; refusing a compression bomb\n$' % re.escape(ref))
        self.assertEqual(os.listdir(self.path('out')), [])

    def test_image_file_that_is_not_wasm_is_not_written(self):
        self.assert_not_wasm(self.push_image(b'#!/bin/sh\n')[0])

    def test_expansion_under_the_floor_is_pulled(self):
        # far more than 100 times, but under 1 MiB in all: a small file of zeros is not a bomb
        wasm = b'\0asm\1\0\0\0' + bytes(512 << 10)
        ref, size = self.push_image(wasm)
        self.assertGreater(len(wasm), 100 * size)
        out = self.path('app.wasm')
        self.run_wpkg('pull', *self.reg.flags, '-o', out, ref)
        with open(out, 'rb') as f:
            self.assertEqual(f.read(), wasm)


harness.main()
