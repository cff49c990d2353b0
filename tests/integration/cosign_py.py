"""cosign_py.py - an independent implementation of cosign's key and signature formats, for the signing tests.

Built only on Python's cryptography, nacl (libsodium's secretbox) and hashlib.scrypt, following the specs:
securesystemslib's encrypted key format, DSSE (PAE), in-toto Statement v1, the Sigstore bundle v0.3 and
cosign's simple-signing payload.  Nothing here shares code with wpkg.
"""

import base64
import hashlib
import json
import os

import nacl.secret
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

BUNDLE_MT = 'application/vnd.dev.sigstore.bundle.v0.3+json'
SIMPLESIGNING_MT = 'application/vnd.dev.cosign.simplesigning.v1+json'
SIG_ANNOTATION = 'dev.cosignproject.cosign/signature'
INTOTO = 'application/vnd.in-toto+json'
PREDICATE = 'https://sigstore.dev/cosign/sign/v1'
EMPTY = {'mediaType': 'application/vnd.oci.empty.v1+json',
         'digest': 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', 'size': 2}


def b64(data):
    return base64.b64encode(data).decode()


def pem(label, body):
    text = b64(body)
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return ('-----BEGIN %s-----\n%s\n-----END %s-----\n' % (label, '\n'.join(lines), label)).encode()


def unpem(data):
    lines = data.decode().strip().splitlines()
    return lines[0][11:-5], base64.b64decode(''.join(lines[1:-1]))


def new_key(curve=None):
    return ec.generate_private_key(curve or ec.SECP256R1())


def encrypt_key(key, password, label='ENCRYPTED SIGSTORE PRIVATE KEY', n=32768, r=8, p=1):
    """securesystemslib encrypted.Encrypt: scrypt(password, salt) -> nacl secretbox over PKCS#8 DER."""
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    salt, nonce = os.urandom(32), os.urandom(24)
    k = hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, dklen=32, maxmem=256 << 20)
    ct = nacl.secret.SecretBox(k).encrypt(der, nonce).ciphertext
    doc = {'kdf': {'name': 'scrypt', 'params': {'N': n, 'r': r, 'p': p}, 'salt': b64(salt)},
           'cipher': {'name': 'nacl/secretbox', 'nonce': b64(nonce)}, 'ciphertext': b64(ct)}
    return pem(label, json.dumps(doc, separators=(',', ':')).encode())


def decrypt_key(data, password):
    label, body = unpem(data)
    if label not in ('ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'):
        raise ValueError('label %r' % label)
    doc = json.loads(body)
    prm = doc['kdf']['params']
    k = hashlib.scrypt(password, salt=base64.b64decode(doc['kdf']['salt']), n=prm['N'], r=prm['r'], p=prm['p'],
                       dklen=32, maxmem=256 << 20)
    der = nacl.secret.SecretBox(k).decrypt(base64.b64decode(doc['ciphertext']),
                                           base64.b64decode(doc['cipher']['nonce']))
    return serialization.load_der_private_key(der, None), doc


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def hint(public_key):
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return b64(hashlib.sha256(der).digest())


def sign(key, data):
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def verify(public_key, sig, data):
    """True when sig (DER) is public_key's ECDSA-SHA256 signature of data."""
    try:
        public_key.verify(sig, data, ec.ECDSA(hashes.SHA256()))
        return True
    except Exception:  # InvalidSignature, or a malformed DER signature
        return False


def pae(payload_type, body):
    t = payload_type.encode()
    return b'DSSEv1 %d %s %d %s' % (len(t), t, len(body), body)


def simple_payload(docker_reference, digest, optional=None):
    """cosign's payload as Go's encoding/json writes it (inputs here hold no <, >, &)."""
    doc = {'critical': {'identity': {'docker-reference': docker_reference},
                        'image': {'docker-manifest-digest': digest},
                        'type': 'cosign container image signature'},
           'optional': dict(sorted(optional.items())) if optional else None}
    return json.dumps(doc, separators=(',', ':')).encode()


def statement(name, digest):
    alg, hexpart = digest.split(':')
    return json.dumps({'_type': 'https://in-toto.io/Statement/v1',
                       'subject': [{'name': name, 'digest': {alg: hexpart}}],
                       'predicateType': PREDICATE, 'predicate': {}}, separators=(',', ':')).encode()


def bundle(key, body, payload_type=INTOTO, sig=None):
    sig = sig if sig is not None else sign(key, pae(payload_type, body))
    return json.dumps({'mediaType': BUNDLE_MT,
                       'verificationMaterial': {'publicKey': {'hint': hint(key.public_key())}},
                       'dsseEnvelope': {'payload': b64(body), 'payloadType': payload_type,
                                        'signatures': [{'sig': b64(sig)}]}}, separators=(',', ':')).encode()


def check_bundle(public_key, data, digest):
    """Verifies a bundle as cosign does with a key: the hint, the DSSE signature, the statement's subject."""
    doc = json.loads(data)
    assert doc['mediaType'] == BUNDLE_MT, doc['mediaType']
    assert doc['verificationMaterial']['publicKey']['hint'] == hint(public_key)
    env = doc['dsseEnvelope']
    body = base64.b64decode(env['payload'])
    assert env['payloadType'] == INTOTO
    assert len(env['signatures']) == 1
    assert verify(public_key, base64.b64decode(env['signatures'][0]['sig']), pae(env['payloadType'], body))
    st = json.loads(body)
    assert st['_type'] == 'https://in-toto.io/Statement/v1'
    assert st['predicateType'] == PREDICATE
    alg, hexpart = digest.split(':')
    assert st['subject'][0]['digest'] == {alg: hexpart}, st['subject']
    return st
