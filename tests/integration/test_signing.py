"""test_signing.py - wpkg key / sign / verify / sbom, checked against an independent implementation (cosign_py).

Keys wpkg writes are opened with nacl + hashlib.scrypt; signatures wpkg writes (bundle referrer and .sig
layer, in Debian's registry without the referrers API, so through the fallback tag) are verified with
cryptography; signatures and keys made by cosign_py are read and verified by wpkg; tampered ones are refused.
"""

import base64
import datetime
import json
import os
import stat
import struct
import subprocess
import zlib

import cosign_py as cp
import harness
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID, ObjectIdentifier
from fakereg import FakeRegistry
from oci_raw import MT_INDEX, MT_MANIFEST, compact, digest, get_blob, get_manifest, push_blob, push_manifest
from regcase import CREATED, RegistryCase

COMPONENT = 'components/hello-c.component.wasm'
AUDITABLE = 'components/calc-qjs.component.wasm'
PW = {'COSIGN_PASSWORD': 'correct horse'}
EXIT_NO_SIGNATURE = 10
EXIT_UNVERIFIED = 11


def write(path, data, mode=0o600):
    with open(path, 'wb') as f:
        f.write(data)
    os.chmod(path, mode)
    return path


def tag_of(d):
    return d.replace(':', '-')


class KeyFiles:
    """Key files of every accepted format, made by cryptography / cosign_py."""

    def key_files(self, key):
        nopass = serialization.NoEncryption()
        return {
            'sigstore': write(self.path('s.key'), cp.encrypt_key(key, b'correct horse')),
            'cosign-label': write(self.path('c.key'), cp.encrypt_key(key, b'correct horse',
                                                                      label='ENCRYPTED COSIGN PRIVATE KEY')),
            'pkcs8': write(self.path('p8.key'), key.private_bytes(serialization.Encoding.PEM,
                                                                  serialization.PrivateFormat.PKCS8, nopass)),
            'sec1': write(self.path('sec1.key'), key.private_bytes(serialization.Encoding.PEM,
                                                                   serialization.PrivateFormat.TraditionalOpenSSL,
                                                                   nopass)),
        }

    def pub_file(self, key, name='k.pub'):
        return write(self.path(name), cp.public_pem(key), 0o644)


class KeyTests(KeyFiles, harness.TestCase):

    def test_help_and_usage(self):
        for name in ('sign', 'verify', 'key', 'sbom'):
            with self.subTest(command=name):
                r = self.wpkg(name, '--help')
                self.assertTrue(r.stdout.startswith('Usage: wpkg %s ' % name), r.stdout)
                self.assertEqual(self.wpkg('help', name).stdout, r.stdout)
        self.assertRegex(self.wpkg('--help').stdout, r'\n  sign +Sign a manifest')
        for args, msg in [(('sign', 'oci-layout:x:v1'), 'sign: --key is required'),
                          (('sign', '--signature-format', 'x', '--key', 'k', 'oci-layout:x:v1'),
                           "sign: --signature-format: 'x' is not one of both, bundle, legacy"),
                          (('sign', '--format', 'legacy', '--key', 'k', 'oci-layout:x:v1'),
                           "sign: --format: 'legacy' is not text or json"),
                          (('verify', 'oci-layout:x:v1'), 'verify: --key is required'),
                          (('key',), 'key: expected the subcommand generate, got 0 arguments'),
                          (('key', 'make'), "key: unknown subcommand 'make' (expected: generate)"),
                          (('sbom', '--serial-number', 'abc', 'f.wasm'),
                           "sbom: --serial-number 'abc' is not urn:uuid:...")]:
            with self.subTest(args=args):
                r = self.wpkg(*args, expect=2)
                self.assertEqual(r.stderr, "wpkg: error: %s\nTry 'wpkg %s --help'.\n" % (msg, args[0]))

    def test_generate_is_cosigns_format(self):
        r = self.wpkg('key', 'generate', '--output-key-prefix', self.path('ci'), env=PW)
        self.assertEqual(r.stdout, '%s.key\n%s.pub\n' % (self.path('ci'), self.path('ci')))
        doc = json.loads(self.wpkg('key', 'generate', '--format', 'json', '--output-key-prefix', self.path('j'),
                                   env=PW).stdout)
        harness.validate_schema(doc, 'cli/key')
        self.assertEqual(doc, {'privateKey': self.path('j') + '.key', 'publicKey': self.path('j') + '.pub'})
        with open(self.path('ci.key'), 'rb') as f:
            data = f.read()
        self.assertEqual(stat.S_IMODE(os.stat(self.path('ci.key')).st_mode), 0o600)
        key, doc = cp.decrypt_key(data, b'correct horse')
        self.assertEqual(list(doc), ['kdf', 'cipher', 'ciphertext'])
        self.assertEqual(doc['kdf']['params'], {'N': 32768, 'r': 8, 'p': 1})
        self.assertEqual(len(base64.b64decode(doc['kdf']['salt'])), 32)
        self.assertIsInstance(key.curve, ec.SECP256R1)
        with open(self.path('ci.pub'), 'rb') as f:
            pub = serialization.load_pem_public_key(f.read())
        self.assertEqual(pub.public_numbers(), key.public_key().public_numbers())
        with self.assertRaises(Exception):
            cp.decrypt_key(data, b'wrong')

    def test_generate_password_stdin_and_no_overwrite(self):
        self.wpkg('key', 'generate', '--password-stdin', '--output-key-prefix', self.path('a'), input='s3cret\n')
        with open(self.path('a.key'), 'rb') as f:
            cp.decrypt_key(f.read(), b's3cret')
        before = os.stat(self.path('a.key')).st_mtime_ns
        r = self.wpkg('key', 'generate', '--output-key-prefix', self.path('a'), env=PW, expect=1)
        self.assertEqual(r.stderr, 'wpkg: error: %s exists already; remove it or choose another '
                         '--output-key-prefix\n' % self.path('a.key'))
        self.assertEqual(os.stat(self.path('a.key')).st_mtime_ns, before)

    def test_generate_without_password_source(self):
        r = self.wpkg('key', 'generate', '--output-key-prefix', self.path('n'), expect=3,
                      input='', env={'COSIGN_PASSWORD': None})
        self.assertIn('set COSIGN_PASSWORD or use --password-stdin', r.stderr)
        self.assertFalse(os.path.exists(self.path('n.key')))


class LayoutTests(KeyFiles, harness.TestCase):
    """sign and verify on an OCI layout (no registry): every key format, bad keys."""

    def layout(self):
        lay = self.path('lay')
        d = self.wpkg('build', '-o', lay + ':v1', harness.fixture(COMPONENT), env={'SOURCE_DATE_EPOCH': '0'})
        return 'oci-layout:%s:v1' % lay, d.stdout.strip()

    def test_every_key_format(self):
        key = cp.new_key()
        pub = self.pub_file(key)
        for kind, path in sorted(self.key_files(key).items()):
            with self.subTest(kind=kind):
                ref, d = self.layout()
                self.wpkg('sign', '--key', path, ref, env=PW)
                r = self.wpkg('verify', '--json', '--key', pub, ref)
                doc = json.loads(r.stdout)
                harness.validate_schema(doc, 'cli/verify')
                self.assertTrue(doc['verified'])
                self.assertEqual(doc['keyHint'], cp.hint(key.public_key()))
                self.assertEqual([(s['form'], s['status']) for s in doc['signatures']],
                                 [('bundle', 'verified'), ('legacy', 'verified')])
                harness._rmtree(self.path('lay'))

    def test_bad_keys(self):
        ref, _ = self.layout()
        good = cp.new_key()
        files = self.key_files(good)
        nopass = serialization.NoEncryption()
        p384 = write(self.path('p384.key'), ec.generate_private_key(ec.SECP384R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, nopass))
        rsak = write(self.path('rsa.key'), rsa.generate_private_key(65537, 2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, nopass))
        with open(files['sigstore'], 'rb') as f:
            text = f.read()
        trunc = write(self.path('trunc.key'), text[:len(text) // 2])
        cases = [
            (files['sigstore'], {'COSIGN_PASSWORD': 'nope'}, 5,
             '%s: wrong password (the encrypted key does not open with it)' % files['sigstore']),
            (p384, PW, 3, '%s: an EC key on curve secp384r1; wpkg signs with P-256 (prime256v1) keys only' % p384),
            (rsak, PW, 3, '%s: a rsaEncryption key; wpkg signs with EC P-256 keys only (make one with: wpkg key '
             'generate)' % rsak),
            (trunc, PW, 3, '%s: truncated PEM: no "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----" line; copy the '
             'whole key file' % trunc),
            (self.pub_file(good), PW, 3, '%s: a public key; signing needs the private key (PREFIX.key)'
             % self.path('k.pub')),
        ]
        for path, env, code, msg in cases:
            with self.subTest(key=os.path.basename(path)):
                r = self.wpkg('sign', '--key', path, ref, env=env, expect=code)
                self.assertEqual(r.stderr, 'wpkg: error: %s\n' % msg)
        lay = harness.Layout(self.path('lay'))
        self.assertEqual(len(lay.index['manifests']), 1, 'a refused key wrote nothing')

    def test_no_signature_and_wrong_key(self):
        ref, d = self.layout()
        key, other = cp.new_key(), cp.new_key()
        r = self.wpkg('verify', '--key', self.pub_file(key), ref, expect=EXIT_NO_SIGNATURE)
        self.assertEqual(r.stderr, 'wpkg: error: verify %s: no signature found (no bundle referrer, no '
                         'sha256-HEX.sig tag)\n' % d)
        self.wpkg('sign', '--key', self.key_files(key)['pkcs8'], ref)
        r = self.wpkg('verify', '--key', self.pub_file(other, 'other.pub'), ref, expect=EXIT_UNVERIFIED)
        self.assertIn('wpkg: error: verify %s: 2 signatures found, none verifies with %s\n'
                      % (d, self.path('other.pub')), r.stderr)
        self.assertIn('not verified: bundle signature', r.stdout)


class RegistryTests(KeyFiles, RegistryCase, harness.TestCase):
    """Debian's docker-registry: no referrers API, so bundles are listed by the sha256-HEX fallback tag."""

    VARIANT = 'plain'
    REPO_PREFIX = 'signing'

    def push(self, repo):
        r = self.run_wpkg('push', '--json', *self.reg.flags, self.ref(repo, 'v1'), harness.fixture(COMPONENT))
        return json.loads(r.stdout)['digest']

    def sign(self, repo, key_path, *extra, expect=0):
        return self.run_wpkg('sign', '--json', *self.reg.flags, '--key', key_path, *extra, self.ref(repo, 'v1'),
                             env=PW, expect=expect)

    def verify(self, repo, pub, expect=0):
        return self.run_wpkg('verify', *self.reg.flags, '--key', pub, self.ref(repo, 'v1'), expect=expect)

    def manifest(self, repo, ref):
        status, _, body = get_manifest(self.reg, repo, ref)
        self.assertEqual(status, 200, ref)
        return body, json.loads(body)

    def test_what_wpkg_writes_verifies_independently(self):
        repo = self.repo()
        d = self.push(repo)
        key = cp.new_key()
        out = json.loads(self.sign(repo, self.key_files(key)['sigstore'], '-a', 'build=42').stdout)
        harness.validate_schema(out, 'cli/sign')
        self.assertEqual(out['subject'], d)
        self.assertEqual(out['keyHint'], cp.hint(key.public_key()))
        self.assertEqual(out['bundle']['referrers'], tag_of(d))
        # the bundle referrer, through the fallback tag
        _, ix = self.manifest(repo, tag_of(d))
        self.assertEqual([m['digest'] for m in ix['manifests']], [out['bundle']['digest']])
        self.assertEqual(ix['manifests'][0]['artifactType'], cp.BUNDLE_MT)
        raw, m = self.manifest(repo, out['bundle']['digest'])
        self.assertEqual(m['artifactType'], cp.BUNDLE_MT)
        self.assertEqual(m['config'], cp.EMPTY)
        self.assertEqual(m['subject']['digest'], d)
        self.assertEqual(m['annotations'], {'org.opencontainers.image.created': CREATED,
                                            'dev.sigstore.bundle.content': 'dsse-envelope',
                                            'dev.sigstore.bundle.predicateType': cp.PREDICATE})
        self.assertEqual(m['layers'][0]['mediaType'], cp.BUNDLE_MT)
        bundle = get_blob(self.reg, repo, m['layers'][0]['digest'])
        harness.validate_schema(bundle, 'sigstore-bundle')
        st = cp.check_bundle(key.public_key(), bundle, d)
        harness.validate_schema(st, 'cosign-payload')
        self.assertEqual(st['subject'][0]['name'], '%s/%s' % (self.reg.host, repo))
        self.assertEqual(st['predicate'], {'annotations': {'build': '42'}})
        # the legacy .sig layer: byte-exact payload, signature over it
        _, sig = self.manifest(repo, tag_of(d) + '.sig')
        self.assertEqual(out['legacy']['tag'], tag_of(d) + '.sig')
        self.assertEqual(len(sig['layers']), 1)
        layer = sig['layers'][0]
        self.assertEqual(layer['mediaType'], cp.SIMPLESIGNING_MT)
        payload = get_blob(self.reg, repo, layer['digest'])
        self.assertEqual(payload, cp.simple_payload('%s/%s' % (self.reg.host, repo), d, {'build': '42'}))
        harness.validate_schema(payload, 'cosign-payload')
        self.assertTrue(cp.verify(key.public_key(), base64.b64decode(layer['annotations'][cp.SIG_ANNOTATION]),
                                  payload))
        r = self.verify(repo, self.pub_file(key))
        self.assertTrue(r.stdout.startswith('verified %s: bundle signature in %s, key %s, created %s\n'
                                            % (d, out['bundle']['digest'], cp.hint(key.public_key()), CREATED)))

    def test_package_names_sign_verify_and_pull(self):
        """ns:name references (wpkg-names(7)) reach sign, verify and pull --verify-key through the runner."""
        cfg = write(self.path('config.toml'), ('default_registry = "%s"\n' % self.reg.host).encode(), 0o644)
        name = 'signing:names-hello'   # the default registry, repository signing/names-hello
        names = ('--wkg-config', cfg)
        r = self.run_wpkg('push', '--json', *self.reg.flags, *names, name + '@1.0.0', harness.fixture(COMPONENT))
        d = json.loads(r.stdout)['digest']
        key = cp.new_key()
        out = json.loads(self.run_wpkg('sign', '--json', *self.reg.flags, *names, '--key',
                                       self.key_files(key)['sigstore'], name + '@1.0.0', env=PW).stdout)
        self.assertEqual(out['subject'], d)
        other = cp.new_key()
        self.run_wpkg('verify', *self.reg.flags, *names, '--key', self.pub_file(other, 'other.pub'), name,
                      expect=11)
        r = self.run_wpkg('verify', *self.reg.flags, *names, '--key', self.pub_file(key), name + '@^1')
        self.assertTrue(r.stdout.startswith('verified %s: bundle signature' % d), r.stdout)
        dest = self.path('out.wasm')
        self.run_wpkg('pull', *self.reg.flags, *names, '--verify-key', self.path('other.pub'), '-o', dest, name,
                      expect=11)
        self.assertFalse(os.path.exists(dest))
        self.run_wpkg('pull', *self.reg.flags, *names, '--verify-key', self.pub_file(key), '-o', dest, name)
        with open(dest, 'rb') as f, open(harness.fixture(COMPONENT), 'rb') as g:
            self.assertEqual(f.read(), g.read())

    def test_signatures_made_independently_verify(self):
        repo = self.repo()
        d = self.push(repo)
        key = cp.new_key()
        self.put_sig_layers(repo, d, [self.sig_layer(repo, key, cp.simple_payload('elsewhere/x', d))])
        self.put_bundle(repo, d, cp.bundle(key, cp.statement('x', d)))
        r = self.run_wpkg('verify', '--json', *self.reg.flags, '--key', self.pub_file(key), self.ref(repo, 'v1'))
        doc = json.loads(r.stdout)
        self.assertEqual([(s['form'], s['status']) for s in doc['signatures']],
                         [('bundle', 'verified'), ('legacy', 'verified')])

    # -- what an independent signer writes --

    def sig_layer(self, repo, key, payload, sig=None, annotate=True):
        push_blob(self.reg, repo, payload)
        layer = {'mediaType': cp.SIMPLESIGNING_MT, 'size': len(payload), 'digest': digest(payload)}
        if annotate:
            layer['annotations'] = {cp.SIG_ANNOTATION: cp.b64(sig if sig is not None else cp.sign(key, payload))}
        return layer

    def put_sig_layers(self, repo, d, layers):
        cfg = b'{"rootfs":{"type":"layers","diff_ids":[]}}'
        push_blob(self.reg, repo, cfg)
        m = compact({'schemaVersion': 2, 'mediaType': MT_MANIFEST,
                     'config': {'mediaType': 'application/vnd.oci.image.config.v1+json', 'size': len(cfg),
                                'digest': digest(cfg)}, 'layers': layers})
        push_manifest(self.reg, repo, tag_of(d) + '.sig', m)

    def put_bundle(self, repo, d, data):
        push_blob(self.reg, repo, data)
        push_blob(self.reg, repo, b'{}')
        _, sub = self.manifest(repo, d)
        raw = compact({'schemaVersion': 2, 'mediaType': MT_MANIFEST, 'artifactType': cp.BUNDLE_MT,
                       'config': cp.EMPTY, 'layers': [{'mediaType': cp.BUNDLE_MT, 'size': len(data),
                                                       'digest': digest(data)}],
                       'subject': {'mediaType': MT_MANIFEST, 'digest': d,
                                   'size': len(get_manifest(self.reg, repo, d)[2])},
                       'annotations': {'dev.sigstore.bundle.content': 'dsse-envelope'}})
        md = push_manifest(self.reg, repo, digest(raw), raw)
        status, _, body = get_manifest(self.reg, repo, tag_of(d))
        ix = json.loads(body) if status == 200 else {'schemaVersion': 2, 'mediaType': MT_INDEX, 'manifests': []}
        ix['manifests'].append({'mediaType': MT_MANIFEST, 'digest': md, 'size': len(raw),
                                'artifactType': cp.BUNDLE_MT})
        push_manifest(self.reg, repo, tag_of(d), compact(ix), MT_INDEX)

    def test_tampering_refused(self):
        key = cp.new_key()
        other = 'sha256:' + '0' * 64

        def flipped(sig):
            return sig[:-1] + bytes([sig[-1] ^ 1])

        cases = {
            'payload names another digest': lambda repo, d: self.put_sig_layers(repo, d, [self.sig_layer(
                repo, key, cp.simple_payload('r/x', other))]),
            'flipped signature byte': lambda repo, d: self.put_sig_layers(repo, d, [self.sig_layer(
                repo, key, cp.simple_payload('r/x', d), sig=flipped(cp.sign(key, cp.simple_payload('r/x', d))))]),
            'wrong key': lambda repo, d: self.put_sig_layers(repo, d, [self.sig_layer(
                repo, cp.new_key(), cp.simple_payload('r/x', d))]),
            'statement subject differs': lambda repo, d: self.put_bundle(repo, d, cp.bundle(
                key, cp.statement('r/x', other))),
            'flipped bundle signature': lambda repo, d: self.put_bundle(repo, d, cp.bundle(
                key, cp.statement('r/x', d), sig=flipped(cp.sign(key, cp.pae(cp.INTOTO, cp.statement('r/x', d)))))),
            'no signature annotation': lambda repo, d: self.put_sig_layers(repo, d, [self.sig_layer(
                repo, key, cp.simple_payload('r/x', d), annotate=False)]),
        }
        want = {
            'payload names another digest': 'other-digest',
            'flipped signature byte': 'bad-signature',
            'wrong key': 'bad-signature',
            'statement subject differs': 'other-digest',
            'flipped bundle signature': 'bad-signature',
            'no signature annotation': 'malformed',
        }
        pub = self.pub_file(key)
        for i, (name, make) in enumerate(sorted(cases.items())):
            with self.subTest(case=name):
                repo = self.repo('t%d' % i)
                d = self.push(repo)
                make(repo, d)
                r = self.run_wpkg('verify', '--json', *self.reg.flags, '--key', pub, self.ref(repo, 'v1'),
                                  expect=EXIT_UNVERIFIED)
                doc = json.loads(r.stdout)
                harness.validate_schema(doc, 'cli/verify')
                self.assertFalse(doc['verified'])
                self.assertEqual([s['status'] for s in doc['signatures']], [want[name]])
                self.assertIn('none verifies with %s' % pub, r.stderr)

    def test_keyless_listed_never_verified(self):
        repo = self.repo()
        d = self.push(repo)
        key = cp.new_key()
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'sigstore.dev')])
        now = datetime.datetime(2025, 1, 1)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(7).not_valid_before(now).not_valid_after(now + datetime.timedelta(minutes=10))
                .add_extension(x509.SubjectAlternativeName([x509.RFC822Name('dev@example.org')]), False)
                .add_extension(x509.UnrecognizedExtension(ObjectIdentifier('1.3.6.1.4.1.57264.1.8'),
                                                          b'\x0c\x1chttps://accounts.example.org'), False)
                .sign(key, hashes.SHA256()))
        body = cp.statement('x', d)
        b = json.loads(cp.bundle(key, body))
        b['verificationMaterial'] = {'certificate': {'rawBytes': cp.b64(cert.public_bytes(
            serialization.Encoding.DER))}}
        self.put_bundle(repo, d, compact(b))
        r = self.run_wpkg('verify', '--json', *self.reg.flags, '--key', self.pub_file(key), self.ref(repo, 'v1'),
                          expect=EXIT_UNVERIFIED)
        doc = json.loads(r.stdout)
        harness.validate_schema(doc, 'cli/verify')
        s = doc['signatures'][0]
        self.assertEqual(s['status'], 'keyless-unchecked')
        self.assertEqual(s['certificate'], {'subject': 'dev@example.org', 'issuer': 'https://accounts.example.org',
                                            'checked': False})
        r = self.verify(repo, self.pub_file(key), expect=EXIT_UNVERIFIED)
        self.assertIn('unchecked: bundle signature in', r.stdout)
        self.assertIn('its certificate chain was not checked', r.stdout)

    def test_concurrent_legacy_signers_all_kept(self):
        repo = self.repo()
        d = self.push(repo)
        keys = [cp.new_key() for _ in range(3)]
        paths = [write(self.path('k%d.key' % i), cp.encrypt_key(k, b'correct horse', n=1024))
                 for i, k in enumerate(keys)]
        self.sign(repo, paths[0], '--signature-format', 'legacy')   # an existing .sig manifest is appended to
        procs = [subprocess.Popen([harness.WPKG, 'sign', *self.reg.flags, '--signature-format', 'legacy', '--key', p,
                                   self.ref(repo, 'v1')], env=self.child_env(PW), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for p in paths[1:]]
        for p in procs:
            _, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err)
        _, sig = self.manifest(repo, tag_of(d) + '.sig')
        self.assertEqual(len(sig['layers']), 3)
        signers = set()
        for layer in sig['layers']:
            payload = get_blob(self.reg, repo, layer['digest'])
            s = base64.b64decode(layer['annotations'][cp.SIG_ANNOTATION])
            signers |= {i for i, k in enumerate(keys) if cp.verify(k.public_key(), s, payload)}
        self.assertEqual(signers, {0, 1, 2})
        self.assertEqual(sig['config']['mediaType'], 'application/vnd.oci.image.config.v1+json')
        for i, k in enumerate(keys):
            self.verify(repo, self.pub_file(k, 'p%d.pub' % i))


class VerifyOnTheWayInTests(KeyFiles, RegistryCase, harness.TestCase):
    """pull/copy --verify-key refuse unsigned artifacts and write nothing; copy -r carries both signature forms."""

    VARIANT = 'plain'
    REPO_PREFIX = 'verifyin'

    def push_and_sign(self, key=None, *extra, suffix=''):
        repo = self.repo(suffix)
        r = self.run_wpkg('push', '--json', *self.reg.flags, self.ref(repo, 'v1'), harness.fixture(COMPONENT))
        d = json.loads(r.stdout)['digest']
        if key is not None:
            self.run_wpkg('sign', *self.reg.flags, '--key', self.key_files(key)['pkcs8'], *extra,
                          self.ref(repo, 'v1'))
        return repo, d

    def test_pull_verify_key(self):
        key, other = cp.new_key(), cp.new_key()
        pub, other_pub = self.pub_file(key), self.pub_file(other, 'other.pub')
        out = self.path('out')
        os.mkdir(out)
        repo, d = self.push_and_sign()
        r = self.run_wpkg('pull', *self.reg.flags, '--verify-key', pub, '-o', out, self.ref(repo, 'v1'),
                          expect=EXIT_NO_SIGNATURE)
        self.assertEqual(r.stderr, 'wpkg: error: pull %s: %s: no signature found (--verify-key %s); nothing was '
                         'written\n' % (self.ref(repo, 'v1'), d, pub))
        self.assertEqual(os.listdir(out), [])
        self.run_wpkg('sign', *self.reg.flags, '--key', self.key_files(key)['pkcs8'], self.ref(repo, 'v1'))
        for args in (('-o', out), ('-o', os.path.join(out, 'x.wasm')), ('-o', '-')):
            with self.subTest(args=args):
                r = self.run_wpkg('pull', *self.reg.flags, '--verify-key', other_pub, *args, self.ref(repo, 'v1'),
                                  expect=EXIT_UNVERIFIED)
                self.assertEqual(r.stdout, '')
                self.assertIn('2 signatures found, none verifies with --verify-key %s; nothing was written\n'
                              % other_pub, r.stderr)
                self.assertEqual(os.listdir(out), [])
        r = self.run_wpkg('pull', *self.reg.flags, '--verify-key', pub, '-o', os.path.join(out, 'x.wasm'),
                          self.ref(repo, 'v1'))
        self.assertIn('wpkg: verified %s: bundle signature in sha256:' % d, r.stderr)
        self.assertEqual(os.listdir(out), ['x.wasm'])
        with open(os.path.join(out, 'x.wasm'), 'rb') as f, open(harness.fixture(COMPONENT), 'rb') as g:
            self.assertEqual(f.read(), g.read())
        # the legacy form alone is enough too
        repo2, d2 = self.push_and_sign(key, '--signature-format', 'legacy', suffix='legacy')
        r = self.run_wpkg('pull', *self.reg.flags, '--verify-key', pub, '-o', '-', self.ref(repo2, 'v1'))
        self.assertIn('wpkg: verified %s: legacy signature in sha256:' % d2, r.stderr)

    def test_copy_verify_key_writes_nothing(self):
        key, other = cp.new_key(), cp.new_key()
        repo, d = self.push_and_sign(key)
        dest = self.repo('dest')
        for dst in ('oci-layout:%s:v1' % self.path('lay'), 'oci-archive:%s:v1' % self.path('a.tar'),
                    self.ref(dest, 'v1')):
            with self.subTest(dst=dst):
                r = self.run_wpkg('copy', '-r', *self.reg.flags, '--verify-key', self.pub_file(other, 'o.pub'),
                                  self.ref(repo, 'v1'), dst, expect=EXIT_UNVERIFIED)
                self.assertIn('none verifies with --verify-key', r.stderr)
        self.assertFalse(os.path.exists(self.path('lay')))
        self.assertFalse(os.path.exists(self.path('a.tar')))
        status, _, _ = get_manifest(self.reg, dest, 'v1')
        self.assertEqual(status, 404)
        repo2, _ = self.push_and_sign(suffix='unsigned')
        self.run_wpkg('copy', *self.reg.flags, '--verify-key', self.pub_file(key), self.ref(repo2, 'v1'),
                      'oci-layout:%s:v1' % self.path('lay'), expect=EXIT_NO_SIGNATURE)
        self.assertFalse(os.path.exists(self.path('lay')))

    def test_copy_r_carries_both_forms(self):
        key = cp.new_key()
        pub = self.pub_file(key)
        repo, d = self.push_and_sign(key)
        dest = self.repo('dest')
        r = self.run_wpkg('copy', '-r', '--format', 'json', *self.reg.flags, '--verify-key', pub,
                          self.ref(repo, 'v1'), self.ref(dest, 'v1'))
        self.assertEqual(json.loads(r.stdout)['referrers'], 2)   # the bundle referrer and the .sig manifest
        # the destination, read by the independent implementation: the fallback tag lists the bundle, .sig holds
        # the layer, and both verify
        status, _, body = get_manifest(self.reg, dest, tag_of(d))
        self.assertEqual(status, 200)
        ix = json.loads(body)
        self.assertEqual([m['artifactType'] for m in ix['manifests']], [cp.BUNDLE_MT])
        _, _, body = get_manifest(self.reg, dest, ix['manifests'][0]['digest'])
        bundle = get_blob(self.reg, dest, json.loads(body)['layers'][0]['digest'])
        cp.check_bundle(key.public_key(), bundle, d)
        status, _, body = get_manifest(self.reg, dest, tag_of(d) + '.sig')
        self.assertEqual(status, 200)
        layer = json.loads(body)['layers'][0]
        payload = get_blob(self.reg, dest, layer['digest'])
        self.assertEqual(json.loads(payload)['critical']['image']['docker-manifest-digest'], d)
        self.assertTrue(cp.verify(key.public_key(), base64.b64decode(layer['annotations'][cp.SIG_ANNOTATION]),
                                  payload))
        # and by wpkg verify, on the registry and on a layout copied to
        doc = json.loads(self.run_wpkg('verify', '--json', *self.reg.flags, '--key', pub,
                                       self.ref(dest, 'v1')).stdout)
        self.assertEqual([(s['form'], s['status']) for s in doc['signatures']],
                         [('bundle', 'verified'), ('legacy', 'verified')])
        lay = 'oci-layout:%s:v1' % self.path('lay')
        self.run_wpkg('copy', '-r', *self.reg.flags, self.ref(dest, 'v1'), lay)
        doc = json.loads(self.wpkg('verify', '--json', '--key', pub, lay).stdout)
        self.assertEqual([(s['form'], s['status']) for s in doc['signatures']],
                         [('bundle', 'verified'), ('legacy', 'verified')])
        # without -r no signature goes along
        dest2 = self.repo('plain')
        self.run_wpkg('copy', *self.reg.flags, self.ref(repo, 'v1'), self.ref(dest2, 'v1'))
        self.run_wpkg('verify', *self.reg.flags, '--key', pub, self.ref(dest2, 'v1'), expect=EXIT_NO_SIGNATURE)


class DiscoverKindsTests(KeyFiles, RegistryCase, harness.TestCase):
    """discover classifies what refers to a manifest, on Debian's registry (fallback tag), as a tree and as JSON."""

    VARIANT = 'plain'
    REPO_PREFIX = 'kinds'

    def attach(self, ref, artifact_type, name, *extra):
        path = write(self.path(name), b'{}\n', 0o644)
        r = self.run_wpkg('attach', '--json', *self.reg.flags, '--artifact-type', artifact_type, *extra, ref, path)
        return json.loads(r.stdout)['digest']

    def test_kinds_tree_and_json(self):
        repo = self.repo()
        ref = self.ref(repo, 'v1')
        pushed = self.run_wpkg('push', '--json', *self.reg.flags, ref, harness.fixture(COMPONENT))
        d = json.loads(pushed.stdout)['digest']
        key = cp.new_key()
        signed = json.loads(self.run_wpkg('sign', '--json', *self.reg.flags, '--key', self.key_files(key)['pkcs8'],
                                          ref).stdout)
        slsa = 'https://slsa.dev/provenance/v1'
        att = self.attach(ref, cp.BUNDLE_MT, 'att.json', '-a', 'dev.sigstore.bundle.predicateType=' + slsa)
        notation = self.attach(ref, 'application/vnd.cncf.notary.signature', 'n.jws')
        cdx = self.attach(ref, 'application/vnd.cyclonedx+json', 'bom.cdx.json')
        spdx = self.attach(ref, 'application/spdx+json', 'bom.spdx.json')
        other = self.attach(ref, 'application/vnd.example.thing', 'x.json')
        # a signature of the SBOM: a referrer of a referrer
        cdx_sig = json.loads(self.run_wpkg('sign', '--json', *self.reg.flags, '--signature-format', 'bundle', '--key',
                                           self.key_files(key)['pkcs8'], self.ref(repo) + '@' + cdx).stdout)
        doc = json.loads(self.run_wpkg('discover', '--format', 'json', *self.reg.flags, ref).stdout)
        harness.validate_schema(doc, 'cli/discover')
        got = [(e['digest'], e['kind'], e.get('predicateType')) for e in doc]
        self.assertEqual(sorted(got[:-1]), sorted([
            (signed['bundle']['digest'], 'cosign-signature', cp.PREDICATE),
            (att, 'cosign-attestation', slsa), (notation, 'notation-signature', None),
            (cdx, 'sbom-cyclonedx', None), (spdx, 'sbom-spdx', None), (other, 'other', None)]))
        self.assertEqual(doc[-1], {'mediaType': MT_MANIFEST, 'digest': signed['legacy']['digest'],
                                   'size': doc[-1]['size'], 'kind': 'legacy-signature',
                                   'tag': tag_of(d) + '.sig', 'signatures': 1})
        nested = {e['digest']: [(k['digest'], k['kind']) for k in e.get('referrers', [])] for e in doc}
        self.assertEqual(nested[cdx], [(cdx_sig['bundle']['digest'], 'cosign-signature')])
        self.assertEqual([k for k, v in nested.items() if v], [cdx])
        # the same as a tree: the subject, a branch each, the SBOM's signature under it, the .sig tag last
        lines = self.run_wpkg('discover', *self.reg.flags, ref).stdout.splitlines()
        self.assertEqual(lines[0], d)
        self.assertEqual(len(lines), 1 + 6 + 1 + 1)
        self.assertEqual(lines[-1], '\u2514\u2500\u2500 %s  legacy-signature  %s.sig  %d  1 signature'
                         % (signed['legacy']['digest'], tag_of(d), doc[-1]['size']))
        i = next(i for i, line in enumerate(lines) if cdx in line)
        self.assertTrue(lines[i].startswith('\u251c\u2500\u2500 %s  sbom-cyclonedx  application/vnd.cyclonedx+json  '
                                            % cdx), lines[i])
        self.assertTrue(lines[i + 1].startswith('\u2502   \u2514\u2500\u2500 %s  cosign-signature  %s  '
                                                % (cdx_sig['bundle']['digest'], cp.PREDICATE)), lines[i + 1])
        self.assertIn('  cosign-attestation  %s  ' % slsa, '\n'.join(lines))
        # a filter lists that type only, and no .sig tag
        doc = json.loads(self.run_wpkg('discover', '--json', '--artifact-type', 'application/vnd.cyclonedx+json',
                                       *self.reg.flags, ref).stdout)
        self.assertEqual([e['digest'] for e in doc], [cdx])


class PushSbomTests(RegistryCase, harness.TestCase):
    """push --sbom attaches the CycloneDX SBOM as a referrer, on Debian's registry (fallback tag) and a layout."""

    VARIANT = 'plain'
    REPO_PREFIX = 'pushsbom'

    def test_push_sbom(self):
        repo = self.repo()
        path = harness.fixture(AUDITABLE)
        r = self.run_wpkg('push', '--format', 'json', '--sbom', *self.reg.flags, self.ref(repo, 'v1'), path)
        doc = json.loads(r.stdout)
        harness.validate_schema(doc, 'cli/push')
        d, sbom = doc['digest'], doc['sbom']
        self.assertEqual((sbom['artifactType'], sbom['referrers']), ('application/vnd.cyclonedx+json', tag_of(d)))
        status, _, body = get_manifest(self.reg, repo, tag_of(d))
        self.assertEqual(status, 200)
        self.assertEqual([(m['digest'], m['artifactType']) for m in json.loads(body)['manifests']],
                         [(sbom['digest'], 'application/vnd.cyclonedx+json')])
        _, _, body = get_manifest(self.reg, repo, sbom['digest'])
        m = json.loads(body)
        self.assertEqual(m['subject']['digest'], d)
        self.assertEqual([(l['mediaType'], l['annotations']['org.opencontainers.image.title']) for l in m['layers']],
                         [('application/vnd.cyclonedx+json', 'calc-qjs.component.wasm.cdx.json')])
        # the layer is what wpkg sbom writes, and names the component by its sha256
        blob = get_blob(self.reg, repo, m['layers'][0]['digest'])
        self.assertEqual(blob, self.run_wpkg('sbom', path).stdout.encode())
        with open(path, 'rb') as f:
            self.assertEqual(json.loads(blob)['metadata']['component']['hashes'],
                             [{'alg': 'SHA-256', 'content': harness.sha256_bytes(f.read())}])
        found = json.loads(self.run_wpkg('discover', '--json', *self.reg.flags, self.ref(repo, 'v1')).stdout)
        self.assertEqual([(e['digest'], e['kind']) for e in found], [(sbom['digest'], 'sbom-cyclonedx')])
        # text: the digest on stdout, the SBOM in the summary; on a layout too
        lay = 'oci-layout:%s:v1' % self.path('lay')
        r = self.run_wpkg('push', '--sbom', lay, path)
        self.assertRegex(r.stderr, r'wpkg: attached the SBOM sha256:[0-9a-f]{64}\n')
        kinds = json.loads(self.run_wpkg('discover', '--json', lay).stdout)
        self.assertEqual([e['kind'] for e in kinds], ['sbom-cyclonedx'])

    def test_push_sbom_without_section_pushes_nothing(self):
        repo = self.repo()
        path = harness.fixture(COMPONENT)
        r = self.run_wpkg('push', '--sbom', *self.reg.flags, self.ref(repo, 'v1'), path, expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: --sbom %s: no .dep-v0 section (build the component with "cargo '
                         'auditable build" to embed its dependency list)\n' % path)
        status, _, _ = get_manifest(self.reg, repo, 'v1')
        self.assertEqual(status, 404)
        r = self.run_wpkg('push', '--sbom', *self.reg.flags, self.ref(repo, 'v1'), path, path, expect=2)
        self.assertIn('--sbom takes one FILE, got 2', r.stderr)


class ReferrersApiTests(KeyFiles, harness.TestCase):
    """A registry with the referrers API (the fake one: Debian's registry has none): no fallback tag is touched."""

    def test_sign_and_verify_through_the_api(self):
        reg = FakeRegistry(referrers_api=True).start()
        self.addCleanup(reg.stop)
        with open(harness.fixture(COMPONENT), 'rb') as f:
            d, _ = reg.push_artifact('app/x', 'v1', f.read())
        key = cp.new_key()
        ref = '%s/app/x:v1' % reg.host
        out = json.loads(self.wpkg('sign', '--json', '--plain-http', '--key', self.key_files(key)['pkcs8'],
                                   ref).stdout)
        self.assertEqual(out['bundle']['referrers'], 'api')
        self.assertEqual(reg.seen(pattern='/manifests/' + tag_of(d) + '$'), [])
        doc = json.loads(self.wpkg('verify', '--json', '--plain-http', '--key', self.pub_file(key), ref).stdout)
        self.assertEqual([(s['form'], s['status']) for s in doc['signatures']],
                         [('bundle', 'verified'), ('legacy', 'verified')])
        self.assertEqual(len(reg.seen('GET', '/referrers/' + d)), 1)


def custom_section(name, payload):
    body = bytes([len(name)]) + name + payload
    n, leb = len(body), b''
    while True:
        b = n & 0x7f
        n >>= 7
        leb += bytes([b | (0x80 if n else 0)])
        if not n:
            return b'\x00' + leb + body


MODULE = b'\x00asm\x01\x00\x00\x00'


class SbomTests(harness.TestCase):

    def test_cyclonedx_from_dep_section(self):
        path = harness.fixture(AUDITABLE)
        r = self.wpkg('sbom', path)
        with open(path, 'rb') as f:
            data = f.read()
        at = data.find(b'\x07.dep-v0') + 8
        deps = json.loads(zlib.decompressobj().decompress(data[at:]))
        doc = json.loads(r.stdout)
        self.assertEqual((doc['bomFormat'], doc['specVersion'], doc['version']), ('CycloneDX', '1.5', 1))
        self.assertNotIn('serialNumber', doc)
        self.assertNotIn('timestamp', doc['metadata'])
        comp = doc['metadata']['component']
        self.assertEqual(comp['name'], 'calc-qjs.component.wasm')
        self.assertEqual(comp['hashes'], [{'alg': 'SHA-256', 'content': harness.sha256_bytes(data)}])
        self.assertEqual([(c['name'], c['version']) for c in doc['components']],
                         [(p['name'], p['version']) for p in deps['packages']])
        for c, p in zip(doc['components'], deps['packages']):
            self.assertEqual(c['scope'], 'excluded' if p.get('kind') == 'build' else 'required')
            self.assertEqual(c.get('purl'), 'pkg:cargo/%s@%s' % (p['name'], p['version'])
                             if p['source'] == 'crates.io' else None)
        refs = [c['bom-ref'] for c in doc['components']]
        graph = {g['ref']: g['dependsOn'] for g in doc['dependencies']}
        roots = [refs[i] for i, p in enumerate(deps['packages']) if p.get('root')]
        self.assertEqual(graph['component'], roots)
        for i, p in enumerate(deps['packages']):
            self.assertEqual(graph[refs[i]], [refs[j] for j in p.get('dependencies', [])])
        self.assertEqual(self.wpkg('sbom', path).stdout, r.stdout, 'the same input gives the same bytes')
        out = self.path('bom.cdx.json')
        r2 = self.wpkg('sbom', '-o', out, '--serial-number', 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
                       path, env={'SOURCE_DATE_EPOCH': '1700000000'})
        self.assertEqual(r2.stdout, out + '\n')
        with open(out) as f:
            d2 = json.load(f)
        self.assertEqual(d2['serialNumber'], 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79')
        self.assertEqual(d2['metadata']['timestamp'], CREATED)
        doc = json.loads(self.wpkg('sbom', '--format', 'json', '-o', out, path).stdout)
        harness.validate_schema(doc, 'cli/sbom')
        self.assertEqual(doc, {'output': out})

    def test_no_section(self):
        path = harness.fixture(COMPONENT)
        r = self.wpkg('sbom', path, expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: %s: no .dep-v0 section (build the component with "cargo '
                         'auditable build" to embed its dependency list)\n' % path)

    def test_corrupt_and_oversized_sections(self):
        bad = write(self.path('bad.wasm'), MODULE + custom_section(b'.dep-v0', b'\x78\x9cnot zlib at all'))
        r = self.wpkg('sbom', '-o', self.path('out.json'), bad, expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: %s: .dep-v0 section at offset 0x12: zlib: invalid block type '
                         '(at byte 0x15 of the file)\n' % bad)
        self.assertFalse(os.path.exists(self.path('out.json')))
        bomb = write(self.path('bomb.wasm'), MODULE + custom_section(b'.dep-v0', zlib.compress(b' ' * (3 << 20))))
        r = self.wpkg('sbom', bomb, expect=3)
        self.assertIn('inflates to more than 2097152 bytes', r.stderr)
        idx = write(self.path('idx.wasm'), MODULE + custom_section(b'.dep-v0', zlib.compress(
            b'{"packages":[{"name":"a","version":"1","source":"local","dependencies":[3]}]}')))
        r = self.wpkg('sbom', idx, expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: %s: .dep-v0 section at offset 0x12: packages[0].dependencies[0] '
                         'is not the index of a package (0 to 0)\n' % idx)


if __name__ == '__main__':
    harness.main()
