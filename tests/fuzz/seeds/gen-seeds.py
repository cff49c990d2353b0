#!/usr/bin/python3
"""gen-seeds.py - writes the libFuzzer seeds of the targets whose inputs the fixtures lack, one directory each.

usage: tests/fuzz/seeds/gen-seeds.py WPKG [OUTDIR]     (OUTDIR defaults to this directory)

Seeds are real: tar layers as Python's tarfile, gzip and the zstd program write them, and as wpkg itself
writes them (an image build); error bodies and headers as docker-registry answers them; oci-archives as wpkg
pushes them.  scripts/fuzz passes tests/fuzz/seeds/TARGET to TARGET when it exists.
"""
import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(os.path.dirname(here)))
wpkg = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 else here
wasm = open(os.path.join(root, 'tests', 'fixtures', 'components', 'hello-dummy.component.wasm'), 'rb').read()


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def tar_of(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode='w', format=tarfile.PAX_FORMAT) as t:
        for name, data, kind in entries:
            info = tarfile.TarInfo(name)
            info.type = kind
            if kind == tarfile.REGTYPE:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            else:
                info.linkname = 'app.wasm'
                t.addfile(info)
    return b.getvalue()


def zstd(data):
    return subprocess.run(['zstd', '-q', '-c'], input=data, stdout=subprocess.PIPE, check=True).stdout


# fuzz_layer: selector byte (bit 0: search for the only .wasm; bits 1-2: tar, gzip, zstd, docker gzip) + layer
layers = {
    'app': tar_of([('app.wasm', wasm, tarfile.REGTYPE)]),
    'dirs': tar_of([('./', b'', tarfile.DIRTYPE), ('./app.wasm', wasm, tarfile.REGTYPE),
                    ('./etc/', b'', tarfile.DIRTYPE), ('./etc/x.txt', b'hello\n', tarfile.REGTYPE)]),
    'link': tar_of([('app.wasm', wasm, tarfile.REGTYPE), ('b.wasm', b'', tarfile.SYMTYPE)]),
    'two': tar_of([('a.wasm', wasm, tarfile.REGTYPE), ('b.wasm', wasm, tarfile.REGTYPE)]),
}
for name, t in layers.items():
    for sel, kind, data in ((0, 'tar', t), (2, 'gz', gzip.compress(t, mtime=0)), (4, 'zst', zstd(t)),
                            (6, 'docker-gz', gzip.compress(t, mtime=0))):
        put('fuzz_layer', '%s-%s-named' % (name, kind), bytes([sel]) + data)
        put('fuzz_layer', '%s-%s-search' % (name, kind), bytes([sel | 1]) + data)

# wpkg's own image layer and config, from an image build into a layout
with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, 'app.wasm')
    open(src, 'wb').write(wasm)
    env = dict(os.environ, SOURCE_DATE_EPOCH='1700000000', HOME=d, DOCKER_CONFIG=d)
    subprocess.run([wpkg, 'build', '--artifact-format', 'image', '-o', 'oci-layout:%s/l:v1' % d, src],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    blobs = os.path.join(d, 'l', 'blobs', 'sha256')
    for b in sorted(os.listdir(blobs)):
        data = open(os.path.join(blobs, b), 'rb').read()
        if data[:2] == b'\x1f\x8b':
            put('fuzz_layer', 'wpkg-image-layer-named', b'\x02' + data)
            put('fuzz_layer', 'wpkg-image-layer-search', b'\x03' + data)
        elif b'"rootfs"' in data:
            put('fuzz_regdocs', 'wpkg-image-config', b'\x00\xc8' + data)
    # fuzz_archive: oci-archives as wpkg writes them, one and two artifacts
    subprocess.run([wpkg, 'push', 'oci-archive:%s/a.tar:v1' % d, src], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    put('fuzz_archive', 'one.tar', open(os.path.join(d, 'a.tar'), 'rb').read())
    subprocess.run([wpkg, 'build', '--artifact-format', 'image', '-o', 'oci-archive:%s/a.tar:v2' % d, src],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    put('fuzz_archive', 'two.tar', open(os.path.join(d, 'a.tar'), 'rb').read())

# fuzz_regdocs: two status bytes + a body; the same bytes are read as a header block and an image config
def status(n):
    return bytes([(n - 100) >> 8, (n - 100) & 0xff])


def errors(*pairs):
    return json.dumps({'errors': [{'code': c, 'message': m, 'detail': {'name': 'x'}} for c, m in pairs]}).encode()


put('fuzz_regdocs', 'manifest-unknown', status(404) + errors(('MANIFEST_UNKNOWN', 'manifest unknown')))
put('fuzz_regdocs', 'two-errors', status(400) + errors(('DIGEST_INVALID', 'provided digest did not match'),
                                                        ('SIZE_INVALID', 'provided length did not match')))
put('fuzz_regdocs', 'denied', status(401) + errors(('UNAUTHORIZED', 'authentication required')))
put('fuzz_regdocs', 'html', status(502) + b'<html><body><h1>502 Bad Gateway</h1></body></html>\r\n')
put('fuzz_regdocs', 'headers-429', status(429) + b'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\n'
    b'RateLimit-Limit: 100;w=21600\r\nRateLimit-Remaining: 0;w=21600\r\nContent-Type: application/json\r\n\r\n')
put('fuzz_regdocs', 'headers-redirect', status(307) + b'HTTP/1.1 307 Temporary Redirect\r\n'
    b'Location: http://s/storage/sha256:00\r\nContent-Length: 0\r\nLink: </v2/x/tags/list?n=1&last=a>; '
    b'rel="next"\r\nDocker-Content-Digest: sha256:00\r\n\r\n')
put('fuzz_regdocs', 'config-entrypoint', status(200) + json.dumps({
    'architecture': 'wasm', 'os': 'wasip1', 'config': {'Entrypoint': ['/app.wasm']},
    'rootfs': {'type': 'layers', 'diff_ids': []}}).encode())

# fuzz_annotfile: the flat form and ORAS's
put('fuzz_annotfile', 'flat', json.dumps({'org.opencontainers.image.title': 'x',
                                          'org.example.k': 'v'}).encode())
put('fuzz_annotfile', 'oras', json.dumps({'$manifest': {'org.example.k': 'v'},
                                          'app.wasm': {'org.example.layer': 'l'}}).encode())
put('fuzz_annotfile', 'oras-bad', json.dumps({'$manifest': {'k': 1}, 'f': 'x'}).encode())
