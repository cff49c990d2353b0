# SPDX-License-Identifier: Apache-2.0
"""test_resolve.py - wpkg resolve NAME: wkg's config precedence, well-known documents, version choice,
against the real docker-registry and a small well-known server on 127.0.0.1."""

import base64
import hashlib
import json
import os

import harness
import oci_raw
from regcase import RegistryCase
from wellknown import WellKnown

FIXTURE = 'components/hello-c.component.wasm'
TAGS = ['0.1.0', '0.2.0', '0.2.1', '0.3.0-rc.1', 'latest', 'v1.0.0', '1.0']
VERSIONS = ['0.1.0', '0.2.0', '0.2.1', '0.3.0-rc.1']


class ResolveTests(RegistryCase, harness.TestCase):
    VARIANT = 'plain'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.layer = 'sha256:' + hashlib.sha256(open(harness.fixture(FIXTURE), 'rb').read()).hexdigest()
        cls.digests = {}
        helper = harness.TestCase('run')
        try:
            # acme/hello (no prefix) and wasm/acme/hello (prefix "wasm/"), each with every tag
            for repo in ('acme/hello', 'wasm/acme/hello'):
                ref = '%s/%s' % (cls.reg.host, repo)
                helper.wpkg('push', *cls.reg.flags, ref + ':' + TAGS[0], harness.fixture(FIXTURE))
                helper.wpkg('tag', *cls.reg.flags, ref + ':' + TAGS[0], *TAGS[1:])
                status, _, body = oci_raw.get_manifest(cls.reg, repo, '0.2.1')
                assert status == 200, body
                cls.digests[repo] = oci_raw.digest(body)
        finally:
            helper.doCleanups()

    def config(self, text, name='config.toml'):
        p = self.path(name)
        with open(p, 'w') as f:
            f.write(text)
        return p

    def resolve(self, cfg, name, *extra, expect=0, env=None):
        r = self.wpkg('resolve', '--json', '--wkg-config', cfg, *extra, name, expect=expect, env=env)
        if expect != 0:
            return r
        harness.validate_schema(r.stdout, 'cli/resolve')
        return json.loads(r.stdout)

    def local_config(self):
        return 'default_registry = "%s"\n\n[registry."%s".oci]\nprotocol = "http"\n' % (self.reg.host, self.reg.host)

    # -- default_registry, no well-known document (404: the defaults) --------
    def test_default_registry_404_defaults(self):
        cfg = self.config(self.local_config())
        out = self.resolve(cfg, 'acme:hello')
        # no version: the highest, pre-releases included, as wkg get
        self.assertEqual(out['version'], '0.3.0-rc.1')
        self.assertEqual(out['reference'], '%s/acme/hello:0.3.0-rc.1' % self.reg.host)
        self.assertEqual(out['resolvedBy'], {'kind': 'default_registry', 'key': 'default_registry',
                                             'file': cfg, 'line': 1})
        self.assertEqual(out['metadata'], {'source': 'not found', 'deprecatedForm': False, 'error': None,
                                           'url': 'http://%s/.well-known/wasm-pkg/registry.json' % self.reg.host})
        self.assertEqual(out['oci'], {'registry': self.reg.host, 'namespacePrefix': '', 'repository': 'acme/hello'})
        self.assertEqual(out['versions'], VERSIONS)
        self.assertEqual(out['ignoredTags'], 3)
        self.assertEqual(out['config'], {'path': cfg, 'from': '--wkg-config', 'read': True, 'fallbacks': False})
        self.assertEqual(out['layerDigest'], self.layer)
        self.assertEqual(out['credentials'], 'anonymous')
        self.assertEqual(out['lock'], {'name': 'acme:hello', 'registry': self.reg.host, 'requirement': '*',
                                       'version': '0.3.0-rc.1', 'digest': self.layer})
        # every tag points at the same manifest here
        self.assertEqual(out['digest'], self.digests['acme/hello'])

    def test_text_output_and_requirement(self):
        cfg = self.config(self.local_config())
        r = self.wpkg('resolve', '--wkg-config', cfg, 'acme:hello@^0.2')
        self.assertEqual(r.stdout, '%s/acme/hello:0.2.1 %s\n' % (self.reg.host, self.digests['acme/hello']))
        out = self.resolve(cfg, 'acme:hello@>=0.1.0, <0.2.0')
        self.assertEqual(out['version'], '0.1.0')
        self.assertEqual(out['lock']['requirement'], '>=0.1.0, <0.2.0')
        out = self.resolve(cfg, 'acme:hello@0.2.0')
        self.assertEqual(out['tag'], '0.2.0')
        self.assertEqual(out['lock']['requirement'], '=0.2.0')
        # pre-releases only when the comparator names one
        self.assertEqual(self.resolve(cfg, 'acme:hello@^0.3.0-rc.1')['version'], '0.3.0-rc.1')
        self.assertEqual(self.resolve(cfg, 'acme:hello@*')['version'], '0.2.1')

    def test_no_matching_version(self):
        cfg = self.config(self.local_config())
        r = self.resolve(cfg, 'acme:hello@^1', expect=4)
        self.assertIn('wpkg: error: resolve acme:hello@^1 (%s/acme/hello): acme:hello: no version matches ^1 '
                      '(nearest: 0.2.1, 0.3.0-rc.1)\n' % self.reg.host, r.stderr)
        self.assertEqual(r.stdout, '')

    # -- namespace mapping, well-known documents in both forms --------------
    def test_namespace_well_known_both_forms(self):
        docs = {
            False: {'preferredProtocol': 'oci', 'oci': {'registry': self.reg.host, 'namespacePrefix': 'wasm/'}},
            True: {'ociRegistry': self.reg.host, 'ociNamespacePrefix': 'wasm/'},
        }
        for deprecated, doc in docs.items():
            with self.subTest(deprecated=deprecated), WellKnown(json.dumps(doc)) as wk:
                cfg = self.config('[namespace_registries]\nacme = "%s"\n' % wk.host)
                out = self.resolve(cfg, 'acme:hello@~0.2.0', '--plain-http')
                self.assertEqual(out['resolvedBy'], {'kind': 'namespace_registries', 'key': 'acme', 'file': cfg,
                                                     'line': 2})
                self.assertEqual(out['registry'], wk.host)
                self.assertEqual(out['metadata'], {
                    'source': 'well-known', 'deprecatedForm': deprecated, 'error': None,
                    'url': 'http://%s/.well-known/wasm-pkg/registry.json' % wk.host})
                self.assertEqual(out['oci'], {'registry': self.reg.host, 'namespacePrefix': 'wasm/',
                                              'repository': 'wasm/acme/hello'})
                self.assertEqual(out['reference'], '%s/wasm/acme/hello:0.2.1' % self.reg.host)
                self.assertEqual(out['digest'], self.digests['wasm/acme/hello'])
                self.assertEqual(wk.paths, ['/.well-known/wasm-pkg/registry.json'])

    def test_override_inline_metadata_skips_the_document(self):
        with WellKnown('{}') as wk:
            cfg = self.config(
                'default_registry = "%s"\n'
                '[namespace_registries]\nacme = "%s"\n'
                '[package_registry_overrides]\n'
                '"acme:hello" = { registry = "mirror.example", metadata = { oci = { registry = "%s", namespacePrefix = "wasm/" } } }\n'
                % (wk.host, wk.host, self.reg.host))
            out = self.resolve(cfg, 'acme:hello@0.2.1', '--plain-http')
            self.assertEqual(out['resolvedBy'], {'kind': 'package_registry_overrides', 'key': 'acme:hello',
                                                 'file': cfg, 'line': 5})
            self.assertEqual(out['metadata'], {'source': 'inline', 'url': None, 'deprecatedForm': False, 'error': None})
            self.assertEqual(out['reference'], '%s/wasm/acme/hello:0.2.1' % self.reg.host)
            self.assertEqual(wk.paths, [])
            # a package without the override falls to the namespace mapping: its document is read
            # (its defaults make the document's host the OCI registry, which has no such repository)
            r = self.resolve(cfg, 'acme:other', '--plain-http', expect=4)
            self.assertEqual(wk.paths, ['/.well-known/wasm-pkg/registry.json', '/v2/acme/other/tags/list?n=1000'])
            self.assertIn('wpkg: error: resolve acme:other (%s/acme/other): GET http://%s/v2/acme/other/tags/list'
                          % (wk.host, wk.host), r.stderr)

    def test_bad_document_warns_then_defaults(self):
        with WellKnown('["not", "an", "object"]') as wk:
            cfg = self.config('[namespace_registries]\nacme = "%s"\n' % wk.host)
            r = self.resolve(cfg, 'acme:hello', '--plain-http', expect=4)
            self.assertIn('wpkg: warning: registry metadata http://%s/.well-known/wasm-pkg/registry.json: '
                          'registry metadata is not a JSON object; using the defaults (OCI host %s, no prefix)\n'
                          % (wk.host, wk.host), r.stderr)
        with WellKnown('{"ociRegistry": "%s", "ociNamespacePrefix": "wasm"}' % self.reg.host) as wk:
            cfg = self.config('[namespace_registries]\nacme = "%s"\n' % wk.host)
            r = self.resolve(cfg, 'acme:hello', '--plain-http', expect=4)
            self.assertIn("wpkg: warning: registry %s: namespace prefix \"wasm\" does not end in '/'; it is used "
                          "as is, as wkg does\n" % wk.host, r.stderr)
            self.assertIn('wpkg: error: resolve acme:hello (%s/wasmacme/hello): ' % self.reg.host, r.stderr)

    def test_document_over_the_cap_warns_then_defaults(self):
        # the library's GET caps the document at 64 KiB: a larger one is a failure, so a warning and the defaults
        big = '{"ociRegistry": "%s", "pad": "%s"}' % (self.reg.host, 'x' * (64 * 1024))
        with WellKnown(big) as wk:
            cfg = self.config('[namespace_registries]\nacme = "%s"\n' % wk.host)
            r = self.resolve(cfg, 'acme:hello', '--plain-http', expect=4)
            self.assertIn('wpkg: warning: registry metadata http://%s/.well-known/wasm-pkg/registry.json: ' % wk.host,
                          r.stderr)
            self.assertIn('larger than 65536 bytes', r.stderr)
            self.assertIn('using the defaults (OCI host %s, no prefix)\n' % wk.host, r.stderr)

    # -- explicit config files, fallbacks, refusals --------------------------
    def test_explicit_config_has_no_fallbacks(self):
        cfg = self.config(self.local_config().replace('default_registry', '# default_registry'))
        for how in ('flag', 'env'):
            with self.subTest(how=how):
                if how == 'flag':
                    r = self.wpkg('resolve', '--wkg-config', cfg, 'wasi:http', expect=4)
                else:
                    r = self.wpkg('resolve', 'wasi:http', env={'WKG_CONFIG_FILE': cfg}, expect=4)
                self.assertEqual(r.stderr, 'wpkg: error: no registry for wasi:http: add it to [namespace_registries] '
                                 'or set default_registry in %s (built-in fallbacks are off with an explicit '
                                 'config file)\n'
                                 "wpkg: note: 'wasi:http' is read as a Wasm package name (NAMESPACE:NAME); write a "
                                 'Docker Hub image in full: docker.io/library/wasi:http\n' % cfg)
        r = self.wpkg('resolve', '--wkg-config', self.path('missing.toml'), 'wasi:http', expect=4)
        self.assertIn('wpkg: error: wkg config: ', r.stderr)

    def test_default_config_path(self):
        # $XDG_CONFIG_HOME/wasm-pkg/config.toml, read when no file is named
        d = self.path('home', '.config', 'wasm-pkg')
        os.makedirs(d)
        with open(os.path.join(d, 'config.toml'), 'w') as f:
            f.write(self.local_config())
        r = self.wpkg('resolve', '--json', 'acme:hello@0.1.0')
        out = json.loads(r.stdout)
        self.assertEqual(out['config'], {'path': os.path.join(d, 'config.toml'), 'from': 'default', 'read': True,
                                         'fallbacks': True})
        self.assertEqual(out['tag'], '0.1.0')

    def test_help(self):
        r = self.wpkg('resolve', '--help')
        self.assertTrue(r.stdout.startswith('Usage: wpkg resolve [OPTIONS] REF|NAME\n'), r.stdout)
        self.assertIn('      --wkg-config=FILE', r.stdout)
        self.assertEqual(self.wpkg('help', 'resolve').stdout, r.stdout)
        self.assertRegex(self.wpkg('--help').stdout, r'\n  resolve +Print the digest a reference names; resolve a '
                         r'Wasm package name \(ns:name\[@VERSION\]\) as wkg does\n')

    def test_refusals(self):
        cfg = self.config('default_registry = "a.example"\nregistries = {}\n')
        r = self.wpkg('resolve', '--wkg-config', cfg, 'acme:hello', expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: %s: line 2: unknown key registries (wkg knows default_registry, '
                         'namespace_registries, package_registry_overrides and registry)\n' % cfg)
        # not a name: the digest the OCI reference names, alone (one command, both shapes)
        r = self.wpkg('resolve', *self.reg.flags, '%s/acme/hello:0.2.1' % self.reg.host)
        self.assertEqual(r.stdout, self.digests['acme/hello'] + '\n')
        r = self.wpkg('resolve', '--wkg-config', cfg, 'acme:hello@latest', expect=3)
        self.assertIn('wpkg: error: package acme:hello: invalid version requirement "latest": expected a version\n',
                      r.stderr)


class ResolveAuthTests(RegistryCase, harness.TestCase):
    """Credentials in wkg's order against a registry with basic authentication."""
    VARIANT = 'basic'

    def test_config_auth_then_docker_then_anonymous(self):
        reg = self.reg
        ref = '%s/acme/secret' % reg.host
        self.wpkg('push', '--plain-http', '-u', reg.username, '--password-stdin', ref + ':1.0.0',
                  harness.fixture(FIXTURE), input=reg.password + '\n')
        base = 'default_registry = "%s"\n[registry."%s".oci]\nprotocol = "http"\n' % (reg.host, reg.host)
        cases = [
            ('auth = { username = "%s", password = "%s" }\n' % (reg.username, reg.password), 'config'),
            ('auth = "%s"\n' % base64.b64encode(('%s:%s' % (reg.username, reg.password)).encode()).decode()
             .rstrip('='), 'config'),
        ]
        for extra, source in cases:
            with self.subTest(auth=extra[:12]):
                cfg = self.path('auth.toml')
                with open(cfg, 'w') as f:
                    f.write(base + extra)
                r = self.wpkg('resolve', '--json', '--wkg-config', cfg, 'acme:secret')
                out = json.loads(r.stdout)
                self.assertEqual(out['credentials'], source)
                self.assertEqual(out['tag'], '1.0.0')
                self.assertNotIn(reg.password, r.stdout + r.stderr)
        # WKG_REGISTRY_<HOST>_AUTH_BEARER comes first in wkg's order, before the config's auth: a Basic-only
        # registry refuses it, and the error says which credential it was (never the token)
        var = 'WKG_REGISTRY_127_0_0_1_%d_AUTH_BEARER' % reg.port
        r = self.wpkg('resolve', '--json', '--wkg-config', cfg, 'acme:secret', env={var: 'tok-123'}, expect=5)
        self.assertIn('401 unauthorized: the registry refused the static bearer token\n', r.stderr)
        self.assertNotIn('tok-123', r.stdout + r.stderr)
        # no auth in the config: Docker's config.json (written by wpkg login), else anonymous and refused
        cfg = self.path('noauth.toml')
        with open(cfg, 'w') as f:
            f.write(base)
        r = self.wpkg('resolve', '--wkg-config', cfg, 'acme:secret', expect=5)
        self.assertIn('401', r.stderr)
        self.wpkg('login', '--plain-http', '-u', reg.username, '--password-stdin', reg.host,
                  input=reg.password + '\n')
        out = json.loads(self.wpkg('resolve', '--json', '--wkg-config', cfg, 'acme:secret').stdout)
        self.assertEqual(out['credentials'], 'docker')


class ResolveBearerTests(RegistryCase, harness.TestCase):
    """WKG_REGISTRY_<HOST>_AUTH_BEARER is sent as the registry's bearer token (a token server's registry)."""
    VARIANT = 'token'

    def test_static_bearer_token(self):
        reg = self.reg
        self.wpkg('push', '--plain-http', '-u', reg.username, '--password-stdin', '%s/acme/tok:1.0.0' % reg.host,
                  harness.fixture(FIXTURE), input=reg.password + '\n')
        status, doc = reg.fetch_token('repository:acme/tok:pull')
        self.assertEqual(status, 200, doc)
        token = doc['token']
        cfg = self.path('config.toml')
        with open(cfg, 'w') as f:
            f.write('default_registry = "%s"\n[registry."%s".oci]\nprotocol = "http"\n' % (reg.host, reg.host))
        var = 'WKG_REGISTRY_127_0_0_1_%d_AUTH_BEARER' % reg.port
        # no credentials at all: the registry's challenge is refused
        r = self.wpkg('resolve', '--wkg-config', cfg, 'acme:tok', expect=5)
        r = self.wpkg('resolve', '--json', '--debug', '--wkg-config', cfg, 'acme:tok', env={var: token})
        out = json.loads(r.stdout)
        self.assertEqual((out['credentials'], out['tag']), ('env', '1.0.0'))
        # sent, and masked in the exchange log; the token server is never asked
        self.assertIn('Authorization: Bearer ***', r.stderr)
        self.assertNotIn(token, r.stdout + r.stderr)
        self.assertNotIn(reg.token_url, r.stderr)
        # every command that takes a name uses it
        dest = self.path('tok.wasm')
        self.wpkg('pull', '-o', dest, '--wkg-config', cfg, 'acme:tok@1', env={var: token})
        self.assertEqual(open(dest, 'rb').read(), open(harness.fixture(FIXTURE), 'rb').read())
        r = self.wpkg('resolve', '--wkg-config', cfg, 'acme:tok', env={var: 'not-' + token[:8]}, expect=5)
        self.assertIn('the registry refused the static bearer token', r.stderr)
        self.assertNotIn(token[:8], r.stderr)


class ResolveTlsTests(RegistryCase, harness.TestCase):
    """[registry."NAME".oci] extra_root_certificates verify a registry with its own CA, with no --ca-file."""
    VARIANT = 'tls'

    def test_extra_root_certificates(self):
        reg = self.reg
        self.wpkg('push', '--ca-file', reg.ca_file, '%s/acme/tls:0.1.0' % reg.host, harness.fixture(FIXTURE))
        with open(reg.ca_file) as f:
            pem = f.read()
        cfg = self.path('tls.toml')
        base = 'default_registry = "%s"\n' % reg.host
        with open(cfg, 'w') as f:
            f.write(base + '[registry."%s".oci]\nextra_root_certificates = [ { encoding = "pem", data = """%s""" } ]\n'
                    % (reg.host, pem))
        os.makedirs(self.path('t'))
        out = json.loads(self.wpkg('resolve', '--json', '--wkg-config', cfg, 'acme:tls',
                                   env={'TMPDIR': self.path('t')}).stdout)
        self.assertEqual(out['reference'], '%s/acme/tls:0.1.0' % reg.host)
        self.assertEqual(os.listdir(self.path('t')), [], 'the CA file written for the transport is removed')
        # without them the registry's certificate does not verify
        with open(cfg, 'w') as f:
            f.write(base)
        r = self.wpkg('resolve', '--wkg-config', cfg, 'acme:tls', expect=7)
        self.assertIn('certificate', r.stderr.lower())


if __name__ == '__main__':
    harness.main()
