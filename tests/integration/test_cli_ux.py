#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""test_cli_ux.py - the CLI as CI jobs and oras/crane users drive it: -q, --format, references, -o -,
--keep-old-files, aliases, notes, progress (plain and on a terminal), completion, version, docs, exit codes."""

import fcntl
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import termios
import time

import harness
from regcase import RegistryCase, read
from registry import Registry

HELLO = 'components/hello-c.component.wasm'
BIG = 'components/calc-qjs.component.wasm'       # 1.6 MB: a "large" transfer for plain progress
MODULE = 'modules/hello-c.core.wasm'
ESC = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
BUILD_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(harness.WPKG))))
COMMANDS = ('build', 'inspect', 'push', 'publish', 'pull', 'tags', 'tag', 'delete', 'resolve', 'manifest', 'blob', 'copy',
            'attach', 'discover', 'login', 'logout', 'sign', 'verify', 'key', 'sbom', 'cache', 'config', 'completion',
            'version', 'help')


def run_on_pty(argv, env, cols=40, timeout=60):
    """Runs argv with stdout and stderr on a pseudo-terminal cols wide; (exit status, bytes written)."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, cols, 0, 0))
    out, deadline = b'', time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 1)
        if not r:
            if os.waitpid(pid, os.WNOHANG)[0] != 0:
                break
            continue
        try:
            b = os.read(fd, 65536)
        except OSError:
            b = b''
        if not b:
            break
        out += b
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out


class NoDeleteRegistry(Registry):
    """docker-registry with deletion disabled (its default), as many registries run."""

    def _write_config(self):
        super()._write_config()
        path = os.path.join(self.state_dir, 'config.yml')
        with open(path) as f:
            cfg = json.load(f)
        cfg['storage']['delete'] = {'enabled': False}
        with open(path, 'w') as f:
            json.dump(cfg, f)


class CliTests(RegistryCase, harness.TestCase):
    VARIANT = 'plain'

    def push_file(self, ref, rel=HELLO, *extra):
        return self.run_wpkg('push', *self.reg.flags, *extra, ref, harness.fixture(rel)).stdout.strip()

    # -- 13.1: -q silences progress and summaries, never results -------------------------------------
    def test_quiet_keeps_results(self):
        src = harness.fixture(HELLO)
        ref = self.ref(self.repo(), 'v1')
        loud = self.run_wpkg('push', *self.reg.flags, ref, src)
        quiet = self.run_wpkg('push', '-q', *self.reg.flags, ref, src)
        self.assertRegex(quiet.stdout, r'\Asha256:[0-9a-f]{64}\n\Z')       # DIGEST=$(wpkg push -q ...)
        self.assertEqual(quiet.stdout, loud.stdout)
        self.assertIn('wpkg: pushed 1 file to ', loud.stderr)
        self.assertEqual(quiet.stderr, '')
        lay = self.path('lay')
        cases = [
            ('build', '-o', lay + ':v1', src),
            ('tags', *self.reg.flags, self.ref(self.repo())),
            ('tag', *self.reg.flags, ref, 'v2'),
            ('inspect', src),
            ('inspect', *self.reg.flags, ref),
            ('copy', '--src-plain-http', ref, 'oci-layout:' + self.path('copy') + ':v1'),
            ('attach', *self.reg.flags, '--artifact-type', 'application/spdx+json', ref,
             harness.fixture(MODULE)),
            ('discover', *self.reg.flags, ref),
            ('pull', *self.reg.flags, '-o', self.path('p.wasm'), ref),
        ]
        for args in cases:
            with self.subTest(command=args[0]):
                loud = self.run_wpkg(*args)
                quiet = self.run_wpkg('-q', *args)
                self.assertNotEqual(quiet.stdout, '')
                self.assertEqual(quiet.stdout, loud.stdout)
                self.assertEqual(quiet.stderr, '')

    # -- 13.6: --format text|json, --artifact-format, the deprecated --format FORMAT ------------------
    def test_format_json_everywhere_matches_schemas(self):
        src = harness.fixture(HELLO)
        repo = self.repo()
        ref = self.ref(repo, 'v1')

        def js(schema, *args):
            a = json.loads(self.run_wpkg('--format', 'json', *args).stdout)
            b = json.loads(self.run_wpkg(*args, '--json').stdout)
            harness.validate_schema(a, 'cli/' + schema)
            return a, b

        a, b = js('push', 'push', *self.reg.flags, '-t', 'x', ref, src)
        self.assertEqual(b['bytes']['uploaded'], 0)      # the second push found every blob there
        del a['bytes'], b['bytes']
        self.assertEqual(a, b)
        self.assertEqual(a['tags'], ['v1', 'x'])
        js('build', 'build', '-o', self.path('l') + ':v1', src)
        js('pull', 'pull', *self.reg.flags, '-o', self.path('p.wasm'), ref)
        a, b = js('tags', 'tags', *self.reg.flags, self.ref(repo))
        self.assertEqual(a, ['v1', 'x'])
        js('tag', 'tag', *self.reg.flags, ref, 'y')
        js('inspect-file', 'inspect', src)
        js('inspect-artifact', 'inspect', *self.reg.flags, ref)
        js('copy', 'copy', '--src-plain-http', ref, 'oci-layout:' + self.path('c') + ':v1')
        a, _ = js('attach', 'attach', *self.reg.flags, '--artifact-type', 'application/spdx+json', ref,
                  harness.fixture(MODULE))
        found, _ = js('discover', 'discover', *self.reg.flags, ref)
        self.assertEqual([d['digest'] for d in found], [a['digest']])
        js('version', 'version')
        deleted = json.loads(self.run_wpkg('--format=json', 'delete', *self.reg.flags, self.ref(repo, 'y')).stdout)
        harness.validate_schema(deleted, 'cli/delete')
        text = self.run_wpkg('tags', '--format', 'text', *self.reg.flags, self.ref(repo)).stdout
        # every tag of that manifest went with it; the referrers fallback tag of the attach stays
        self.assertEqual([t for t in text.split() if not t.startswith('sha256-')], [])
        r = self.run_wpkg('tags', '--format', 'yaml', *self.reg.flags, self.ref(repo), expect=2)
        self.assertEqual(r.stderr, "wpkg: error: tags: --format: 'yaml' is not text or json\n"
                                   "Try 'wpkg tags --help'.\n")
        r = self.run_wpkg('tags', '--format', 'image', *self.reg.flags, self.ref(repo), expect=2)
        self.assertIn("--format: 'image' is not text or json", r.stderr)

    def test_artifact_format_and_deprecated_format(self):
        src = harness.fixture(HELLO)
        new = self.run_wpkg('build', '--artifact-format', 'image', '-o', self.path('a') + ':v1', src)
        self.assertEqual(new.stderr, '')
        old = self.run_wpkg('build', '--format', 'image', '-o', self.path('b') + ':v1', src)
        self.assertEqual(old.stdout, new.stdout)
        self.assertEqual(old.stderr, 'wpkg: warning: --format image is deprecated: use --artifact-format image '
                                     '(--format now means text or json)\n')
        m = harness.Layout(self.path('a')).manifest('v1')[2]
        self.assertEqual(m['config']['mediaType'], 'application/vnd.oci.image.config.v1+json')
        # --format json and the package format side by side
        doc = json.loads(self.run_wpkg('push', '--format', 'json', '--artifact-format', 'runwasi',
                                       *self.reg.flags, self.ref(self.repo(), 'rw'), src).stdout)
        self.assertEqual(doc['tags'], ['rw'])
        r = self.run_wpkg('build', '--artifact-format', 'docker', '-o', self.path('c'), src, expect=2)
        self.assertIn('--artifact-format: unknown package format "docker": expected wasm, image or runwasi',
                      r.stderr)
        r = self.run_wpkg('build', '--artifact-format', 'image', '-o', self.path('c'), src, src, expect=2)
        self.assertIn('--artifact-format image packages one FILE', r.stderr)

    # -- 13.6: repo:t1,t2; http(s)://host/repo:tag -----------------------------------------------------
    def test_several_tags_in_the_reference(self):
        repo = self.repo()
        digest = self.push_file(self.ref(repo, 't1,t2,t3'), HELLO, '-t', 't4', '-t', 't2')
        tags = self.run_wpkg('tags', *self.reg.flags, self.ref(repo)).stdout.split()
        self.assertEqual(tags, ['t1', 't2', 't3', 't4'])
        for t in tags:
            self.assertEqual(self.manifest(repo, t)[0], digest)
        r = self.run_wpkg('push', *self.reg.flags, self.ref(repo, 't1,bad tag'), harness.fixture(HELLO),
                          expect=3)
        self.assertEqual(r.stderr, "wpkg: error: tag 'bad tag': invalid tag: byte 0x20 at position 4 is not "
                                   "allowed\n")
        self.assertEqual(self.run_wpkg('tags', *self.reg.flags, self.ref(repo)).stdout.split(), tags)

    def manifest(self, repo, tag):
        doc = json.loads(self.run_wpkg('inspect', '--json', *self.reg.flags, self.ref(repo, tag)).stdout)
        return doc['digest'], doc

    def test_url_references(self):
        repo = self.repo()
        url = 'http://%s/%s:v1' % (self.reg.host, repo)
        digest = self.run_wpkg('push', url, harness.fixture(HELLO)).stdout.strip()   # no --plain-http
        self.assertEqual(self.run_wpkg('tags', 'http://%s/%s' % (self.reg.host, repo)).stdout, 'v1\n')
        r = self.run_wpkg('pull', '-o', self.path('x.wasm'), url)
        self.assertEqual(r.stdout, '%s %s\n' % (digest, self.path('x.wasm')))
        self.assertEqual(read(self.path('x.wasm')), read(harness.fixture(HELLO)))
        doc = json.loads(self.run_wpkg('inspect', '--json', url).stdout)
        self.assertEqual(doc['digest'], digest)
        # https:// asks for TLS by name: no loopback fallback, and the error names the fix
        r = self.run_wpkg('tags', 'https://%s/%s' % (self.reg.host, repo), expect=7)
        self.assertEqual(r.stdout, '')
        self.assertIn('%s speaks plain HTTP, not HTTPS: pass --plain-http' % self.reg.host, r.stderr)

    # -- 13.6: -o -, --keep-old-files ------------------------------------------------------------------
    def test_pull_to_stdout(self):
        ref = self.ref(self.repo(), 'v1')
        self.push_file(ref)
        os.mkdir(self.path('t'))
        before = sorted(os.listdir(self.tmp))
        r = subprocess.run([harness.WPKG, 'pull', *self.reg.flags, '-o', '-', ref],
                           env=self.child_env({'TMPDIR': self.path('t')}), cwd=self.tmp, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, read(harness.fixture(HELLO)))
        self.assertEqual(sorted(os.listdir(self.tmp)), before)    # no file named "-"
        self.assertEqual(os.listdir(self.path('t')), [])          # no temporary left
        multi = self.ref(self.repo('multi'), 'v1')
        self.run_wpkg('push', *self.reg.flags, multi, harness.fixture(HELLO), harness.fixture(MODULE))
        r = self.run_wpkg('pull', *self.reg.flags, '-o', '-', multi, expect=3)
        self.assertEqual(r.stdout, '')
        self.assertEqual(r.stderr, 'wpkg: error: pull %s: -o -: the artifact is a package of several files; pull it '
                                   'into a directory\n' % multi)

    def test_keep_old_files(self):
        ref = self.ref(self.repo(), 'v1')
        self.push_file(ref)
        old = self.path('hello.wasm')
        with open(old, 'wb') as f:
            f.write(b'precious')
        r = self.run_wpkg('pull', *self.reg.flags, '--keep-old-files', '-o', old, ref, expect=1)
        self.assertEqual(r.stderr, 'wpkg: error: pull %s: -o %s: the file exists (--keep-old-files)\n' % (ref, old))
        self.assertEqual(read(old), b'precious')
        # into a directory: the layer's title is taken
        os.mkdir(self.path('d'))
        shutil.copy(old, self.path('d', 'hello-c.component.wasm'))
        r = self.run_wpkg('pull', *self.reg.flags, '--keep-old-files', '-o', self.path('d'), ref, expect=1)
        self.assertIn('hello-c.component.wasm: File exists (--keep-old-files)', r.stderr)
        self.assertEqual(read(self.path('d', 'hello-c.component.wasm')), b'precious')
        self.assertEqual(os.listdir(self.path('d')), ['hello-c.component.wasm'])
        # nothing in the way: pulled as usual
        os.remove(self.path('d', 'hello-c.component.wasm'))
        r = self.run_wpkg('pull', *self.reg.flags, '--keep-old-files', '-o', self.path('d'), ref)
        self.assertTrue(r.stdout.endswith(' %s\n' % self.path('d', 'hello-c.component.wasm')), r.stdout)
        self.assertEqual(read(self.path('d', 'hello-c.component.wasm')), read(harness.fixture(HELLO)))
        self.assertEqual(os.listdir(self.path('d')), ['hello-c.component.wasm'])
        # a new file name: written there, nothing else left beside it
        r = self.run_wpkg('pull', *self.reg.flags, '--keep-old-files', '-o', self.path('d', 'new.wasm'), ref)
        self.assertTrue(r.stdout.endswith(' %s\n' % self.path('d', 'new.wasm')), r.stdout)
        self.assertEqual(read(self.path('d', 'new.wasm')), read(harness.fixture(HELLO)))
        self.assertEqual(sorted(os.listdir(self.path('d'))), ['hello-c.component.wasm', 'new.wasm'])
        # without the flag an existing file is replaced, as before
        self.run_wpkg('pull', *self.reg.flags, '-o', old, ref)
        self.assertEqual(read(old), read(harness.fixture(HELLO)))

    # -- 13.6: aliases and notes ---------------------------------------------------------------------
    def test_aliases(self):
        ref = self.ref(self.repo(), 'v1')
        self.push_file(ref)
        r = self.run_wpkg('tags', '-d', *self.reg.flags, self.ref(self.repo()))
        self.assertIn('wpkg: debug: ', r.stderr)
        self.assertEqual(r.stdout, 'v1\n')
        r = self.run_wpkg('push', '--progress', 'plain', '--no-tty', *self.reg.flags, self.ref(self.repo(), 'v2'),
                          harness.fixture(BIG))
        self.assertNotIn('wpkg: progress:', r.stderr)
        self.assertIn('(1.6 MiB uploaded', r.stderr)

    def test_notes_for_assumed_parts(self):
        # a hostless reference means Docker Hub: noted, and here it stops at the missing file
        r = self.run_wpkg('push', 'myregistry/app:1', self.path('missing.wasm'), expect=4)
        self.assertEqual(r.stderr.splitlines()[0],
                         "wpkg: note: 'myregistry/app:1' names no registry host, so it means Docker Hub "
                         "(docker.io/myregistry/app); write HOST/myregistry/app:1 for another registry")
        ref = self.ref(self.repo())
        r = self.run_wpkg('push', *self.reg.flags, ref, harness.fixture(HELLO))
        self.assertEqual(r.stderr.splitlines()[0],
                         "wpkg: note: '%s' names no tag or digest, so it means the tag 'latest'" % ref)
        r = self.run_wpkg('pull', '-q', *self.reg.flags, '-o', self.path('x.wasm'), ref)
        self.assertEqual(r.stderr, '')
        r = self.run_wpkg('pull', *self.reg.flags, '-o', self.path('x.wasm'), ref + ':latest')
        self.assertEqual(r.stderr, '')

    # -- 13.8: progress ------------------------------------------------------------------------------
    def test_plain_progress(self):
        src = harness.fixture(BIG)
        r = self.run_wpkg('push', '--chunk-size', '128K', *self.reg.flags, self.ref(self.repo(), 'v1'), src)
        lines = [l for l in r.stderr.splitlines() if l.startswith('wpkg: progress: ')]
        # not a terminal: auto is plain, every 10% of a large transfer, titled by the file
        self.assertGreaterEqual(len(lines), 5, r.stderr)
        self.assertLessEqual(len(lines), 11, r.stderr)
        for l in lines:
            self.assertRegex(l, r'^wpkg: progress: calc-qjs\.component\.wasm +[0-9]+%  [0-9.]+ [KM]?i?B / '
                                r'1\.5 MiB  [0-9.]+ [KMG]?i?B/s')
        self.assertIn('100%', lines[-1])
        self.assertNotRegex(r.stderr, r'[\x00-\x09\x0b-\x1f\x7f]')       # no control characters
        self.assertRegex(r.stderr, r'wpkg: pushed 1 file to [^ ]+ \(1\.6 MiB uploaded, 0 B already present\)\n\Z')
        r = self.run_wpkg('push', '-q', '--chunk-size', '128K', *self.reg.flags, self.ref(self.repo('q'), 'v2'), src)
        self.assertEqual(r.stderr, '')
        r = self.run_wpkg('push', '--progress', 'none', *self.reg.flags, self.ref(self.repo('n'), 'v3'), src)
        self.assertNotIn('wpkg: progress:', r.stderr)
        self.assertIn('(1.6 MiB uploaded', r.stderr)      # a real transfer happened, unreported
        # a small transfer is over long before 10 s: no line
        r = self.run_wpkg('push', *self.reg.flags, self.ref(self.repo('s'), 'v4'), harness.fixture(HELLO))
        self.assertNotIn('wpkg: progress:', r.stderr)
        r = self.run_wpkg('push', '--progress', 'sometimes', *self.reg.flags, self.ref(self.repo()), src, expect=2)
        self.assertIn("--progress: 'sometimes' is not one of auto, tty, plain, none", r.stderr)

    def test_terminal_progress_fits_and_clears(self):
        env = self.child_env(dict(SOURCE_DATE_EPOCH='1700000000'))
        ref = self.ref(self.repo(), 'v1')
        rc, out = run_on_pty([harness.WPKG, 'push', '--chunk-size', '64K', *self.reg.flags, ref,
                              harness.fixture(BIG)], env, cols=40)
        text = out.decode('utf-8', 'replace')
        self.assertEqual(rc, 0, text)
        self.assertIn('calc-qjs.component', text)
        self.assertIn('total ', text)
        # every line drawn fits in 39 columns, so nothing wraps at 40
        drawn = [ESC.sub('', seg) for seg in re.split(r'\r\n|\r|\n', text) if '%' in seg]
        self.assertGreaterEqual(len(drawn), 2)
        for seg in drawn:
            self.assertLessEqual(len(seg), 39, repr(seg))
        # the block is cleared before the result: what is left on screen is the digest and the summary
        tail = text[text.rindex('\x1b[J') + 3:]
        self.assertRegex(tail, r'\Asha256:[0-9a-f]{64}\r\nwpkg: pushed 1 file to ')
        # COLUMNS is the fallback when the terminal has no size (TIOCGWINSZ 0): narrower still
        rc, out = run_on_pty([harness.WPKG, 'push', '--chunk-size', '64K', *self.reg.flags,
                              self.ref(self.repo('narrow'), 'v2'), harness.fixture(BIG)], dict(env, COLUMNS='30'),
                             cols=0)
        self.assertEqual(rc, 0)
        drawn = [ESC.sub('', seg) for seg in re.split(r'\r\n|\r|\n', out.decode('utf-8', 'replace')) if '%' in seg]
        self.assertGreaterEqual(len(drawn), 2, out)
        for seg in drawn:
            self.assertLessEqual(len(seg), 29, repr(seg))

    def test_summary_in_human_units(self):
        repo = self.repo()
        files = [harness.fixture(HELLO), harness.fixture(MODULE)]
        sizes = sum(os.path.getsize(f) for f in files)
        r = self.run_wpkg('push', *self.reg.flags, self.ref(repo, 'v1'), *files)
        doc = json.loads(self.run_wpkg('inspect', '--json', *self.reg.flags, self.ref(repo, 'v1')).stdout)
        sent = sizes + doc['config']['size']
        self.assertRegex(r.stderr, r'wpkg: pushed 2 files to [^ ]+ \(%s uploaded, 0 B already present\)\n\Z'
                         % re.escape(harness.human_bytes(sent)))
        r = self.run_wpkg('push', *self.reg.flags, self.ref(repo, 'v2'), *files)
        self.assertRegex(r.stderr, r'\(0 B uploaded, %s already present\)\n\Z' % re.escape(harness.human_bytes(sent)))

    # -- resolve: the digest a tag names ------------------------------------------------------------
    def test_resolve(self):
        repo = self.repo()
        digest = self.push_file(self.ref(repo, 'v1'))
        r = self.run_wpkg('resolve', '-q', *self.reg.flags, self.ref(repo, 'v1'))
        self.assertEqual((r.stdout, r.stderr), (digest + '\n', ''))
        doc = json.loads(self.run_wpkg('resolve', '--format', 'json', *self.reg.flags, self.ref(repo, 'v1')).stdout)
        harness.validate_schema(doc, 'cli/resolve')
        raw = json.loads(self.run_wpkg('inspect', '--json', *self.reg.flags, self.ref(repo, 'v1')).stdout)
        self.assertEqual(doc, {'mediaType': raw['mediaType'], 'digest': digest, 'size': raw['size']})
        self.run_wpkg('build', '-o', self.path('l') + ':v1', harness.fixture(HELLO))
        self.assertEqual(self.run_wpkg('resolve', 'oci-layout:%s:v1' % self.path('l')).stdout, digest + '\n')
        r = self.run_wpkg('resolve', *self.reg.flags, self.ref(repo, 'nope'), expect=4)
        self.assertTrue(r.stderr.startswith('wpkg: error: resolve %s: ' % self.ref(repo, 'nope')), r.stderr)
        self.assertEqual(r.stdout, '')

    # -- 13.10: exit codes as the pages say ----------------------------------------------------------
    def test_pull_into_missing_directory(self):
        ref = self.ref(self.repo(), 'v1')
        self.push_file(ref)
        dest = self.path('missing-dir', 'x.wasm')
        r = self.run_wpkg('pull', *self.reg.flags, '-o', dest, ref, expect=1)
        self.assertEqual(r.stderr, "wpkg: error: pull %s: -o %s: directory '%s' does not exist (create it first)\n"
                         % (ref, dest, self.path('missing-dir')))
        self.assertFalse(os.path.exists(self.path('missing-dir')))
        page = open(os.path.join(harness.ROOT, 'man', 'wpkg-pull.1.scd')).read()
        self.assertIn('the directory of *-o* does\n\tnot exist', page)


class DeleteDisabledTests(harness.TestCase):
    """Deletion switched off in the registry: the exit status is the one wpkg-delete(1) gives."""

    @classmethod
    def setUpClass(cls):
        cls.reg = NoDeleteRegistry('plain')
        cls.reg.start()

    @classmethod
    def tearDownClass(cls):
        cls.reg.stop()

    def test_delete_refused(self):
        ref = '%s/wpkg-test/nodelete:v1' % self.reg.host
        self.wpkg('push', '--plain-http', ref, harness.fixture(HELLO))
        r = self.wpkg('delete', '--plain-http', ref, expect=3)
        self.assertTrue(r.stderr.startswith('wpkg: error: delete %s: ' % ref), r.stderr)
        page = open(os.path.join(harness.ROOT, 'man', 'wpkg-delete.1.scd')).read()
        self.assertIn('*3* for a bad reference, or a registry that has deletion disabled', page)
        self.assertEqual(self.wpkg('tags', '--plain-http', '%s/wpkg-test/nodelete' % self.reg.host).stdout, 'v1\n')


class LocalTests(harness.TestCase):
    """What needs no registry: completion, version, help, the manual pages."""

    def test_completion_bash(self):
        script = self.path('wpkg.bash')
        with open(script, 'w') as f:
            f.write(self.wpkg('completion', 'bash').stdout)

        def complete(*words):
            line = ('source %s; COMP_WORDS=(wpkg %s); COMP_CWORD=%d; _wpkg; echo "${COMPREPLY[*]}"'
                    % (script, ' '.join("'%s'" % w for w in words), len(words)))
            return self.run_cmd(['bash', '-c', line]).stdout.split()

        self.assertEqual(complete('pu'), ['push', 'publish', 'pull'])
        self.assertEqual(sorted(complete('')), sorted(COMMANDS))
        self.assertIn('--artifact-format', complete('push', '--a'))
        self.assertIn('--keep-old-files', complete('pull', '--k'))
        self.assertNotIn('--keep-old-files', complete('push', '--k'))
        self.assertIn('--plain-http', complete('tags', '--pl'))

    def test_completion_zsh_fish(self):
        zsh = self.wpkg('completion', 'zsh').stdout
        self.assertTrue(zsh.startswith('#compdef wpkg\n'))
        for name in COMMANDS:
            self.assertIn("\n\t\t'%s:" % name, zsh)
        self.assertIn("'--artifact-format[wasm (CNCF Wasm artifact, default), image (OCI image for crun/podman) or "
                      "runwasi (containerd'\\''s Wasm shims)]:value:_files'", zsh)
        fish = self.wpkg('completion', 'fish').stdout
        self.assertIn("complete -c wpkg -n '__fish_seen_subcommand_from pull' -l keep-old-files -d 'refuse to "
                      "overwrite a file that exists'\n", fish)
        self.assertIn("complete -c wpkg -n __fish_use_subcommand -a push -d 'Package Wasm files and push them to a "
                      "registry, layout or archive'\n", fish)
        r = self.wpkg('completion', 'tcsh', expect=2)
        self.assertIn("'tcsh' is not a shell wpkg completes: bash, zsh or fish", r.stderr)
        # meson install puts the generated scripts where the shells look
        for shell, name in (('bash', 'wpkg'), ('zsh', '_wpkg'), ('fish', 'wpkg.fish')):
            with open(os.path.join(BUILD_DIR, 'src', 'wpkg', 'completions', name)) as f:
                self.assertEqual(f.read(), self.wpkg('completion', shell).stdout)

    def test_version(self):
        lines = self.wpkg('version').stdout.splitlines()
        self.assertEqual(len(lines), 4)
        self.assertRegex(lines[0], r'^wpkg 0\.1\.0 \(commit ([0-9a-f]{12}|unknown)\)$')
        head = subprocess.run(['git', '-C', harness.ROOT, 'rev-parse', '--short=12', 'HEAD'],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if head.returncode == 0:
            self.assertIn(head.stdout.strip(), lines[0])
        curl = subprocess.run(['curl-config', '--version'], stdout=subprocess.PIPE, text=True)
        if curl.returncode == 0:
            self.assertEqual(lines[2], 'libcurl ' + curl.stdout.split()[1])
        import ssl
        self.assertEqual(lines[3].split()[:2], ssl.OPENSSL_VERSION.split()[:2])
        self.assertEqual(self.wpkg('version', 'extra', expect=2).stdout, '')

    def test_help_lists_every_command_and_new_options(self):
        top = self.wpkg('help').stdout
        for name in COMMANDS:
            self.assertRegex(top, r'\n  %s +' % name)
        for opt in ('--format=text|json', '--progress=WHEN', '-d, --debug'):
            self.assertIn(opt, top)
        self.assertIn('--artifact-format=FORMAT', self.wpkg('push', '--help').stdout)
        self.assertNotIn('--artifact-format', self.wpkg('pull', '--help').stdout)

    def man(self, page):
        path = os.path.join(BUILD_DIR, 'man', page)
        if not os.path.exists(path):
            self.skipTest('scdoc did not build %s' % page)
        r = self.run_cmd(['man', '-l', path], env={'MANWIDTH': '80', 'MAN_KEEP_FORMATTING': ''})
        return re.sub(r'.\x08', '', r.stdout)

    def test_man_pages_true(self):
        if shutil.which('man') is None:
            self.skipTest('man is not installed')
        # EXAMPLES render one command per line
        for page, first, second in [
            ('wpkg-tag.1', 'wpkg tag ghcr.io/example/hello:1.0.0 1.0 1 latest', 'wpkg tag oci-layout:out:1.0.0 stable'),
            ('wpkg-tags.1', 'wpkg tags ghcr.io/example/hello', 'wpkg tags oci-archive:hello.tar'),
            ('wpkg-delete.1', 'wpkg delete ghcr.io/example/hello:1.0.0-rc1', 'wpkg delete oci-layout:out:1.0.0-rc1'),
            ('wpkg-login.1', 'wpkg login -u ci --password-stdin ghcr.io < token.txt',
             'wpkg login --plain-http -u alice localhost:5000'),
        ]:
            with self.subTest(page=page):
                text = self.man(page)
                lines = [l.strip() for l in text.splitlines()]
                self.assertIn(first, lines)
                self.assertIn(second, lines)
        build = self.man('wpkg-build.1')
        self.assertNotIn('wpkg push oci-layout:', build)
        self.assertIn('wpkg copy oci-layout:out:1.0.0 registry.example.com/hello:1.0.0', build)
        top = self.man('wpkg.1')
        self.assertNotIn('-qv', top)
        self.assertEqual(top.count('EXIT STATUS'), 1)
        help_page = self.man('wpkg-help.1')
        self.assertIn('wpkg help [COMMAND]', help_page)
        # every command has a page, and each page lists the exit statuses it can return
        for name in COMMANDS:
            with self.subTest(command=name):
                text = self.man('wpkg-%s.1' % name)
                status = text[text.index('EXIT STATUS'):]
                self.assertRegex(status, r'\b0\b')
                self.assertRegex(status, r'\b2\b')

    def test_schemas_one_naming_style(self):
        root = os.path.join(harness.ROOT, 'schemas', 'cli')
        names = sorted(n for n in os.listdir(root) if n.endswith('.schema.json'))
        self.assertGreaterEqual(len(names), 14)

        def keys(node):
            if isinstance(node, dict):
                for k, v in node.get('properties', {}).items():
                    yield k
                    yield from keys(v)
                for k in ('items', 'additionalProperties'):
                    if isinstance(node.get(k), dict):
                        yield from keys(node[k])
        for n in names:
            with open(os.path.join(root, n)) as f:
                schema = json.load(f)
            for k in keys(schema):
                self.assertRegex(k, r'^[a-z][a-zA-Z0-9]*$', '%s: %s' % (n, k))


if __name__ == '__main__':
    harness.main()
