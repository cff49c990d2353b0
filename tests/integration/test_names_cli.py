# SPDX-License-Identifier: Apache-2.0
"""test_names_cli.py - package names wherever a REF is taken (pull, push, tags, tag, inspect, copy, discover,
attach, resolve), versions listed in semver order, and publishing by name, against the real docker-registry."""

import hashlib
import json
import os

import harness
import oci_raw
from regcase import RegistryCase

FIXTURE = 'components/hello-c.component.wasm'
# every version in the registry's (lexical) order, with tags that are not versions
TAGS = ['0.10.0', '0.2.0', '0.9.0', '1.0.0-rc.1', 'latest', 'v2.0.0', '1.0']
SEMVER_ORDER = ['0.2.0', '0.9.0', '0.10.0', '1.0.0-rc.1']


class NamesCliTests(RegistryCase, harness.TestCase):
    VARIANT = 'plain'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = open(harness.fixture(FIXTURE), 'rb').read()
        cls.layer = 'sha256:' + hashlib.sha256(cls.data).hexdigest()
        helper = harness.TestCase('run')
        try:
            ref = '%s/acme/hello' % cls.reg.host
            helper.wpkg('push', *cls.reg.flags, ref + ':' + TAGS[0], harness.fixture(FIXTURE))
            helper.wpkg('tag', *cls.reg.flags, ref + ':' + TAGS[0], *TAGS[1:])
            status, _, body = oci_raw.get_manifest(cls.reg, 'acme/hello', '0.10.0')
            assert status == 200, body
            cls.digest = oci_raw.digest(body)
        finally:
            helper.doCleanups()

    def setUp(self):
        super().setUp()
        self.cfg = self.path('config.toml')
        with open(self.cfg, 'w') as f:
            # protocol = "http": the config, not --plain-http, says how to speak to the registry
            f.write('default_registry = "%s"\n\n[registry."%s".oci]\nprotocol = "http"\n'
                    % (self.reg.host, self.reg.host))

    def test_tags_semver_order(self):
        r = self.run_wpkg('tags', '--wkg-config', self.cfg, 'acme:hello')
        self.assertEqual(r.stdout, ''.join(v + '\n' for v in SEMVER_ORDER))
        doc = json.loads(self.run_wpkg('tags', '--json', '--wkg-config', self.cfg, 'acme:hello').stdout)
        harness.validate_schema(doc, 'cli/tags')
        self.assertEqual(doc, SEMVER_ORDER)
        # an OCI reference lists every tag, lexically, as before
        r = self.run_wpkg('tags', *self.reg.flags, '%s/acme/hello' % self.reg.host)
        self.assertEqual(r.stdout.split(), sorted(TAGS))
        # --debug says which tags are not versions
        r = self.run_wpkg('tags', '--debug', '--wkg-config', self.cfg, 'acme:hello')
        self.assertIn("wpkg: note: tag 'v2.0.0' is not a version (strict semver): not listed\n", r.stderr)
        r = self.run_wpkg('tags', '--wkg-config', self.cfg, 'acme:hello@0.2.0', expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: tags acme:hello@0.2.0: a repository takes no version: write '
                         'acme:hello\n')

    def test_pull_inspect_resolve_by_name(self):
        out = self.path('hello.wasm')
        # no version: the highest, pre-releases included (wkg get)
        r = self.run_wpkg('pull', '-o', out, '--wkg-config', self.cfg, 'acme:hello')
        self.assertEqual(r.stdout, '%s %s\n' % (self.digest, out))
        self.assertEqual(open(out, 'rb').read(), self.data)
        r = self.run_wpkg('pull', '-o', self.path('b.wasm'), '--wkg-config', self.cfg, 'acme:hello@^0.9')
        self.assertEqual(r.stdout, '%s %s\n' % (self.digest, self.path('b.wasm')))
        # Cargo's caret on 0.x: ^0.9 is >=0.9.0, <0.10.0
        doc = json.loads(self.run_wpkg('resolve', '--json', '--wkg-config', self.cfg, 'acme:hello@^0.9').stdout)
        self.assertEqual(doc['reference'], '%s/acme/hello:0.9.0' % self.reg.host)
        # pre-releases only when the comparator names one
        doc = json.loads(self.run_wpkg('resolve', '--json', '--wkg-config', self.cfg, 'acme:hello@>=0.9').stdout)
        self.assertEqual(doc['reference'], '%s/acme/hello:0.10.0' % self.reg.host)
        self.assertEqual(doc['versions'], SEMVER_ORDER)
        self.assertEqual(doc['ignoredTags'], 3)
        r = self.run_wpkg('inspect', '--wkg-config', self.cfg, 'acme:hello@~0.2')
        self.assertIn('reference: %s/acme/hello:0.2.0\n' % self.reg.host, r.stdout)
        r = self.run_wpkg('resolve', '--wkg-config', self.cfg, 'acme:hello')
        self.assertEqual(r.stdout, '%s/acme/hello:1.0.0-rc.1 %s\n' % (self.reg.host, self.digest))
        r = self.run_wpkg('discover', '--wkg-config', self.cfg, 'acme:hello@0.9.0')
        self.assertEqual(r.returncode, 0)

    def test_copy_either_side(self):
        lay = self.path('lay')
        r = self.run_wpkg('copy', '--wkg-config', self.cfg, 'acme:hello@0.9.0', 'oci-layout:%s:x' % lay)
        self.assertEqual(r.stdout, self.digest + '\n')
        # into a name: the version is the tag
        r = self.run_wpkg('copy', '--wkg-config', self.cfg, 'oci-layout:%s:x' % lay, 'acme:copied@3.1.4')
        self.assertEqual(r.stdout, self.digest + '\n')
        status, _, body = oci_raw.get_manifest(self.reg, 'acme/copied', '3.1.4')
        self.assertEqual((status, oci_raw.digest(body)), (200, self.digest))
        r = self.run_wpkg('copy', '--wkg-config', self.cfg, 'oci-layout:%s:x' % lay, 'acme:copied', expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: copy acme:copied: publishing needs one exact version: write '
                         'acme:copied@1.2.3\n')

    def test_push_by_name(self):
        fx = harness.fixture(FIXTURE)
        r = self.run_wpkg('push', '--json', '--wkg-config', self.cfg, 'acme:pub@1.2.3', fx)
        doc = json.loads(r.stdout)
        self.assertEqual(doc['reference'], '%s/acme/pub:1.2.3' % self.reg.host)
        self.assertEqual(doc['tags'], ['1.2.3'])
        status, _, body = oci_raw.get_manifest(self.reg, 'acme/pub', '1.2.3')
        self.assertEqual(status, 200)
        m = json.loads(body)
        self.assertEqual(m['annotations']['org.opencontainers.image.version'], '1.2.3')
        self.assertEqual(m['layers'][0]['annotations'], {'org.opencontainers.image.title': 'pub.wasm'})
        self.assertEqual(m['layers'][0]['digest'], self.layer)
        # an existing version is refused unless --force, and the refusal says so
        r = self.run_wpkg('push', '--wkg-config', self.cfg, 'acme:pub@1.2.3', fx, expect=1)
        self.assertEqual(r.stderr, 'wpkg: error: push %s/acme/pub:1.2.3: version 1.2.3 is already published (%s): '
                         'pass --force to replace it\n' % (self.reg.host, oci_raw.digest(body)))
        r = self.run_wpkg('push', '--force', '-a', 'org.opencontainers.image.version=1.2.3-x', '--wkg-config',
                          self.cfg, 'acme:pub@1.2.3', fx)
        status, _, body2 = oci_raw.get_manifest(self.reg, 'acme/pub', '1.2.3')
        # -a overrides what the name implies
        self.assertEqual(json.loads(body2)['annotations']['org.opencontainers.image.version'], '1.2.3-x')
        self.assertEqual(r.stdout, oci_raw.digest(body2) + '\n')
        # +build cannot be a tag; a requirement is no version to publish
        r = self.run_wpkg('push', '--wkg-config', self.cfg, 'acme:pub@1.2.4+b7', fx, expect=3)
        self.assertEqual(r.stderr, "wpkg: error: push acme:pub@1.2.4+b7: the version has build metadata ('+'), "
                         "which an OCI tag cannot hold: publish it without the '+...' part\n")
        r = self.run_wpkg('push', '--wkg-config', self.cfg, 'acme:pub@^1', fx, expect=3)
        self.assertIn('publishing needs one exact version', r.stderr)
        status, _, _ = oci_raw.get_manifest(self.reg, 'acme/pub', '1.2.4')
        self.assertEqual(status, 404)

    def test_push_exploded_by_name(self):
        r = self.run_wpkg('push', '--exploded', '--wkg-config', self.cfg, 'acme:exp@0.1.0',
                          harness.fixture(FIXTURE))
        status, _, body = oci_raw.get_manifest(self.reg, 'acme/exp', '0.1.0')
        self.assertEqual((status, oci_raw.digest(body)), (200, r.stdout.strip()))
        out = self.path('exp.wasm')
        self.run_wpkg('pull', '-o', out, '--wkg-config', self.cfg, 'acme:exp')
        self.assertEqual(open(out, 'rb').read(), self.data)

    def lock(self, requirement, version, digest, registry=None, alias=False):
        p = self.path('wkg.lock')
        with open(p, 'w') as f:
            f.write('# generated by wkg\nversion = 1\n\n[[%s]]\nname = "acme:hello"\n%s\n[[%s.%s]]\n'
                    'requirement = "%s"\nversion = "%s"\ndigest = "%s"\n'
                    % ('package' if alias else 'packages', 'registry = "%s"\n' % registry if registry else '',
                       'package' if alias else 'packages', 'version' if alias else 'versions', requirement,
                       version, digest))
        return p

    def test_pull_lock(self):
        out = self.path('locked.wasm')
        # the lock's version for that requirement (0.2.0, where ^0.2 alone would also be 0.2.0; * alone the rc)
        lock = self.lock('*', '0.9.0', self.layer, registry=self.reg.host)
        r = self.run_wpkg('pull', '--lock', lock, '-o', out, '--wkg-config', self.cfg, 'acme:hello')
        self.assertEqual(r.stdout, '%s %s\n' % (self.digest, out))
        self.assertEqual(open(out, 'rb').read(), self.data)
        # the old aliases, a requirement, no registry in the entry
        lock = self.lock('^0.2', '0.2.0', self.layer, alias=True)
        self.run_wpkg('pull', '--lock', lock, '-o', out, '--wkg-config', self.cfg, 'acme:hello@^0.2')
        # a different layer digest: refused, naming both
        other = 'sha256:' + '0' * 64
        lock = self.lock('*', '0.9.0', other)
        r = self.run_wpkg('pull', '--lock', lock, '-o', self.path('x.wasm'), '--wkg-config', self.cfg, 'acme:hello',
                          expect=6)
        self.assertEqual(r.stderr, 'wpkg: error: pull acme:hello: %s line 7 locks acme:hello 0.9.0 to layer %s, but '
                         '%s/acme/hello:0.9.0 has layer %s\n' % (lock, other, self.reg.host, self.layer))
        self.assertFalse(os.path.exists(self.path('x.wasm')))
        # no entry for the requirement
        r = self.run_wpkg('pull', '--lock', lock, '--wkg-config', self.cfg, 'acme:hello@^0.2', expect=4)
        self.assertEqual(r.stderr, 'wpkg: error: pull acme:hello@^0.2: %s: no entry locks acme:hello with the '
                         'requirement ^0.2\n' % lock)
        r = self.run_wpkg('pull', '--lock', lock, *self.reg.flags, '%s/acme/hello:0.9.0' % self.reg.host, expect=2)
        self.assertIn('--lock takes a package name', r.stderr)

    def test_pull_fallback_tag_is_named(self):
        # Distribution 2.8 has no referrers API: attach writes the sha256-HEX fallback tag
        ref = '%s/acme/fallback' % self.reg.host
        self.run_wpkg('push', *self.reg.flags, ref + ':1.0.0', harness.fixture(FIXTURE))
        sbom = self.path('sbom.json')
        with open(sbom, 'w') as f:
            f.write('{}')
        self.run_wpkg('attach', *self.reg.flags, '--artifact-type', 'application/spdx+json', ref + ':1.0.0', sbom)
        status, _, body = oci_raw.get_manifest(self.reg, 'acme/fallback', '1.0.0')
        hexd = oci_raw.digest(body).split(':')[1]
        tags = self.run_wpkg('tags', *self.reg.flags, ref).stdout.split()
        self.assertIn('sha256-' + hexd, tags)
        r = self.run_wpkg('pull', *self.reg.flags, '-o', self.path('x.wasm'), '%s:sha256-%s' % (ref, hexd), expect=3)
        self.assertEqual(r.stderr, "wpkg: error: pull %s:sha256-%s: tag 'sha256-%s' is the referrers fallback (or a "
                         "cosign signature, attestation or SBOM) of the manifest sha256:%s, not an artifact to "
                         "pull: pull that digest, or list its referrers with wpkg discover\n" % (ref, hexd, hexd, hexd))
        self.assertFalse(os.path.exists(self.path('x.wasm')))

    def test_unresolvable_name_notes_docker_hub(self):
        cfg = self.path('empty.toml')
        open(cfg, 'w').close()
        r = self.run_wpkg('pull', '--wkg-config', cfg, 'ubuntu:latest', expect=4)
        self.assertEqual(r.stderr.splitlines()[1], "wpkg: note: 'ubuntu:latest' is read as a Wasm package name "
                         "(NAMESPACE:NAME); write a Docker Hub image in full: docker.io/library/ubuntu:latest")
        # with a version it cannot be an image: no note
        r = self.run_wpkg('pull', '--wkg-config', cfg, 'acme:nope@1.0.0', expect=4)
        self.assertNotIn('note', r.stderr)


if __name__ == '__main__':
    harness.main()
