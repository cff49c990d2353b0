# SPDX-License-Identifier: Apache-2.0
"""harness.py - the integration tests' base class, helpers and TAP runner.

Every test file ends with ``harness.main()``.  Tests run the wpkg binary
($WPKG) in a clean environment whose home, credential files and runtime
directory live in a per-test temporary directory, so no real credentials are
ever read or written.
"""

import hashlib
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.environ.get('WPKG_SOURCE_ROOT') or os.path.join(HERE, '..', '..'))
WPKG = os.environ.get('WPKG') or os.path.join(ROOT, 'build', 'src', 'wpkg', 'wpkg')
FIXTURES = os.path.abspath(os.environ.get('FIXTURES') or os.path.join(ROOT, 'tests', 'fixtures'))
SHARED_FIXTURES = os.path.abspath(os.environ.get('SHARED_FIXTURES')
                                  or os.path.join(ROOT, '..', 'shared', 'fixtures'))
SCHEMAS = os.path.join(ROOT, 'schemas')
# 'none' for a plain build; the ASan build sets e.g. 'address,undefined'.
SANITIZE = os.environ.get('WPKG_SANITIZE', 'none')
KEEP_TMP = os.environ.get('WPKG_KEEP_TMP') == '1'
# Under CI every peer tool must be there: a test that would skip for a missing one fails instead.
CI = os.environ.get('CI') == 'true'
# The programs besides wpkg that tests run and check it against (scripts/deps installs them all).
PEER_TOOLS = ('docker-registry', 'skopeo', 'umoci', 'valgrind')
DEFAULT_TIMEOUT = 120

# Environment variables a child may inherit; everything else (proxies,
# credentials, REGISTRY_*, SSL_CERT_*) is dropped so results do not depend on
# the machine the tests run on.
_INHERITED = ('PATH', 'TMPDIR', 'ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS',
              'LD_LIBRARY_PATH', 'VALGRIND_LIB')

# wpkg_atomic_open's temporaries: ".NAME.XXXXXX" beside the final path.
_TEMP_FILE_RE = re.compile(r'^\..+\.[A-Za-z0-9]{6}$')


class MissingTool(AssertionError):
    """A peer tool is missing where CI=true demands it: a failure, not a skip."""


def require_tool(name):
    """The path of peer tool NAME; skips the test when it is not installed, or fails it when CI=true."""
    path = shutil.which(name)
    if path is not None:
        return path
    reason = '%s is not installed (scripts/deps installs it)' % name
    if CI:
        raise MissingTool('CI=true: ' + reason)
    raise unittest.SkipTest(reason)


def fixture(rel):
    """Absolute path of tests/fixtures/REL; fails loudly if the file is missing."""
    p = os.path.join(FIXTURES, rel)
    if not os.path.exists(p):
        raise FileNotFoundError('fixture missing: %s' % p)
    return p


def shared_fixture(rel):
    """Absolute path under the shared fixture set, or skip the test when it is absent."""
    p = os.path.join(SHARED_FIXTURES, rel)
    if not os.path.exists(p):
        raise unittest.SkipTest('shared fixture not available: %s' % rel)
    return p


def sha256_file(path):
    """Hex sha256 of a file, streamed."""
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def human_bytes(n):
    """The size as wpkg's summaries write it: "1402 B", "1.4 KiB", "14.2 MiB" (powers of 1024)."""
    units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
    v, u = float(n), 0
    while v >= 1024 and u + 1 < len(units):
        v /= 1024
        u += 1
    return '%d B' % n if u == 0 else '%.1f %s' % (v, units[u])


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def validate_schema(doc, name):
    """Validates doc (bytes, str or parsed JSON) against schemas/NAME.schema.json.

    $refs between schemas resolve relative to file://ROOT/schemas/.  Raises
    jsonschema.ValidationError (an AssertionError-like failure) when invalid.
    """
    import jsonschema  # python3-jsonschema; imported late so other tests run without it
    if isinstance(doc, (bytes, bytearray)):
        doc = json.loads(doc.decode('utf-8'))
    elif isinstance(doc, str):
        doc = json.loads(doc)
    path = os.path.join(SCHEMAS, name + '.schema.json')
    with open(path, 'rb') as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    # Schemas name each other relative to their $id (or, without one, to their file);
    # both resolve to the local files, never to the network.
    store = {}
    for n in sorted(os.listdir(SCHEMAS)):
        if n.endswith('.schema.json'):
            with open(os.path.join(SCHEMAS, n), 'rb') as f:
                s = json.load(f)
            store['file://' + os.path.join(SCHEMAS, n)] = s
            if isinstance(s, dict) and '$id' in s:
                store[s['$id']] = s
    resolver = jsonschema.RefResolver('file://' + path, schema, store=store)
    cls(schema, resolver=resolver, format_checker=cls.FORMAT_CHECKER).validate(doc)


class Layout:
    """Read-only view of an OCI image layout directory, for assertions."""

    def __init__(self, path):
        self.path = path

    def read_json(self, rel):
        with open(os.path.join(self.path, rel), 'rb') as f:
            return json.loads(f.read().decode('utf-8'))

    @property
    def index(self):
        return self.read_json('index.json')

    def resolve(self, tag):
        """The index.json descriptor whose org.opencontainers.image.ref.name is tag."""
        found = [m for m in self.index.get('manifests', [])
                 if m.get('annotations', {}).get('org.opencontainers.image.ref.name') == tag]
        if len(found) != 1:
            raise AssertionError('%s: %d index entries for tag %r' % (self.path, len(found), tag))
        return found[0]

    def blob_path(self, digest):
        alg, hexpart = digest.split(':', 1)
        return os.path.join(self.path, 'blobs', alg, hexpart)

    def blob(self, digest):
        with open(self.blob_path(digest), 'rb') as f:
            return f.read()

    def manifest(self, tag):
        """(descriptor, manifest bytes, parsed manifest) for a tag."""
        desc = self.resolve(tag)
        raw = self.blob(desc['digest'])
        return desc, raw, json.loads(raw.decode('utf-8'))


def _rmtree(path):
    def onerror(func, p, _exc):
        # Tests make read-only directories on purpose; make them writable again.
        os.chmod(os.path.dirname(p), stat.S_IRWXU)
        os.chmod(p, stat.S_IRWXU)
        func(p)
    if os.path.lexists(path):
        shutil.rmtree(path, onerror=onerror)


class TestCase(unittest.TestCase):
    """Base class: self.tmp, self.path(), self.wpkg(), self.run_cmd(), assertNoTempFiles()."""

    maxDiff = None
    _tmp = None

    @property
    def tmp(self):
        """A fresh directory for this test, removed when it ends (kept on failure with WPKG_KEEP_TMP=1)."""
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix='wpkg-test-')
            self.addCleanup(self._remove_tmp)
        return self._tmp

    def _remove_tmp(self):
        outcome = getattr(self, '_outcome', None)
        failed = outcome is not None and not outcome.success
        if failed and KEEP_TMP:
            sys.stderr.write('kept temporary directory of %s: %s\n' % (self.id(), self._tmp))
        else:
            _rmtree(self._tmp)
        self._tmp = None

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    # Where the child's credential stores live (inside self.tmp).
    @property
    def home(self):
        return self.path('home')

    @property
    def docker_config(self):
        return self.path('home', '.docker')

    @property
    def auth_file(self):
        return self.path('run', 'containers', 'auth.json')

    def child_env(self, env=None):
        """The clean environment of every child process, plus env (a value of None removes a key)."""
        e = {k: os.environ[k] for k in _INHERITED if k in os.environ}
        e.setdefault('PATH', '/usr/local/bin:/usr/bin:/bin')
        for d in (self.home, self.path('run')):
            os.makedirs(d, mode=0o700, exist_ok=True)
        e.update({
            'HOME': self.home,
            'DOCKER_CONFIG': self.docker_config,
            'XDG_RUNTIME_DIR': self.path('run'),
            'REGISTRY_AUTH_FILE': self.auth_file,
            'XDG_CONFIG_HOME': self.path('home', '.config'),
            'LC_ALL': 'C',
            'NO_COLOR': '1',
        })
        for k, v in (env or {}).items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        return e

    def run_cmd(self, argv, input=None, env=None, expect=0, timeout=DEFAULT_TIMEOUT, cwd=None):
        """Runs argv in the clean environment; asserts the exit status unless expect is None."""
        argv = [str(a) for a in argv]
        if argv[0] in PEER_TOOLS:
            require_tool(argv[0])
        try:
            r = subprocess.run(argv, input=input, env=self.child_env(env), cwd=cwd or self.tmp,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               errors='replace', timeout=timeout)
        except subprocess.TimeoutExpired as e:
            r = e
        if isinstance(r, subprocess.TimeoutExpired):
            self.fail('timed out after %ss: %s\n--- stdout ---\n%s\n--- stderr ---\n%s'
                      % (timeout, _shell_words(argv), _text(r.stdout), _text(r.stderr)))
        if expect is not None and r.returncode != expect:
            self.fail('exit status %d, expected %d: %s\n--- stdout ---\n%s--- stderr ---\n%s'
                      % (r.returncode, expect, _shell_words(argv), r.stdout, r.stderr))
        return r

    def wpkg(self, *args, input=None, env=None, expect=0, timeout=DEFAULT_TIMEOUT, cwd=None):
        """Runs $WPKG ARGS...; returns the subprocess.CompletedProcess (text mode)."""
        return self.run_cmd([WPKG] + list(args), input=input, env=env, expect=expect,
                            timeout=timeout, cwd=cwd)

    def assertNoTempFiles(self, directory):
        """No ".NAME.XXXXXX" temporaries left anywhere under directory."""
        left = []
        for dirpath, dirnames, filenames in os.walk(directory):
            left += [os.path.join(dirpath, n) for n in filenames + dirnames if _TEMP_FILE_RE.match(n)]
        self.assertEqual(left, [], 'temporary files left behind')


def _text(b):
    if b is None:
        return ''
    return b.decode('utf-8', 'replace') if isinstance(b, bytes) else b


def _shell_words(argv):
    import shlex
    return ' '.join(shlex.quote(a) for a in argv)


# ---------------------------------------------------------------------------
# TAP runner

_FIXTURE_RE = re.compile(r'^(setUpClass|tearDownClass|setUpModule|tearDownModule) \((.+)\)$')


def _name(test):
    return '%s.%s' % (type(test).__name__, test._testMethodName)


class TapResult(unittest.TestResult):
    """Prints one TAP line per test as it ends; failures carry the traceback as '# ' lines."""

    def __init__(self, tests, out):
        super().__init__()
        self.tests = tests            # every test, in run order, for class-level outcomes
        self.out = out
        self.count = 0
        self.reported = set()
        self.bad = False
        self._state = None

    def _emit(self, test, ok, directive='', detail=''):
        self.count += 1
        self.reported.add(test.id())
        line = '%s %d - %s' % ('ok' if ok else 'not ok', self.count, _name(test))
        if directive:
            line += ' # ' + directive
        self.out.write(line + '\n')
        for dl in detail.rstrip('\n').splitlines():
            self.out.write('# ' + dl + '\n')
        self.out.flush()
        if not ok:
            self.bad = True

    def startTest(self, test):
        super().startTest(test)
        self._state = {'ok': True, 'directive': '', 'detail': ''}

    def stopTest(self, test):
        super().stopTest(test)
        s = self._state
        self._emit(test, s['ok'], s['directive'], s['detail'])
        self._state = None

    def _fail(self, test, err):
        detail = self._exc_info_to_string(err, test)
        if self._state is None:
            self._class_level(test, False, detail)
            return
        self._state['ok'] = False
        self._state['detail'] += detail

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._state['ok'] = False
            self._state['detail'] += '%s\n%s' % (subtest.id(), self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if self._state is None:
            self._class_level(test, True, '', 'SKIP ' + reason)
            return
        self._state['directive'] = 'SKIP ' + reason

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._state['directive'] = 'TODO expected failure'

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._state['ok'] = False
        self._state['detail'] += 'unexpected success\n'

    def _class_level(self, holder, ok, detail, directive=''):
        """setUpClass/setUpModule failed or skipped: every test of it gets that outcome."""
        m = _FIXTURE_RE.match(holder.id() if hasattr(holder, 'id') else str(holder))
        kind, scope = (m.group(1), m.group(2)) if m else ('', '')
        if kind.startswith('setUp'):
            victims = [t for t in self.tests if t.id() not in self.reported
                       and (t.id().startswith(scope + '.'))]
            for t in victims:
                self._emit(t, ok, directive, detail)
            if victims:
                return
        # tearDownClass/Module errors have no test of their own: report and fail the run.
        if not ok:
            self.bad = True
            self.out.write('# %s failed\n' % (holder.id() if hasattr(holder, 'id') else holder))
            for dl in detail.rstrip('\n').splitlines():
                self.out.write('# ' + dl + '\n')
            self.out.flush()


def _flatten(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from _flatten(t)
        else:
            yield t


def main(module='__main__', argv=None):
    """Runs the tests of module (or the names given on the command line), prints TAP, exits."""
    argv = sys.argv[1:] if argv is None else argv
    mod = sys.modules[module]
    loader = unittest.TestLoader()
    suite = loader.loadTestsFromNames(argv, mod) if argv else loader.loadTestsFromModule(mod)
    tests = list(_flatten(suite))
    out = sys.stdout
    out.write('1..%d\n' % len(tests))
    out.flush()
    result = TapResult(tests, out)
    suite.run(result)
    # Anything the runner never reached (should not happen) still counts, as a failure.
    for t in tests:
        if t.id() not in result.reported:
            result._emit(t, False, '', 'test was never run\n')
    sys.exit(1 if result.bad else 0)
