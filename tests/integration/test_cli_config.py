#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_cli_config.py - wpkg's config.toml against the real registries: plain_http, ca_file, the client certificate,
a location rewrite, chunk_size, concurrency, mirrors, flag > file > built-in defaults, and the file as tomllib
reads it (wpkg config --json)."""

import json
import os
import re
import socket
import tomllib

import harness
from fakereg import FakeRegistry
from faultproxy import FaultProxy
from oci_raw import leb128
from regcase import RegistryCase, read
from registry import Registry, make_tls

HELLO = 'components/hello-c.component.wasm'   # 57,740 bytes


def component(size, seed=b'config'):
    payload = b'\x05bench' + (seed * (size // len(seed) + 1))[:size]
    return b'\x00asm\x0d\x00\x01\x00' + b'\x00' + leb128(len(payload)) + payload


class ConfigCase(harness.TestCase):
    def write_config(self, text, name='config.toml'):
        path = self.path(name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def default_config(self, text):
        """Writes $XDG_CONFIG_HOME/wpkg/config.toml (the child's XDG_CONFIG_HOME is ~/.config)."""
        d = os.path.join(self.home, '.config', 'wpkg')
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, 'config.toml')
        with open(path, 'w') as f:
            f.write(text)
        return path

    def effective(self, path, *hosts, flags=()):
        r = self.wpkg('config', '--json', '--config', path, *flags, *hosts)
        doc = json.loads(r.stdout)
        harness.validate_schema(doc, 'cli/config')
        return {h['name']: h for h in doc['registries']}


class FileTests(ConfigCase):
    """The file itself: where it is looked for, what it refuses, and tomllib's reading of it."""

    FULL = '''# every key
[registry."r.example:5000"]
plain_http = true
insecure = true
ca_file = "certs/ca.pem"
cert_file = "/abs/client.pem"
key_file = "/abs/client.key"
chunk_size = "4MiB"
concurrency = 8
location = "127.0.0.1:5000/team"
mirrors = ["m1.example:5000", "m2.example/cache/hub"]

[registry.'Other.Example']
chunk_size = 65536
'''

    def test_tomllib_and_wpkg_read_the_same_settings(self):
        os.makedirs(self.path('certs'))
        for p in (self.path('certs', 'ca.pem'),):
            open(p, 'w').close()
        path = self.write_config(self.FULL.replace('/abs/', self.tmp + '/'))
        for n in ('client.pem', 'client.key'):
            open(self.path(n), 'w').close()
        with open(path, 'rb') as f:
            want = tomllib.load(f)['registry']
        got = self.effective(path, 'r.example:5000', 'other.example')
        r = want['r.example:5000']
        e = got['r.example:5000']
        self.assertEqual(e['plainHttp'], r['plain_http'])
        self.assertEqual(e['insecure'], r['insecure'])
        self.assertEqual(e['caFile'], os.path.join(self.tmp, r['ca_file']), 'relative to the config file')
        self.assertEqual(e['certFile'], r['cert_file'])
        self.assertEqual(e['keyFile'], r['key_file'])
        self.assertEqual(e['chunkSize'], 4 << 20)
        self.assertEqual(e['concurrency'], r['concurrency'])
        self.assertEqual(e['location'], r['location'])
        self.assertEqual(e['effectiveLocation'], r['location'])
        self.assertEqual(e['mirrors'], r['mirrors'])
        self.assertEqual(e['line'], 2)
        o = got['other.example']
        self.assertEqual(o['chunkSize'], want['Other.Example']['chunk_size'], 'names match case-insensitively')
        self.assertEqual((o['concurrency'], o['location'], o['mirrors'], o['plainHttp']), (None, None, [], False))
        self.assertEqual(o['effectiveLocation'], 'other.example')

    def test_text_output(self):
        path = self.write_config('[registry."a.example"]\nchunk_size = "512K"\nconcurrency = 2\n'
                                 'mirrors = ["b.example"]\n')
        r = self.wpkg('config', '--config', path, 'a.example', 'c.example', env={'SSL_CERT_FILE': None})
        self.assertEqual(r.stdout, '# %s\n'
                         'a.example\n  location     a.example\n  mirrors      b.example\n  plain-http   no\n'
                         '  insecure     no\n  ca-file      -\n  cert-file    -\n  key-file     -\n'
                         '  chunk-size   524288\n  concurrency  2\n'
                         'c.example (not in the config file)\n  location     c.example\n  mirrors      -\n'
                         '  plain-http   no\n  insecure     no\n  ca-file      -\n  cert-file    -\n  key-file     -\n'
                         '  chunk-size   monolithic\n  concurrency  default\n' % path)

    def test_where_the_file_is_looked_for(self):
        default = self.default_config('[registry."d.example"]\nconcurrency = 3\n')
        doc = json.loads(self.wpkg('config', '--json', 'd.example').stdout)
        self.assertEqual(doc['file'], default)
        self.assertEqual(doc['registries'][0]['concurrency'], 3)
        # ~/.config when XDG_CONFIG_HOME is unset (the default file is that one here too)
        doc = json.loads(self.wpkg('config', '--json', env={'XDG_CONFIG_HOME': None}).stdout)
        self.assertEqual(doc['file'], default)
        other = self.write_config('[registry."d.example"]\nconcurrency = 5\n', 'env.toml')
        doc = json.loads(self.wpkg('config', '--json', 'd.example', env={'WPKG_CONFIG': other}).stdout)
        self.assertEqual((doc['file'], doc['registries'][0]['concurrency']), (other, 5), 'WPKG_CONFIG replaces it')
        flag = self.write_config('[registry."d.example"]\nconcurrency = 7\n', 'flag.toml')
        doc = json.loads(self.wpkg('config', '--json', '--config', flag, 'd.example',
                                   env={'WPKG_CONFIG': other}).stdout)
        self.assertEqual((doc['file'], doc['registries'][0]['concurrency']), (flag, 7), '--config wins')

    def test_a_missing_default_file_is_fine_a_missing_explicit_one_is_not(self):
        doc = json.loads(self.wpkg('config', '--json', 'x.example').stdout)
        self.assertIsNone(doc['file'])
        missing = self.path('nope.toml')
        r = self.wpkg('config', '--config', missing, expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: config: config file %s: No such file or directory; give a readable '
                         'TOML file to --config\n' % missing)
        r = self.wpkg('tags', '127.0.0.1:1/a/b', env={'WPKG_CONFIG': missing}, expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: tags 127.0.0.1:1/a/b: config file %s: No such file or directory; '
                         'give a readable TOML file in WPKG_CONFIG\n' % missing)

    def test_bad_files_name_file_line_and_key(self):
        cases = [
            ('[registry."a.example"]\nplain_http = true\nproxy = "x"\n',
             'line 3: [registry."a.example"]: unknown key proxy (expected plain_http, insecure, ca_file, cert_file, '
             'key_file, chunk_size, concurrency, location, mirrors)'),
            ('[registries."a.example"]\n', 'line 1: unknown key registries (expected [registry."HOST"] tables)'),
            ('[registry."a.example"]\nplain_http = "yes"\n',
             'line 2: [registry."a.example"]: plain_http must be a boolean, not a string'),
            ('[registry."a.example"]\nconcurrency = 0\n',
             'line 2: [registry."a.example"]: concurrency must be from 1 to 64, not 0'),
            ('[registry."a.example"]\nchunk_size = "4 MB"\n',
             'line 2: [registry."a.example"]: chunk_size must be a size such as "4MiB", "512K" or 65536'),
            ('[registry."a.example"]\nlocation = "https://b.example"\n',
             'line 2: [registry."a.example"]: location "https://b.example" is not HOST[:PORT][/PREFIX]'),
            ('[registry."a.example"]\nmirrors = ["ok.example", "Bad/Prefix"]\n',
             'line 2: [registry."a.example"]: mirrors "Bad/Prefix" is not HOST[:PORT][/PREFIX]'),
            ('[registry."a.example/x"]\n', 'line 1: [registry."a.example/x"]: "a.example/x" is not HOST or HOST:PORT'),
            ('[registry."a.example"]\nkey_file = "k.pem"\n',
             'line 1: [registry."a.example"]: key_file without cert_file; give both'),
            ('[registry."a.example"]\n[registry."A.example"]\n',
             'line 2: [registry."A.example"] given twice (names are case-insensitive)'),
        ]
        for text, msg in cases:
            with self.subTest(msg=msg):
                path = self.write_config(text)
                r = self.wpkg('config', '--config', path, expect=3)
                self.assertEqual(r.stderr, 'wpkg: error: config: %s: %s\n' % (path, msg))
        # the TOML reader's own refusals keep their line and column
        path = self.write_config('[registry."a.example"]\nplain_http = true\nplain_http = false\n')
        r = self.wpkg('config', '--config', path, expect=3)
        self.assertRegex(r.stderr, r'^wpkg: error: config: %s: line 3, column \d+: .*duplicate' % re.escape(path))

    def test_a_missing_ca_file_names_the_config_line(self):
        path = self.write_config('\n[registry."127.0.0.1:1"]\nca_file = "gone.pem"\n')
        r = self.wpkg('tags', '127.0.0.1:1/a/b', '--config', path, expect=3)
        self.assertEqual(r.stderr, 'wpkg: error: tags 127.0.0.1:1/a/b: %s: line 2: [registry."127.0.0.1:1"]: '
                         'ca_file %s: No such file or directory; give a readable PEM file\n'
                         % (path, self.path('gone.pem')))

    def test_wkg_config_is_never_read_or_written(self):
        wkg = os.path.join(self.home, '.config', 'wasm-pkg')
        os.makedirs(wkg)
        with open(os.path.join(wkg, 'config.toml'), 'w') as f:
            f.write('this is not TOML for wpkg [\n')
        doc = json.loads(self.wpkg('config', '--json').stdout)
        self.assertIsNone(doc['file'])
        self.assertEqual(os.listdir(wkg), ['config.toml'])


class PlainTests(RegistryCase, ConfigCase):
    VARIANT = 'plain'

    def push(self, ref, path, *extra, expect=0, config=None):
        args = ('--config', config) if config else ()
        return self.run_wpkg('push', '--json', *args, *extra, ref, path, expect=expect)

    def test_plain_http_for_a_name_that_is_not_loopback(self):
        name = socket.gethostname()
        try:
            addr = socket.gethostbyname(name)
        except OSError:
            addr = None
        if addr is None or not addr.startswith('127.') or name == 'localhost':
            self.skipTest('the host name %r does not resolve to loopback here' % name)
        host = '%s:%d' % (name, self.reg.port)
        ref = '%s/%s:v1' % (host, self.repo())
        r = self.push(ref, harness.fixture(HELLO), expect=None)
        self.assertNotEqual(r.returncode, 0, 'not loopback by name: TLS is tried and fails')
        self.assertIn('--plain-http', r.stderr)
        path = self.write_config('[registry."%s"]\nplain_http = true\n' % host)
        self.push(ref, harness.fixture(HELLO), config=path)
        self.assertEqual(self.reg.raw_get('/v2/%s/tags/list' % self.repo())[0], 200)

    def test_plain_http_skips_the_tls_attempt_on_loopback(self):
        ref = self.ref(self.repo(), 'v1')
        r = self.run_wpkg('tags', '--debug', self.ref(self.repo()), expect=None)
        self.assertIn('loopback without TLS, using plain HTTP', r.stderr)
        path = self.write_config('[registry."%s"]\nplain_http = true\n' % self.reg.host)
        self.push(ref, harness.fixture(HELLO), config=path)
        r = self.run_wpkg('tags', '--debug', '--config', path, self.ref(self.repo()))
        self.assertNotIn('loopback without TLS', r.stderr)
        self.assertNotIn('https://', r.stderr)
        self.assertEqual(r.stdout, 'v1\n')

    def test_location_rewrites_host_and_prefix(self):
        path = self.write_config('[registry."registry.example"]\nlocation = "%s/moved/here"\n' % self.reg.host)
        repo = self.repo()
        out = json.loads(self.push('registry.example/%s:v1' % repo, harness.fixture(HELLO), config=path).stdout)
        status, _, body = self.reg.raw_get('/v2/moved/here/%s/tags/list' % repo)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)['tags'], ['v1'])
        pulled = self.run_wpkg('pull', '--json', '--config', path, 'registry.example/%s:v1' % repo,
                               '-o', self.path('h.wasm'))
        self.assertEqual(json.loads(pulled.stdout)['digest'], out['digest'])
        self.assertEqual(read(self.path('h.wasm')), read(harness.fixture(HELLO)))

    def patches(self, repo):
        with open(self.reg.log_path, errors='replace') as f:
            return len(re.findall(r'"PATCH /v2/%s/blobs/uploads/' % re.escape(repo), f.read()))

    def test_chunk_size_from_the_file_and_the_flag_over_it(self):
        src = harness.fixture(HELLO)
        path = self.write_config('[registry."%s"]\nchunk_size = "4K"\n' % self.reg.host)
        a = self.repo('a')
        self.push(self.ref(a, 'v1'), src, config=path)
        self.assertGreaterEqual(self.patches(a), os.path.getsize(src) // 4096)
        self.assertLessEqual(self.patches(a), os.path.getsize(src) // 4096 + 2)
        b = self.repo('b')
        self.push(self.ref(b, 'v1'), src, '--chunk-size', '16K', config=path)
        self.assertGreaterEqual(self.patches(b), os.path.getsize(src) // 16384)
        self.assertLessEqual(self.patches(b), os.path.getsize(src) // 16384 + 2, 'the flag wins over the file')
        c = self.repo('c')
        self.push(self.ref(c, 'v1'), src)
        self.assertEqual(self.patches(c), 0, 'no file: monolithic, the built-in default')

    def test_the_file_wins_over_the_built_in_host_table(self):
        # ECR (*.amazonaws.com) takes parts of 5 MiB at least, so the built-in table raises a 4K --chunk-size to
        # 5 MiB; a size from the file is used as given.  The name reaches the local registry through a proxy.
        ecr = 'x.dkr.ecr.us-east-1.amazonaws.com'
        src = harness.fixture(HELLO)
        path = self.write_config('[registry."%s"]\nplain_http = true\nchunk_size = "4K"\n' % ecr)
        counts = []
        with FaultProxy(self.reg.host) as fp:
            env = {'http_proxy': 'http://' + fp.host}
            for repo, extra in (('one', ('--plain-http', '--chunk-size', '4K')), ('two', ('--config', path))):
                self.run_wpkg('push', *extra, '%s/%s/%s:v1' % (ecr, self.repo(), repo), src, env=env)
                counts.append(sum(1 for q in fp.requests if q[0] == 'PATCH' and '/%s/blobs/' % repo in q[1]))
        self.assertEqual(counts[0], 2, 'the flag: one 5 MiB part for the layer, one for the config')
        self.assertGreaterEqual(counts[1], os.path.getsize(src) // 4096, 'the file: 4 KiB parts')

    def test_writes_never_go_to_a_mirror(self):
        mirror = FakeRegistry().start()
        self.addCleanup(mirror.stop)
        path = self.write_config('[registry."%s"]\nmirrors = ["%s"]\n' % (self.reg.host, mirror.host))
        self.push(self.ref(self.repo(), 'v1'), harness.fixture(HELLO), config=path)
        self.assertEqual(mirror.requests, [])
        self.assertEqual(self.reg.raw_get('/v2/%s/tags/list' % self.repo())[0], 200)

    def test_a_copy_destination_never_goes_to_a_mirror(self):
        repo = self.repo()
        self.push(self.ref(repo, 'v1'), harness.fixture(HELLO))
        mirror = FakeRegistry().start()
        self.addCleanup(mirror.stop)
        path = self.write_config('[registry."dst.example"]\nlocation = "%s"\nmirrors = ["%s"]\n'
                                 % (self.reg.host, mirror.host))
        self.run_wpkg('copy', '--config', path, self.ref(repo, 'v1'), 'dst.example/%s/copied:v1' % repo)
        self.assertEqual(mirror.requests, [])
        self.assertEqual(self.reg.raw_get('/v2/%s/copied/tags/list' % repo)[0], 200)

    def test_a_mirror_serves_a_pull_when_the_registry_is_down(self):
        repo = self.repo()
        out = json.loads(self.push(self.ref(repo, 'v1'), harness.fixture(HELLO)).stdout)
        down = '127.0.0.1:%d' % harness.free_port()
        # the mirror keeps the repository under a prefix, as a pull-through cache of several registries does
        mirror_repo = 'cache/' + repo
        self.run_wpkg('copy', self.ref(repo, 'v1'), '%s/%s:v1' % (self.reg.host, mirror_repo))
        path = self.write_config('[registry."%s"]\nmirrors = ["127.0.0.1:1", "%s/cache"]\n' % (down, self.reg.host))
        r = self.run_wpkg('pull', '--json', '--config', path, '%s/%s:v1' % (down, repo), '-o', self.path('m.wasm'))
        self.assertEqual(json.loads(r.stdout)['digest'], out['digest'])
        self.assertEqual(read(self.path('m.wasm')), read(harness.fixture(HELLO)))
        self.assertIn('wpkg: note: reading %s/%s from its mirror %s/%s\n' % (down, repo, self.reg.host, mirror_repo),
                      r.stderr)
        # without the mirror the registry's own failure is the answer
        r = self.run_wpkg('pull', '--retries', '0', '%s/%s:v1' % (down, repo), '-o', self.path('n.wasm'), expect=None)
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(self.path('n.wasm')))

    def test_a_mirror_without_the_tag_falls_back_to_the_registry(self):
        repo = self.repo()
        out = json.loads(self.push(self.ref(repo, 'v1'), harness.fixture(HELLO)).stdout)
        mirror = FakeRegistry().start()
        self.addCleanup(mirror.stop)
        path = self.write_config('[registry."%s"]\nmirrors = ["%s"]\n' % (self.reg.host, mirror.host))
        r = self.run_wpkg('resolve', '--config', path, self.ref(repo, 'v1'))
        self.assertEqual(r.stdout, out['digest'] + '\n')
        self.assertNotIn('mirror', r.stderr)
        self.assertEqual([q.path for q in mirror.requests], ['/v2/%s/manifests/v1' % repo], 'one look at the mirror')


class ConcurrencyTests(ConfigCase):
    def test_concurrency_from_the_file_and_the_flag_over_it(self):
        files = []
        for i in range(6):
            p = self.path('c%d.wasm' % i)
            with open(p, 'wb') as f:
                f.write(component(64 * 1024, b'seed-%d' % i))
            files.append(p)
        conns = {}
        for name, extra in (('file', ()), ('flag', ('--concurrency', '6'))):
            reg = FakeRegistry().start()
            self.addCleanup(reg.stop)
            path = self.write_config('[registry."%s"]\nconcurrency = 1\n' % reg.host, name + '.toml')
            self.wpkg('push', '--plain-http', '--config', path, *extra, '%s/app/c:v1' % reg.host, *files)
            conns[name] = {q.conn for q in reg.requests if '/blobs/' in q.path}
        self.assertEqual(len(conns['file']), 1, 'concurrency = 1: one connection for every blob')
        self.assertGreater(len(conns['flag']), 1, '--concurrency 6 wins over the file')


class TlsTests(RegistryCase, ConfigCase):
    VARIANT = 'tls'

    def test_ca_file_makes_the_registry_verify(self):
        repo = self.repo()
        r = self.run_wpkg('push', self.ref(repo, 'v1'), harness.fixture(HELLO), expect=None,
                          env={'SSL_CERT_FILE': None})
        self.assertNotEqual(r.returncode, 0, 'the test CA is not trusted without a setting')
        path = self.write_config('[registry."%s"]\nca_file = "%s"\n' % (self.reg.host, self.reg.ca_file))
        self.run_wpkg('push', '--config', path, self.ref(repo, 'v1'), harness.fixture(HELLO))
        r = self.run_wpkg('tags', '--config', path, self.ref(repo))
        self.assertEqual(r.stdout, 'v1\n')

    def test_insecure_skips_verification_for_that_host_only(self):
        path = self.write_config('[registry."%s"]\ninsecure = true\n' % self.reg.host)
        env = {'SSL_CERT_FILE': None}
        r = self.run_wpkg('tags', '--retries', '0', self.ref(self.repo()), expect=7, env=env)
        self.assertIn('certificate', r.stderr)
        self.run_wpkg('tags', '--config', path, self.ref(self.repo()), expect=4, env=env)
        other = self.write_config('[registry."127.0.0.1:1"]\ninsecure = true\n', 'other.toml')
        self.run_wpkg('tags', '--retries', '0', '--config', other, self.ref(self.repo()), expect=7, env=env)

    def test_location_to_a_tls_registry_uses_the_entry_settings(self):
        path = self.write_config('[registry."secure.example"]\nlocation = "%s"\nca_file = "%s"\n'
                                 % (self.reg.host, self.reg.ca_file))
        repo = self.repo()
        self.run_wpkg('push', '--config', path, 'secure.example/%s:v1' % repo, harness.fixture(HELLO))
        self.assertEqual(self.reg.raw_get('/v2/%s/tags/list' % repo)[0], 200)

    def test_the_flag_ca_file_wins_over_the_file(self):
        other = self.path('other-ca')
        os.makedirs(other)
        make_tls(other)
        wrong = self.write_config('[registry."%s"]\nca_file = "%s"\n' % (self.reg.host, os.path.join(other, 'ca.crt')))
        r = self.run_wpkg('tags', '--config', wrong, self.ref(self.repo()), expect=None)
        self.assertNotEqual(r.returncode, 0, 'another CA does not verify the registry')
        self.assertIn('OpenSSL', r.stderr)
        self.run_wpkg('tags', '--config', wrong, '--ca-file', self.reg.ca_file, self.ref(self.repo()), expect=4)


class MtlsTests(RegistryCase, ConfigCase):
    VARIANT = 'mtls'

    def test_cert_file_and_key_file_for_the_mtls_registry(self):
        cert, key = self.reg.client_cert
        repo = self.repo()
        no_cert = self.write_config('[registry."%s"]\nca_file = "%s"\n' % (self.reg.host, self.reg.ca_file), 'a.toml')
        r = self.run_wpkg('push', '--config', no_cert, self.ref(repo, 'v1'), harness.fixture(HELLO), expect=None)
        self.assertNotEqual(r.returncode, 0, 'the registry requires a client certificate')
        path = self.write_config('[registry."%s"]\nca_file = "%s"\ncert_file = "%s"\nkey_file = "%s"\n'
                                 % (self.reg.host, self.reg.ca_file, cert, key))
        self.run_wpkg('push', '--config', path, self.ref(repo, 'v1'), harness.fixture(HELLO))
        self.assertEqual(self.run_wpkg('tags', '--config', path, self.ref(repo)).stdout, 'v1\n')


class BasicTests(RegistryCase, ConfigCase):
    VARIANT = 'basic'

    def test_a_basic_registry_behind_a_location(self):
        path = self.write_config('[registry."auth.example"]\nlocation = "%s/org"\nplain_http = true\n'
                                 % self.reg.host)
        repo = self.repo()
        r = self.run_wpkg('push', '--config', path, 'auth.example/%s:v1' % repo, harness.fixture(HELLO),
                          expect=5)
        self.assertIn(self.reg.host, r.stderr, 'the credentials asked for are the location\'s')
        self.run_wpkg('push', '--config', path, '-u', self.reg.username, '--password-stdin',
                      'auth.example/%s:v1' % repo, harness.fixture(HELLO), input=self.reg.password + '\n')
        self.assertEqual(self.reg.raw_get('/v2/org/%s/tags/list' % repo)[0], 200)

    def test_login_to_a_relocated_name_logs_in_at_its_location(self):
        path = self.write_config('[registry."auth.example"]\nlocation = "%s/org"\n' % self.reg.host)
        r = self.run_wpkg('login', '--config', path, '-u', self.reg.username, '--password-stdin', 'auth.example',
                          input=self.reg.password + '\n')
        self.assertEqual(r.stdout, 'Login Succeeded\n')
        self.assertIn('wpkg: note: auth.example is at %s (location in %s): logging in there\n'
                      % (self.reg.host, path), r.stderr)
        with open(os.path.join(self.docker_config, 'config.json')) as f:
            self.assertEqual(list(json.load(f)['auths']), [self.reg.host])
        self.run_wpkg('push', '--config', path, 'auth.example/%s:v1' % self.repo(), harness.fixture(HELLO))
        self.assertEqual(self.reg.raw_get('/v2/org/%s/tags/list' % self.repo())[0], 200)


if __name__ == '__main__':
    harness.main()
