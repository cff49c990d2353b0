# SPDX-License-Identifier: Apache-2.0
"""oci_raw.py - hand-made OCI documents and raw distribution-API pushes, for tests that must not trust wpkg.

Everything here talks to a tests' Registry through reg.raw_request, so what
lands in the registry is exactly the bytes built here.
"""

import hashlib
import io
import json
import tarfile
import urllib.parse

MT_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
MT_INDEX = 'application/vnd.oci.image.index.v1+json'
MT_WASM_CONFIG = 'application/vnd.wasm.config.v0+json'
MT_WASM = 'application/wasm'
ACCEPT = ', '.join([MT_MANIFEST, MT_INDEX,
                    'application/vnd.docker.distribution.manifest.v2+json',
                    'application/vnd.docker.distribution.manifest.list.v2+json'])
LAYOUT_DOC = b'{"imageLayoutVersion":"1.0.0"}'
EMPTY_INDEX = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}'


def tar_add(tf, name, data=b'', kind=tarfile.REGTYPE, linkname='', pax=None):
    """One entry: a regular file holding data, or a kind (a link to linkname, a directory, ...) with pax headers."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    if pax:
        info.pax_headers = pax
    tf.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def write_layout_tar(path, entries):
    """An oci-archive: an empty layout's oci-layout and index.json, then entries (tar_add's arguments)."""
    with tarfile.open(path, 'w', format=tarfile.PAX_FORMAT) as tf:
        tar_add(tf, 'oci-layout', LAYOUT_DOC)
        tar_add(tf, 'index.json', EMPTY_INDEX)
        for e in entries:
            tar_add(tf, *e)


def digest(data):
    return 'sha256:' + hashlib.sha256(data).hexdigest()


def compact(doc):
    """serde_json / Go style compact JSON, keys in the order given."""
    return json.dumps(doc, separators=(',', ':'), ensure_ascii=False).encode('utf-8')


def descriptor(media_type, data, annotations=None, platform=None):
    d = {'mediaType': media_type, 'digest': digest(data), 'size': len(data)}
    if annotations is not None:
        d['annotations'] = annotations
    if platform is not None:
        d['platform'] = platform
    return d


def leb128(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def make_component(size, name='wpkg-filler', seed=b'wpkg'):
    """A valid component of exactly size bytes: the preamble and one custom section of patterned bytes."""
    preamble = b'\x00asm\x0d\x00\x01\x00'
    nm = leb128(len(name)) + name.encode()
    # the section header's LEB length depends on the payload length: settle it by trying
    for lebw in range(1, 6):
        payload_len = size - len(preamble) - 1 - lebw
        if len(leb128(payload_len)) == lebw:
            break
    else:
        raise ValueError('size %d too small for a custom section' % size)
    filler_len = payload_len - len(nm)
    block = hashlib.sha256(seed).digest() * 2048
    filler = (block * (filler_len // len(block) + 1))[:filler_len]
    data = preamble + b'\x00' + leb128(payload_len) + nm + filler
    assert len(data) == size
    return data


def rust_oci_wasm_config(wasm, os_name, exports, imports, created='2024-05-06T07:08:09.123456789Z'):
    """Config bytes as rust-oci-wasm's WasmConfig serialises them (serde field order, compact)."""
    component = {'exports': exports, 'imports': imports, 'target': None} if os_name == 'wasip2' else None
    return compact({'created': created, 'author': None, 'architecture': 'wasm', 'os': os_name,
                    'layerDigests': [digest(wasm)], 'component': component})


def rust_oci_wasm_manifest(config, wasm):
    """Manifest bytes as oci-client's OciImageManifest serialises them, with mediaType set as rust-oci-wasm does."""
    return compact({'schemaVersion': 2, 'mediaType': MT_MANIFEST,
                    'config': descriptor(MT_WASM_CONFIG, config),
                    'layers': [descriptor(MT_WASM, wasm)]})


def _check(status, want, what, body):
    if status != want:
        raise AssertionError('%s: HTTP %d (expected %d): %r' % (what, status, want, body[:300]))


def push_blob(reg, repo, data):
    """POST then PUT (monolithic); returns the digest."""
    d = digest(data)
    status, h, body = reg.raw_request('POST', '/v2/%s/blobs/uploads/' % repo)
    _check(status, 202, 'start upload', body)
    loc = h['Location']
    loc += ('&' if '?' in loc else '?') + 'digest=' + urllib.parse.quote(d)
    status, _, body = reg.raw_request('PUT', loc, {'Content-Type': 'application/octet-stream'}, data)
    _check(status, 201, 'finish upload', body)
    return d


def push_manifest(reg, repo, reference, data, media_type=MT_MANIFEST):
    status, _, body = reg.raw_request('PUT', '/v2/%s/manifests/%s' % (repo, reference),
                                      {'Content-Type': media_type}, data)
    _check(status, 201, 'put manifest', body)
    return digest(data)


def push_artifact(reg, repo, tag, wasm, config, manifest):
    """Blobs, then the manifest under tag; returns the manifest digest."""
    push_blob(reg, repo, wasm)
    push_blob(reg, repo, config)
    return push_manifest(reg, repo, tag, manifest)


def get_manifest(reg, repo, reference):
    """(status, content type, body) of a manifest GET accepting every manifest and index type."""
    status, h, body = reg.raw_request('GET', '/v2/%s/manifests/%s' % (repo, reference), {'Accept': ACCEPT})
    return status, h.get('Content-Type'), body


def get_blob(reg, repo, d):
    status, _, body = reg.raw_request('GET', '/v2/%s/blobs/%s' % (repo, d))
    _check(status, 200, 'get blob %s' % d, body)
    return body
