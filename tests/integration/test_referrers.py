# SPDX-License-Identifier: Apache-2.0
"""test_referrers.py - wpkg attach / discover: Debian's registry (tag-schema fallback) and a fake one with the API.

Debian's docker-registry has no referrers API, so attach keeps the sha256-HEX
tag's index up to date, also under two attaches racing; fakereg.py plays a
registry that has the API (OCI-Subject on PUT, GET /v2/R/referrers/D).
"""

import json
import subprocess

import harness
from fakereg import FakeRegistry
from oci_raw import MT_INDEX, MT_MANIFEST, compact, digest
from regcase import CREATED, EPOCH, RegistryCase

COMPONENT = 'components/hello-c.component.wasm'
SBOM_TYPE = 'application/spdx+json'
WIT_TYPE = 'application/vnd.wasm.wit.v1+text'
ACCEPT = {'Accept': MT_MANIFEST + ', ' + MT_INDEX}
EMPTY = {'mediaType': 'application/vnd.oci.empty.v1+json',
         'digest': 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', 'size': 2}
SBOM = b'{"spdxVersion":"SPDX-2.3","name":"hello-c"}\n'
WIT = b'package wpkg:hello;\n\nworld hello {\n  export run: func();\n}\n'


def expected_manifest(artifact_type, subject, layers, annotations=None):
    """The exact bytes wpkg attach must send: keys in spec order, compact."""
    return compact({'schemaVersion': 2, 'mediaType': MT_MANIFEST, 'artifactType': artifact_type, 'config': EMPTY,
                    'layers': layers, 'subject': subject,
                    'annotations': dict({'org.opencontainers.image.created': CREATED}, **(annotations or {}))})


def layer(media_type, data, title):
    return {'mediaType': media_type, 'digest': digest(data), 'size': len(data),
            'annotations': {'org.opencontainers.image.title': title}}


class Files:
    """Writes the SBOM and the WIT document into the test's directory."""

    def write(self, name, data):
        p = self.path(name)
        with open(p, 'wb') as f:
            f.write(data)
        return p


class FallbackTests(RegistryCase, Files, harness.TestCase):
    """Debian's registry: no referrers API, so the sha256-HEX tag lists the referrers."""

    VARIANT = 'plain'
    REPO_PREFIX = 'referrers'

    def flags(self):
        return list(self.reg.flags)

    def push(self, repo):
        r = self.run_wpkg('push', '--json', *self.flags(), self.ref(repo, 'v1'), harness.fixture(COMPONENT))
        d = json.loads(r.stdout)['digest']
        status, headers, body = self.reg.raw_get('/v2/%s/manifests/%s' % (repo, d), ACCEPT)
        self.assertEqual(status, 200)
        return {'mediaType': MT_MANIFEST, 'digest': d, 'size': len(body)}

    def attach(self, ref, artifact_type, *files, extra=(), **kw):
        r = self.run_wpkg('attach', '--json', *self.flags(), '--artifact-type', artifact_type, *extra, ref, *files,
                          **kw)
        return json.loads(r.stdout)

    def discover(self, ref, *extra):
        r = self.run_wpkg('discover', '--json', *self.flags(), *extra, ref)
        return json.loads(r.stdout)

    def raw_manifest(self, repo, reference):
        status, headers, body = self.reg.raw_get('/v2/%s/manifests/%s' % (repo, reference), ACCEPT)
        self.assertEqual(status, 200, body)
        return body

    def test_attach_two_types_and_discover(self):
        repo = self.repo()
        subject = self.push(repo)
        sbom, wit = self.write('sbom.spdx.json', SBOM), self.write('hello.wit', WIT)
        a = self.attach(self.ref(repo, 'v1'), SBOM_TYPE, sbom)
        b = self.attach(self.ref(repo, 'v1'), WIT_TYPE, wit, extra=('-a', 'org.example.kind=wit'))

        # exact manifests: empty config, one titled layer each, the subject as fetched, created from the epoch
        want_a = expected_manifest(SBOM_TYPE, subject, [layer('application/spdx+json', SBOM, 'sbom.spdx.json')])
        want_b = expected_manifest(WIT_TYPE, subject, [layer('text/plain', WIT, 'hello.wit')],
                                   {'org.example.kind': 'wit'})
        self.assertEqual(self.raw_manifest(repo, a['digest']), want_a)
        self.assertEqual(self.raw_manifest(repo, b['digest']), want_b)
        self.assertEqual((a['digest'], a['size']), (digest(want_a), len(want_a)))
        self.assertEqual((b['digest'], b['size']), (digest(want_b), len(want_b)))
        self.assertEqual(a['subject'], subject)
        tag = 'sha256-' + subject['digest'].split(':')[1]
        self.assertEqual(a['referrers'], tag)
        self.assertEqual(b['layers'], [{'digest': digest(WIT), 'size': len(WIT), 'mediaType': 'text/plain',
                                        'title': 'hello.wit'}])

        desc_a = {'mediaType': MT_MANIFEST, 'artifactType': SBOM_TYPE, 'digest': digest(want_a), 'size': len(want_a),
                  'annotations': {'org.opencontainers.image.created': CREATED}}
        desc_b = {'mediaType': MT_MANIFEST, 'artifactType': WIT_TYPE, 'digest': digest(want_b), 'size': len(want_b),
                  'annotations': {'org.opencontainers.image.created': CREATED, 'org.example.kind': 'wit'}}
        self.assertEqual(self.discover(self.ref(repo, 'v1')),
                         [dict(desc_a, kind='sbom-spdx'), dict(desc_b, kind='other')])
        # by digest as well as by tag, and filtered client-side (no API to filter for us)
        self.assertEqual(self.discover('%s/%s@%s' % (self.reg.host, repo, subject['digest'])),
                         [dict(desc_a, kind='sbom-spdx'), dict(desc_b, kind='other')])
        self.assertEqual(self.discover(self.ref(repo, 'v1'), '--artifact-type', WIT_TYPE), [dict(desc_b, kind='other')])
        self.assertEqual(self.discover(self.ref(repo, 'v1'), '--artifact-type', 'application/x-none'), [])

        # the fallback index: a valid OCI index under the tag, listing exactly those two
        index = self.raw_manifest(repo, tag)
        harness.validate_schema(index, 'index')
        self.assertEqual(json.loads(index), {'schemaVersion': 2, 'mediaType': MT_INDEX,
                                             'manifests': [desc_a, desc_b]})

        # the tree: the subject, then one branch per referrer, DIGEST KIND ARTIFACT-TYPE SIZE CREATED
        r = self.run_wpkg('discover', *self.flags(), self.ref(repo, 'v1'))
        self.assertEqual(r.stdout, ('%s\n\u251c\u2500\u2500 %s  sbom-spdx  %s  %d  %s\n'
                                    '\u2514\u2500\u2500 %s  other  %s  %d  %s\n')
                         % (subject['digest'], desc_a['digest'], SBOM_TYPE, desc_a['size'], CREATED,
                            desc_b['digest'], WIT_TYPE, desc_b['size'], CREATED))
        r = self.run_wpkg('attach', *self.flags(), '--artifact-type', SBOM_TYPE, self.ref(repo, 'v1'), sbom)
        self.assertEqual(r.stdout, desc_a['digest'] + '\n')

    def test_attach_again_keeps_one_entry(self):
        repo = self.repo()
        self.push(repo)
        sbom = self.write('sbom.spdx.json', SBOM)
        first = self.attach(self.ref(repo, 'v1'), SBOM_TYPE, sbom)
        again = self.attach(self.ref(repo, 'v1'), SBOM_TYPE, sbom)
        self.assertEqual(first['digest'], again['digest'])
        self.assertEqual([d['digest'] for d in self.discover(self.ref(repo, 'v1'))], [first['digest']])

    def test_delete_drops_fallback_entry(self):
        repo = self.repo()
        subject = self.push(repo)
        a = self.attach(self.ref(repo, 'v1'), SBOM_TYPE, self.write('sbom.spdx.json', SBOM))
        b = self.attach(self.ref(repo, 'v1'), WIT_TYPE, self.write('hello.wit', WIT))
        tag = 'sha256-' + subject['digest'].split(':')[1]
        before = json.loads(self.raw_manifest(repo, tag))
        self.assertEqual([d['digest'] for d in before['manifests']], [a['digest'], b['digest']])

        # the spec's "Deleting Manifests": the tag index is pushed again without the deleted one
        r = self.run_wpkg('delete', *self.flags(), '%s/%s@%s' % (self.reg.host, repo, a['digest']))
        self.assertNotIn('could not update the referrers', r.stderr)
        self.assertEqual(self.reg.raw_get('/v2/%s/manifests/%s' % (repo, a['digest']), ACCEPT)[0], 404)
        index = self.raw_manifest(repo, tag)
        harness.validate_schema(index, 'index')
        self.assertEqual(json.loads(index), dict(before, manifests=before['manifests'][1:]))
        self.assertEqual([d['digest'] for d in json.loads(index)['manifests']], [b['digest']])
        self.assertEqual([d['digest'] for d in self.discover(self.ref(repo, 'v1'))], [b['digest']])

        # the last one gone: the tag keeps an empty index rather than being deleted
        self.run_wpkg('delete', *self.flags(), '%s/%s@%s' % (self.reg.host, repo, b['digest']))
        self.assertEqual(json.loads(self.raw_manifest(repo, tag)),
                         {'schemaVersion': 2, 'mediaType': MT_INDEX, 'manifests': []})
        self.assertEqual(self.discover(self.ref(repo, 'v1')), [])
        # the subject itself has no subject: deleting it leaves the tag alone
        self.run_wpkg('delete', *self.flags(), self.ref(repo, 'v1'))
        self.assertEqual(json.loads(self.raw_manifest(repo, tag))['manifests'], [])

    def test_skopeo_sees_subject(self):
        repo = self.repo()
        subject = self.push(repo)
        a = self.attach(self.ref(repo, 'v1'), WIT_TYPE, self.write('hello.wit', WIT))
        r = self.run_cmd(['skopeo', 'inspect', '--raw', *self.reg.skopeo_flags(dest=None),
                          'docker://%s/%s@%s' % (self.reg.host, repo, a['digest'])])
        doc = json.loads(r.stdout)
        self.assertEqual(doc['subject'], subject)
        self.assertEqual(doc['artifactType'], WIT_TYPE)
        self.assertEqual(digest(r.stdout.encode()), a['digest'])

    def test_racing_attaches_lose_nothing(self):
        repo = self.repo()
        self.push(repo)
        env = self.child_env(EPOCH)
        want = []
        for round_no in range(4):
            procs = []
            for side in ('a', 'b'):
                f = self.write('%s%d.json' % (side, round_no), compact({'side': side, 'round': round_no}))
                argv = [harness.WPKG, 'attach', *self.flags(), '--artifact-type', 'application/json',
                        self.ref(repo, 'v1'), f]
                procs.append(subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                              text=True))
            for p in procs:
                out, err = p.communicate(timeout=120)
                self.assertEqual(p.returncode, 0, err)
                want.append(out.strip())
            got = [d['digest'] for d in self.discover(self.ref(repo, 'v1'))]
            self.assertEqual(sorted(got), sorted(want), 'round %d lost an entry' % round_no)

    def test_errors(self):
        repo = self.repo()
        subject = self.push(repo)
        sbom = self.write('sbom.spdx.json', SBOM)
        r = self.run_wpkg('attach', *self.flags(), self.ref(repo, 'v1'), sbom, expect=2)
        self.assertIn('wpkg: error: attach: --artifact-type is required\n', r.stderr)
        r = self.run_wpkg('attach', *self.flags(), '--artifact-type', 'spdx', self.ref(repo, 'v1'), sbom, expect=2)
        self.assertIn("--artifact-type 'spdx' is not a media type", r.stderr)
        r = self.run_wpkg('attach', *self.flags(), '--artifact-type', SBOM_TYPE, self.ref(repo, 'nope'), sbom,
                          expect=4)
        self.assertTrue(r.stderr.startswith('wpkg: error: attach %s: subject: GET ' % self.ref(repo, 'nope')),
                        r.stderr)
        r = self.run_wpkg('attach', *self.flags(), '--artifact-type', SBOM_TYPE, self.ref(repo, 'v1'),
                          self.path('missing.json'), expect=4)
        self.assertIn('missing.json', r.stderr)
        r = self.run_wpkg('discover', *self.flags(), self.ref(repo, 'nope'), expect=4)
        self.assertTrue(r.stderr.startswith('wpkg: error: discover %s: ' % self.ref(repo, 'nope')), r.stderr)

        # a fallback tag that holds something else than an index is neither overwritten nor trusted
        tag = 'sha256-' + subject['digest'].split(':')[1]
        self.run_wpkg('push', *self.flags(), self.ref(repo, tag), harness.fixture(COMPONENT))
        before = self.raw_manifest(repo, tag)
        r = self.run_wpkg('attach', *self.flags(), '--artifact-type', SBOM_TYPE, self.ref(repo, 'v1'), sbom, expect=3)
        self.assertIn('referrers tag %s: tag %s holds a %s, not an image index' % (tag, tag, MT_MANIFEST), r.stderr)
        self.assertEqual(self.raw_manifest(repo, tag), before)
        r = self.run_wpkg('discover', *self.flags(), self.ref(repo, 'v1'))
        self.assertRegex(r.stdout, r'^sha256:[0-9a-f]{64}\n$')   # the subject, and no referrer
        self.assertIn('wpkg: warning: ', r.stderr)


class BasicAuthFallbackTests(FallbackTests):
    """The same against htpasswd authentication."""

    VARIANT = 'basic'

    def flags(self):
        # -p warns on stderr; these tests read stderr only in test_errors, which is not repeated here
        return list(self.reg.flags) + ['-u', self.reg.username, '-p', self.reg.password]

    # one auth variant need not repeat the race, skopeo and the error cases
    test_racing_attaches_lose_nothing = None
    test_skopeo_sees_subject = None
    test_errors = None


class ApiTests(Files, harness.TestCase):
    """A registry with the referrers API: no fallback tag is ever touched."""

    def registry(self, **kw):
        reg = FakeRegistry(referrers_api=True, **kw).start()
        self.addCleanup(reg.stop)
        return reg

    def setup_subject(self, reg):
        with open(harness.fixture(COMPONENT), 'rb') as f:
            d, _ = reg.push_artifact('app/x', 'v1', f.read())
        return d

    def wpkg_json(self, *args):
        return json.loads(self.wpkg(*args, env=EPOCH).stdout)

    def check(self, reg):
        subject = self.setup_subject(reg)
        ref = '%s/app/x:v1' % reg.host
        tag = 'sha256-' + subject.split(':')[1]
        a = self.wpkg_json('attach', '--json', '--plain-http', '--artifact-type', SBOM_TYPE, ref,
                           self.write('sbom.spdx.json', SBOM))
        b = self.wpkg_json('attach', '--json', '--plain-http', '--artifact-type', WIT_TYPE, ref,
                           self.write('hello.wit', WIT))
        self.assertEqual((a['referrers'], b['referrers']), ('api', 'api'))
        self.assertEqual(reg.seen(pattern='/manifests/' + tag), [])
        self.assertNotIn(tag, reg.tags.get('app/x', []))
        got = self.wpkg_json('discover', '--json', '--plain-http', ref)
        self.assertEqual(sorted(d['digest'] for d in got), sorted([a['digest'], b['digest']]))
        got = self.wpkg_json('discover', '--json', '--plain-http', '--artifact-type', WIT_TYPE, ref)
        self.assertEqual(got, [{'mediaType': MT_MANIFEST, 'artifactType': WIT_TYPE, 'digest': b['digest'],
                                'size': b['size'], 'annotations': {'org.opencontainers.image.created': CREATED},
                                'kind': 'other'}])
        asked = reg.seen('GET', r'/v2/app/x/referrers/%s\?artifactType=' % subject)
        self.assertEqual(len(asked), 1)
        self.assertIn('application%2Fvnd.wasm.wit.v1%2Btext', asked[0].path)
        # (the legacy signature tag, sha256-HEX.sig, is looked up; the fallback tag is not)
        self.assertEqual(reg.seen(pattern='/manifests/' + tag + '$'), [])

    def test_api_used_and_filter_applied_by_server(self):
        self.check(self.registry())

    def test_api_filter_applied_by_client(self):
        # the server ignores ?artifactType= (no OCI-Filters-Applied): wpkg filters itself
        self.check(self.registry(referrers_filter=False))

    def test_api_pages_followed(self):
        # five referrers of two types, two per page: wpkg follows the Link chain and filters right whether
        # the server honours ?artifactType= (fewer pages), or not, or on the first page only (OCI-Filters-Applied
        # must hold on every page for wpkg to skip filtering the joined pages itself)
        for server_filters in (True, False, 'first'):
            with self.subTest(server_filters=server_filters):
                reg = self.registry(referrers_filter=server_filters, referrers_page_size=2)
                subject = self.setup_subject(reg)
                ref = '%s/app/x:v1' % reg.host
                attached = {}
                for i, at in enumerate((SBOM_TYPE, WIT_TYPE, SBOM_TYPE, WIT_TYPE, SBOM_TYPE)):
                    d = self.wpkg_json('attach', '--json', '--plain-http', '--artifact-type', at, ref,
                                       self.write('part%d' % i, b'part %d\n' % i))
                    self.assertEqual(d['referrers'], 'api')
                    attached[d['digest']] = at
                self.assertEqual(len(attached), 5)
                order = sorted(attached)   # the fake server lists in digest order

                pages = 'GET', r'/v2/app/x/referrers/%s(\?|$)' % subject
                got = self.wpkg_json('discover', '--json', '--plain-http', ref)
                self.assertEqual([(d['digest'], d['artifactType']) for d in got],
                                 [(d, attached[d]) for d in order])
                self.assertEqual([r.path for r in reg.seen(*pages)],
                                 ['/v2/app/x/referrers/%s' % subject] +
                                 ['/v2/app/x/referrers/%s?n=2&last=%s' % (subject, order[i].replace(':', '%3A'))
                                  for i in (1, 3)])

                for at in (SBOM_TYPE, WIT_TYPE):
                    want = [d for d in order if attached[d] == at]
                    if server_filters == 'first':
                        # page 1 holds want[:2], then every type after want[1]: for SBOM_TYPE (3 of 5) that
                        # tail must hold another type, or this case would not test anything
                        rest = [d for d in order if d > want[1]] if len(want) > 2 else []
                        if at == SBOM_TYPE:
                            self.assertTrue(any(attached[d] != at for d in rest), rest)
                        n_pages = 1 + (len(rest) + 1) // 2
                    else:
                        n_pages = (len(want if server_filters else order) + 1) // 2
                    del reg.requests[:]
                    got = self.wpkg_json('discover', '--json', '--plain-http', '--artifact-type', at, ref)
                    self.assertEqual([d['digest'] for d in got], want)
                    asked = reg.seen(*pages)
                    self.assertEqual(len(asked), n_pages, asked)
                    self.assertTrue(all('artifactType=' in r.path for r in asked), asked)

    def test_no_api_falls_back_to_tag(self):
        reg = FakeRegistry().start()
        self.addCleanup(reg.stop)
        subject = self.setup_subject(reg)
        tag = 'sha256-' + subject.split(':')[1]
        a = self.wpkg_json('attach', '--json', '--plain-http', '--artifact-type', SBOM_TYPE,
                           '%s/app/x:v1' % reg.host, self.write('sbom.spdx.json', SBOM))
        self.assertEqual(a['referrers'], tag)
        self.assertEqual(len(reg.seen('PUT', '/manifests/' + tag)), 1)
        got = self.wpkg_json('discover', '--json', '--plain-http', '%s/app/x:v1' % reg.host)
        self.assertEqual([d['digest'] for d in got], [a['digest']])
        self.assertEqual(len(reg.seen('GET', '/referrers/' + subject)), 1)


if __name__ == '__main__':
    harness.main()
