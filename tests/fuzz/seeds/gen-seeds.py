#!/usr/bin/python3
"""gen-seeds.py - writes the libFuzzer seeds of the targets whose inputs the fixtures lack, one directory each.

usage: tests/fuzz/seeds/gen-seeds.py WPKG [OUTDIR]     (OUTDIR defaults to this directory)

Seeds are real: tar layers as Python's tarfile, gzip and the zstd program write them, and as wpkg itself
writes them (an image build); error bodies and headers as docker-registry answers them; oci-archives as wpkg
pushes them; tag lists and the referrers fallback index as a docker-registry (started here) serves them after
wpkg pushed and attached; credential-helper answers as the tests' docker-credential-wpkgtest gives them;
oci-layout directories as wpkg builds, tags and attaches into them.  scripts/fuzz passes tests/fuzz/seeds/TARGET to TARGET when it exists.
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

# fuzz_credhelper: exit-status byte (even: 0; odd: status << 1 | 1) + stdout, as the tests' real helper answers
helper = os.path.join(root, 'tests', 'integration', 'docker-credential-wpkgtest')
with tempfile.TemporaryDirectory() as d:
    env = dict(os.environ, HOME=d)

    def call(action, data):
        return subprocess.run([helper, action], input=data, stdout=subprocess.PIPE, env=env)

    call('store', json.dumps({'ServerURL': 'r.example', 'Username': 'wpkg-user', 'Secret': 'pw-1'}).encode())
    call('store', json.dumps({'ServerURL': 'tok.example', 'Username': '<token>', 'Secret': 'eyJ0b2tlbiI6MX0'}).encode())
    for name, url in (('user', b'r.example\n'), ('token', b'tok.example\n'), ('missing', b'other.example\n')):
        p = call('get', url)
        put('fuzz_credhelper', name, bytes([0 if p.returncode == 0 else p.returncode << 1 | 1]) + p.stdout)

# fuzz_tags and fuzz_referrers: a real docker-registry's answers, pages joined as fuzz_pages.h reads them
PAGE_SEP = b'\n--page--\n'
sys.path.insert(0, os.path.join(root, 'tests', 'integration'))
import registry  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402


def answer(url, accept=None):
    """GET url: (status line + header lines as curl hands them over, CRLF, then the empty line), body.

    Date is left out, so that the seeds are the same from run to run."""
    req = urllib.request.Request(url, headers={'Accept': accept} if accept else {})
    with urllib.request.urlopen(req) as r:
        head = 'HTTP/1.1 %d %s\r\n' % (r.status, r.reason) + ''.join(
            '%s: %s\r\n' % kv for kv in r.headers.items() if kv[0] != 'Date')
        return head.encode() + b'\r\n', r.read()


with tempfile.TemporaryDirectory() as d, registry.Registry('plain') as reg:
    src = os.path.join(d, 'app.wasm')
    open(src, 'wb').write(wasm)
    sig = os.path.join(d, 'sig.json')
    open(sig, 'w').write('{"critical":{}}')
    env = dict(os.environ, SOURCE_DATE_EPOCH='1700000000', HOME=d, DOCKER_CONFIG=d)
    repo = '%s/fuzz/app' % reg.host
    for tag in ('v1', 'v1.1', 'v2', 'latest', 'rc-1'):
        subprocess.run([wpkg, 'push', '--plain-http', '%s:%s' % (repo, tag), src], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([wpkg, 'attach', '--plain-http', '--artifact-type', 'application/vnd.dev.cosign.artifact.sig.v1+json',
                    '%s:v1' % repo, sig], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = '%s/v2/fuzz/app' % reg.url
    # the whole list in one page, as the registry answers it
    head, body = answer(base + '/tags/list')
    put('fuzz_tags', 'one-page', head + body)
    # Distribution 2.8 ignores n; paged the way Distribution 3 and GHCR page it: n tags, Link to the rest
    tags = json.loads(body)['tags']
    pages = []
    for i in range(0, len(tags), 2):
        more = i + 2 < len(tags)
        link = 'Link: </v2/fuzz/app/tags/list?last=%s&n=2>; rel="next"\r\n' % tags[i + 1] if more else ''
        page = json.dumps({'name': 'fuzz/app', 'tags': tags[i:i + 2]}).encode()
        pages.append(head.replace(b'\r\n\r\n', ('\r\n' + link + '\r\n').encode())
                     .replace(b'Content-Length: %d' % len(body), b'Content-Length: %d' % len(page)) + page)
    put('fuzz_tags', 'paged', PAGE_SEP.join(pages))
    put('fuzz_tags', 'same-page-twice', PAGE_SEP.join(pages[:1] * 2))
    # the fallback tag sha256-HEX that attach wrote, as an image index; and the subject itself under it
    head, subject = answer(base + '/manifests/v1', 'application/vnd.oci.image.manifest.v1+json')
    digest = [v for k, v in (line.split(': ', 1) for line in head.decode().split('\r\n')[1:] if ': ' in line)
              if k.lower() == 'docker-content-digest'][0]
    head, index = answer(base + '/manifests/' + digest.replace(':', '-'), 'application/vnd.oci.image.index.v1+json')
    put('fuzz_referrers', 'fallback-index', b'\x01' + index)
    put('fuzz_referrers', 'fallback-index-lenient', b'\x03' + index)
    put('fuzz_referrers', 'fallback-subject-itself', b'\x05' + subject)
    put('fuzz_referrers', 'fallback-manifest-lenient', b'\x13' + subject)
    # the referrers API answers with the same index; Distribution 2.8 has no API, so its tag pages' Link form
    api = b'HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.index.v1+json\r\n'
    put('fuzz_referrers', 'api-one-page', b'\x00' + api + b'\r\n' + index)
    put('fuzz_referrers', 'api-filtered', b'\x02' + api + b'OCI-Filters-Applied: artifactType\r\n\r\n' + index)
    put('fuzz_referrers', 'api-two-pages', b'\x02' + api + b'Link: </v2/fuzz/app/referrers/' + digest.encode() +
        b'?n=1&last=x>; rel="next"\r\n\r\n' + index + PAGE_SEP + api + b'\r\n' + index)

# fuzz_layoutdir: layouts as wpkg writes them: oci-layout, index.json, then every blob, framed
PART_SEP = b'\n--blob--\n'


def layout_seed(name, args, env, d):
    out = os.path.join(d, name)
    for a in args:
        subprocess.run([wpkg] + a(out), env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    blobs = os.path.join(out, 'blobs', 'sha256')
    parts = [open(os.path.join(out, 'oci-layout'), 'rb').read(), open(os.path.join(out, 'index.json'), 'rb').read()]
    parts += [open(os.path.join(blobs, b), 'rb').read() for b in sorted(os.listdir(blobs))]
    put('fuzz_layoutdir', name, PART_SEP.join(parts))


with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, 'app.wasm')
    open(src, 'wb').write(wasm)
    sig = os.path.join(d, 'sig.json')
    open(sig, 'w').write('{"critical":{}}')
    env = dict(os.environ, SOURCE_DATE_EPOCH='1700000000', HOME=d, DOCKER_CONFIG=d)
    layout_seed('component', [lambda o: ['build', '-o', 'oci-layout:%s:v1' % o, src]], env, d)
    layout_seed('image', [lambda o: ['build', '--artifact-format', 'image', '-o', 'oci-layout:%s:v1' % o, src]], env, d)
    layout_seed('two-tags-referrer', [lambda o: ['build', '-o', 'oci-layout:%s:v1' % o, src],
                                      lambda o: ['tag', 'oci-layout:%s:v1' % o, 'v2'],
                                      lambda o: ['attach', '--artifact-type', 'application/vnd.example+json',
                                                 'oci-layout:%s:v1' % o, sig]], env, d)
