# SPDX-License-Identifier: Apache-2.0
"""test_faults_archive.py - a tiny input must not fill the disk, nor land as a .wasm that is not Wasm.

Each hostile archive is built here with Python's tarfile; wpkg refuses it with one error line naming the archive
and the entry (exit 3), and leaves nothing in $TMPDIR or at the output path.  An artifact on the real registry
whose Wasm-typed layer is not Wasm (digest correct) is refused before anything is written as .wasm.
"""

import gzip
import hashlib
import io
import os
import re
import resource
import subprocess
import tarfile
import threading
import time

import harness
import oci_raw
from regcase import RegistryCase

def no_file_writes():
    """In the child: writing a single byte to any regular file kills it (SIGXFSZ), so peak disk use is 0."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


class ArchiveFaultTests(RegistryCase, harness.TestCase):

    def run_no_writes(self, *args, expect=0, any_file=True):
        """wpkg ARGS with an empty $TMPDIR watched all along; stdout as bytes.

        any_file: no byte may be written to any regular file at all (RLIMIT_FSIZE 0: the first one kills
        wpkg with SIGXFSZ).  Either way, nothing may appear in $TMPDIR while wpkg runs (polled every
        half millisecond) nor be left there.
        """
        work = self.path('work', 'tmp')
        os.makedirs(work, exist_ok=True)
        seen, done = set(), threading.Event()

        def watch():
            while not done.is_set():
                seen.update(os.listdir(work))
                time.sleep(0.0005)
        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            r = subprocess.run([harness.WPKG, *args], env=self.child_env({'TMPDIR': work}), cwd=self.tmp,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                               preexec_fn=no_file_writes if any_file else None)
        finally:
            done.set()
            watcher.join()
        self.assertEqual(r.returncode, expect, r.stderr.decode(errors='replace'))
        self.assertEqual(sorted(seen | set(os.listdir(work))), [])
        r.stderr = r.stderr.decode(errors='replace')
        return r

    def refused(self, entries, *opts):
        path = self.path('hostile.tar')
        oci_raw.write_layout_tar(path, entries)
        ref = 'oci-archive:%s:v1' % path
        r = self.run_no_writes('pull', *opts, '-o', self.path('out.wasm'), ref, expect=3)
        self.assertEqual(r.stdout, b'')
        self.assertEqual(r.stderr.count('\n'), 1, r.stderr)
        prefix = 'wpkg: error: pull %s: %s: entry ' % (ref, path)
        self.assertTrue(r.stderr.startswith(prefix), r.stderr)
        self.assertFalse(os.path.lexists(self.path('out.wasm')))
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

    def test_big_entry_is_refused_without_writing(self):
        # the declared size alone is over the cap: refused at the scan, before any byte is read
        name = 'blobs/sha256/' + 'd' * 64
        self.assertEqual(self.refused([(name, b'x' * 5000)], '--archive-max-size', '4096'),
                         '"%s": more than 4096 bytes in all; pass --archive-max-size SIZE to allow more' % name)

    def write_wasm_archive(self, path, layer, mode='w'):
        """An oci-archive of one rust-oci-wasm style artifact tagged v1, as Python's tarfile writes it."""
        config = oci_raw.rust_oci_wasm_config(layer, 'wasip2', [], [])
        manifest = oci_raw.rust_oci_wasm_manifest(config, layer)
        entry = oci_raw.descriptor(oci_raw.MT_MANIFEST, manifest,
                                   annotations={'org.opencontainers.image.ref.name': 'v1'})
        index = oci_raw.compact({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.index.v1+json',
                                 'manifests': [entry]})
        with tarfile.open(path, mode, format=tarfile.PAX_FORMAT) as tf:
            oci_raw.tar_add(tf, 'oci-layout', oci_raw.LAYOUT_DOC)
            oci_raw.tar_add(tf, 'index.json', index)
            oci_raw.tar_add(tf, 'blobs', kind=tarfile.DIRTYPE)
            oci_raw.tar_add(tf, 'blobs/sha256', kind=tarfile.DIRTYPE)
            for blob in (layer, config, manifest):
                oci_raw.tar_add(tf, 'blobs/sha256/' + hashlib.sha256(blob).hexdigest(), blob)
        return oci_raw.digest(manifest)

    def big_layer(self, mib):
        # incompressible, so that a gzip archive is as big as the plain one
        return b'\0asm\x0d\0\x01\0' + os.urandom((mib << 20) - 8)

    def test_read_only_commands_write_nothing(self):
        # 48 MiB of layer: the old reader extracted all of it into $TMPDIR before answering anything
        layer = self.big_layer(48)
        path = self.path('big.tar')
        digest = self.write_wasm_archive(path, layer)
        ref = 'oci-archive:' + path
        self.assertEqual(self.run_no_writes('tags', ref).stdout, b'v1\n')
        shown = self.run_no_writes('--json', 'inspect', ref + ':v1')
        self.assertIn(b'"digest": "%s"' % digest.encode(), shown.stdout)
        # pull writes its output (beside it, then renamed), and nothing else
        out = self.path('big.wasm')
        self.run_no_writes('pull', '-o', out, ref + ':v1', any_file=False)
        self.assertEqual(harness.sha256_file(out), hashlib.sha256(layer).hexdigest())

    def pull_bytes(self, path, tag='v1'):
        out = self.path('out.wasm')
        self.run_wpkg('pull', '-o', out, 'oci-archive:%s:%s' % (path, tag), env={'TMPDIR': self.path('work')})
        with open(out, 'rb') as f:
            data = f.read()
        os.unlink(out)
        return data

    def test_plain_gzip_and_zstd_archives_pull_exact_bytes(self):
        os.makedirs(self.path('work'))
        layer = self.big_layer(3)
        want = hashlib.sha256(layer).hexdigest()
        self.write_wasm_archive(self.path('a.tar'), layer)
        self.write_wasm_archive(self.path('a.tar.gz'), layer, 'w:gz')
        subprocess.run(['zstd', '-q', '-o', self.path('a.tar.zst'), self.path('a.tar')], check=True, timeout=60)
        for name in ('a.tar', 'a.tar.gz', 'a.tar.zst'):
            self.assertEqual(hashlib.sha256(self.pull_bytes(self.path(name))).hexdigest(), want, name)
        # a compressed tar is read by fresh passes: nothing is spooled for a pull
        self.assertEqual(os.listdir(self.path('work')), [])

    def test_wpkg_written_archive_gzipped_still_reads(self):
        src = harness.fixture('components/hello-c.component.wasm')
        self.run_wpkg('push', 'oci-archive:%s:v1' % self.path('w.tar'), src)
        with open(self.path('w.tar'), 'rb') as f, gzip.open(self.path('w.tar.gz'), 'wb') as g:
            g.write(f.read())
        with open(src, 'rb') as f:
            self.assertEqual(self.pull_bytes(self.path('w.tar.gz')), f.read())

    def test_compressed_archive_is_not_rewritten(self):
        path = self.path('w.tar.gz')
        self.write_wasm_archive(path, self.big_layer(1), 'w:gz')
        before = harness.sha256_file(path)
        r = self.run_wpkg('tag', 'oci-archive:%s:v1' % path, 'v2', expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: tag oci-archive:%s:v1: %s: a gzip compressed archive is only read; '
                         'write to a plain tar (decompress it first)\n' % (path, path))
        self.assertEqual(harness.sha256_file(path), before)
        self.assertEqual(self.run_wpkg('tags', 'oci-archive:' + path).stdout, 'v1\n')

    def test_copy_archives_to_registry(self):
        layer = self.big_layer(3)
        for name, mode in (('c.tar', 'w'), ('c.tar.gz', 'w:gz')):
            digest = self.write_wasm_archive(self.path(name), layer, mode)
            repo = self.repo()
            work = self.path('work-' + name)
            os.makedirs(work)
            self.run_wpkg('copy', *self.reg.flags, 'oci-archive:%s:v1' % self.path(name), self.ref(repo, 'v1'),
                          env={'TMPDIR': work})
            # the gzip one spooled its layer (too big to keep from the scan) and removed the spool
            self.assertEqual(os.listdir(work), [])
            out = self.path('copied.wasm')
            r = self.run_wpkg('--json', 'pull', *self.reg.flags, '-o', out, self.ref(repo, 'v1'))
            self.assertIn('"digest": "%s"' % digest, r.stdout)
            self.assertEqual(harness.sha256_file(out), hashlib.sha256(layer).hexdigest(), name)
            os.unlink(out)

    def corrupt(self, path, layer, mode='w'):
        """An archive whose layer entry holds layer with one byte flipped, under layer's own digest."""
        self.write_wasm_archive(path + '.ok', layer)
        name = 'blobs/sha256/' + hashlib.sha256(layer).hexdigest()
        with tarfile.open(path + '.ok') as tf:
            off = tf.getmember(name).offset_data
        with open(path + '.ok', 'rb') as f:
            data = bytearray(f.read())
        data[off + 1000] ^= 0x01
        if mode == 'w':
            with open(path, 'wb') as f:
                f.write(data)
        else:
            with gzip.open(path, 'wb') as f:
                f.write(data)
        return 'sha256:' + hashlib.sha256(layer).hexdigest()

    def test_corrupt_blob_is_detected_by_digest(self):
        layer = self.big_layer(2)
        for name, mode in (('bad.tar', 'w'), ('bad.tar.gz', 'w:gz')):
            path = self.path(name)
            blob = self.corrupt(path, layer, mode)
            out = self.path('out.wasm')
            ref = 'oci-archive:%s:v1' % path
            r = self.run_wpkg('pull', '-o', out, ref, expect=6)
            self.assertEqual(r.stderr.count('\n'), 1, r.stderr)
            self.assertTrue(r.stderr.startswith('wpkg: error: pull %s: ' % ref), r.stderr)
            self.assertTrue(r.stderr.endswith('blob %s in %s: content does not match its digest\n' % (blob, path)),
                            r.stderr)
            self.assertFalse(os.path.lexists(out))
            self.assertNoTempFiles(self.tmp)

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
