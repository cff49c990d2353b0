"""faultmatrix.py - every operation against every fault, through faultproxy.py in front of the real registry.

    with Matrix() as m:                       # starts docker-registry (plain) and the proxy
        cell = m.run('pull-single', 'drop-once')
        cell.ok, cell.status, cell.seconds, cell.problems

A cell passes when wpkg either succeeded with exactly the right bytes, or
failed with a documented exit status (FAIL_STATUSES) and one "wpkg: error:"
line; and in both cases within LIMIT_S, with no partial output, no
temporary left (in $TMPDIR or beside the output), and, after a push, no tag
whose manifest references a blob the registry lacks.  Used by scripts/faults
(the whole matrix, as Markdown) and tests/integration/test_fault_matrix.py
(a subset).
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

from faultproxy import FaultProxy
from registry import Registry

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.environ.get('FIXTURES', os.path.join(HERE, '..', 'fixtures'))
WPKG = os.environ.get('WPKG', 'wpkg')
LIMIT_S = 120
# network, digest/size, not found (a stale or vanished upload), refused credentials: never 0, 1, 2, 3 or a signal
FAIL_STATUSES = (4, 5, 6, 7)
# and per fault: an endless document of unknown size (a manifest by tag, a tag list) runs into its cap, refused
# as too large (3, "larger than N bytes"); an endless blob or config runs past its descriptor's size (6)
FAULT_STATUSES = {'endless': (3, )}
SMALL = 'components/hello-c.component.wasm'
BIG = 'components/calc-qjs.component.wasm'
OTHER = 'components/greeter-plugged.composed.wasm'
TEMP_RE = re.compile(r'^\..+\.[A-Za-z0-9]{6}$')

# name -> (fault, times)
FAULTS = {
    'drop-once': ('drop', 1), 'drop-always': ('drop', None),
    '500-once': ('500', 1), '500-always': ('500', None),
    '502-once': ('502', 1), '502-always': ('502', None),
    '503-once': ('503', 1), '503-always': ('503', None),
    '429-short': ('429:1', 1), '429-long': ('429:30', 1), '429-huge': ('429:86400', None),
    'stale': ('stale', 1),
    'corrupt': ('corrupt', 1), 'short': ('short', 1), 'endless': ('endless', 1),
    'cl-larger': ('cl-larger', 1), 'cl-smaller': ('cl-smaller', 1),
    'drip': ('drip', 1), 'stall': ('stall', 1),
}

UPLOAD = (('POST', 'PATCH', 'PUT'), r'/blobs/uploads/')
BLOB_GET = (('GET',), r'/blobs/sha256:')
MANIFEST_PUT = (('PUT',), r'/manifests/')


def _sha(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def plain(args):
    """wpkg COMMAND --plain-http ARGS..."""
    return [args[0], '--plain-http'] + list(args[1:])


def fixture(rel):
    return os.path.join(FIXTURES, rel)


class Cell:
    def __init__(self, op, fault):
        self.op, self.fault = op, fault
        self.ok = False
        self.status = None
        self.seconds = 0.0
        self.problems = []
        self.stderr = ''
        self.hits = 0     # requests the fault was put on
        self.na = False   # the fault means nothing to this operation

    def mark(self):
        if not self.ok:
            return 'FAIL'
        if self.na:
            return 'n/a'
        if not self.hits:
            return 'not hit'
        return ('ok' if self.status == 0 else 'exit %d' % self.status) + ' %.1fs' % self.seconds


class Matrix:
    """One registry and one proxy; each cell works in a repository and directory of its own."""

    def __init__(self):
        self.reg = Registry('plain')
        self.proxy = None
        self.root = None
        self.n = 0

    def __enter__(self):
        self.root = tempfile.mkdtemp(prefix='wpkg-matrix-')
        self.reg.start()
        self.proxy = FaultProxy(self.reg.host).start()
        return self

    def __exit__(self, *exc):
        self.proxy.stop()
        self.reg.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- running wpkg ----------------------------------------------------------
    def env(self, d):
        e = {'PATH': '/usr/local/bin:/usr/bin:/bin', 'LC_ALL': 'C', 'NO_COLOR': '1', 'HOME': d['home'],
             'DOCKER_CONFIG': os.path.join(d['home'], '.docker'), 'XDG_RUNTIME_DIR': d['home'],
             'REGISTRY_AUTH_FILE': os.path.join(d['home'], 'auth.json'), 'TMPDIR': d['tmp'],
             'XDG_CONFIG_HOME': os.path.join(d['home'], '.config'),
             'XDG_CACHE_HOME': os.path.join(d['home'], '.cache')}
        for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'):
            if k in os.environ:
                e[k] = os.environ[k]
        return e

    def wpkg(self, d, *args, input=None, timeout=LIMIT_S + 30):
        return subprocess.run([WPKG] + [str(a) for a in args], env=self.env(d), cwd=d['dir'], input=input,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors='replace',
                              timeout=timeout)

    def setup_wpkg(self, d, *args):
        """Preparation straight against the registry (no proxy, no fault): must succeed."""
        r = self.wpkg(d, *plain(args))
        if r.returncode != 0:
            raise RuntimeError('setup failed: wpkg %s: %s' % (' '.join(args), r.stderr))
        return r

    def up(self, repo, tag=''):
        return '%s/%s%s' % (self.reg.host, repo, (':' + tag) if tag else '')

    def via(self, repo, tag=''):
        return '%s/%s%s' % (self.proxy.host, repo, (':' + tag) if tag else '')

    # -- registry checks -------------------------------------------------------
    def _get(self, path, accept=None):
        req = urllib.request.Request('http://%s%s' % (self.reg.host, path))
        req.add_header('Accept', accept or ','.join([
            'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json']))
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, b''

    def missing_blobs(self, repo):
        """Blobs referenced by any tagged manifest of repo (and by indexes' children) that the registry lacks."""
        st, body = self._get('/v2/%s/tags/list' % repo)
        if st != 200:
            return []
        missing = []
        todo = ['/v2/%s/manifests/%s' % (repo, t) for t in (json.loads(body).get('tags') or [])]
        while todo:
            st, doc = self._get(todo.pop())
            if st != 200:
                missing.append('manifest')
                continue
            doc = json.loads(doc)
            for m in doc.get('manifests') or []:
                todo.append('/v2/%s/manifests/%s' % (repo, m['digest']))
            for b in [doc.get('config')] + (doc.get('layers') or []):
                if b and self._get('/v2/%s/blobs/%s' % (repo, b['digest']))[0] != 200:
                    missing.append(b['digest'])
        return missing

    # -- one cell --------------------------------------------------------------
    def run(self, op, fault):
        self.n += 1
        cell = Cell(op, fault)
        d = {'dir': os.path.join(self.root, '%d' % self.n)}
        d.update(home=os.path.join(d['dir'], 'home'), tmp=os.path.join(d['dir'], 'tmp'),
                 out=os.path.join(d['dir'], 'out'))
        for k in ('home', 'tmp', 'out'):
            os.makedirs(d[k])
        d['repo'] = 'matrix/%s/%s' % (op, fault)
        spec = OPS[op]
        if fault == 'stale' and not spec.uploads:
            cell.ok = cell.na = True
            return cell
        spec.setup(self, d)
        how, times = FAULTS[fault]
        methods, pattern = spec.target
        if how == 'stale':
            # a session the registry forgot shows on the requests that use it, never on the POST opening it
            methods = tuple(x for x in methods if x in ('PATCH', 'PUT')) or methods
        self.proxy.clear()
        self.proxy.fault(methods, pattern, how, times)
        start = time.monotonic()
        try:
            r = self.wpkg(d, *plain(spec.argv(self, d)), input=spec.stdin)
        except subprocess.TimeoutExpired:
            cell.seconds = time.monotonic() - start
            cell.problems.append('still running after %ds' % (LIMIT_S + 30))
            return cell
        cell.seconds = time.monotonic() - start
        cell.hits = sum(1 for q in self.proxy.requests if q[2] is not None)
        self.proxy.clear()
        cell.status, cell.stderr = r.returncode, r.stderr
        if cell.seconds > LIMIT_S:
            cell.problems.append('took %.0f s' % cell.seconds)
        if r.returncode == 0:
            cell.problems += spec.verify(self, d, r)
        else:
            lines = r.stderr.strip().splitlines()
            if r.returncode not in FAIL_STATUSES + FAULT_STATUSES.get(fault, ()):
                cell.problems.append('exit status %d' % r.returncode)
            errors = [ln for ln in lines if ln.startswith('wpkg: error: ')]
            if len(errors) != 1:
                cell.problems.append('%d error lines' % len(errors))
            if os.listdir(d['out']):
                cell.problems.append('partial output: %s' % sorted(os.listdir(d['out'])))
        left = os.listdir(d['tmp'])
        for dirpath, dirnames, filenames in os.walk(d['out']):
            left += [n for n in dirnames + filenames if TEMP_RE.match(n)]
        if left:
            cell.problems.append('temporaries left: %s' % left[:3])
        if spec.pushes:
            missing = self.missing_blobs(d['repo'])
            if missing:
                cell.problems.append('manifest references missing blobs: %s' % missing[:2])
        cell.ok = not cell.problems
        return cell


# -- operations -------------------------------------------------------------------
class Op:
    """target: (methods, path pattern) the fault is put on; setup prepares, argv runs, verify checks a success."""
    pushes = False
    uploads = False   # opens upload sessions (the stale fault applies)
    stdin = None
    files = (SMALL, )
    target = BLOB_GET

    def setup(self, m, d):
        pass

    def verify(self, m, d, r):
        return []


def _compare(path, rel):
    if not os.path.isfile(path):
        return ['no output %s' % os.path.basename(path)]
    if _sha(path) != _sha(fixture(rel)):
        return ['wrong bytes in %s' % os.path.basename(path)]
    return []


class Push(Op):
    pushes = uploads = True
    target = UPLOAD

    def __init__(self, files=(SMALL, ), args=()):
        self.files, self.args = files, args

    def argv(self, m, d):
        return ['push'] + list(self.args) + [m.via(d['repo'], 'v1')] + [fixture(f) for f in self.files]

    def verify(self, m, d, r):
        back = os.path.join(d['dir'], 'back')
        os.makedirs(back)
        many = len(self.files) > 1
        dest = back + '/' if many else os.path.join(back, 'x.wasm')
        r2 = m.wpkg(d, *plain(['pull', '-o', dest, m.up(d['repo'], 'v1')]))
        if r2.returncode != 0:
            return ['pulled back: exit %d: %s' % (r2.returncode, r2.stderr.strip())]
        if many:
            return sum((_compare(os.path.join(back, os.path.basename(f)), f) for f in self.files), [])
        return _compare(dest, self.files[0])


class Pull(Op):
    def __init__(self, files=(SMALL, ), args=()):
        self.files, self.args = files, args

    def setup(self, m, d):
        m.setup_wpkg(d, 'push', *self.args, m.up(d['repo'], 'v1'), *[fixture(f) for f in self.files])

    def dest(self, d):
        return d['out'] + '/' if len(self.files) > 1 else os.path.join(d['out'], 'x.wasm')

    def argv(self, m, d):
        return ['pull', '-o', self.dest(d), m.via(d['repo'], 'v1')]

    def verify(self, m, d, r):
        if len(self.files) > 1:
            return sum((_compare(os.path.join(d['out'], os.path.basename(f)), f) for f in self.files), [])
        return _compare(self.dest(d), self.files[0])


class Copy(Pull):
    pushes = uploads = True
    target = (('GET', 'HEAD', 'POST', 'PUT', 'PATCH'), r'/blobs/')

    def argv(self, m, d):
        return ['copy', m.via(d['repo'], 'v1'), m.via(d['repo'] + '-copy', 'v1')]

    def verify(self, m, d, r):
        back = os.path.join(d['out'], 'x.wasm')
        r2 = m.wpkg(d, *plain(['pull', '-o', back, m.up(d['repo'] + '-copy', 'v1')]))
        problems = ([] if r2.returncode == 0 else ['pulled back: exit %d' % r2.returncode])
        return problems + _compare(back, SMALL) + m.missing_blobs(d['repo'] + '-copy')


class Tag(Pull):
    pushes = True
    target = MANIFEST_PUT

    def argv(self, m, d):
        return ['tag', m.via(d['repo'], 'v1'), 'v2']

    def verify(self, m, d, r):
        a = m.setup_wpkg(d, 'resolve', m.up(d['repo'], 'v1')).stdout
        b = m.wpkg(d, *plain(['resolve', m.up(d['repo'], 'v2')]))
        return [] if b.returncode == 0 and a == b.stdout else ['v2 does not resolve to v1']


class Tags(Pull):
    target = (('GET',), r'/tags/list')

    def setup(self, m, d):
        super().setup(m, d)
        m.setup_wpkg(d, 'tag', m.up(d['repo'], 'v1'), 'v2', 'v3')

    def argv(self, m, d):
        return ['tags', m.via(d['repo'])]

    def verify(self, m, d, r):
        return [] if r.stdout.split() == ['v1', 'v2', 'v3'] else ['tags printed %r' % r.stdout]


class Attach(Pull):
    pushes = uploads = True
    target = (('PUT', 'POST', 'PATCH'), r'/(manifests|blobs)/')

    def argv(self, m, d):
        return ['attach', '--artifact-type', 'application/spdx+json', m.via(d['repo'], 'v1'), fixture(OTHER)]

    def verify(self, m, d, r):
        r2 = m.wpkg(d, *plain(['discover', '--format', 'json', m.up(d['repo'], 'v1')]))
        return [] if r2.returncode == 0 and 'application/spdx+json' in r2.stdout else ['referrer not listed']


class Discover(Pull):
    target = (('GET',), r'/manifests/sha256-')

    def setup(self, m, d):
        super().setup(m, d)
        r = m.setup_wpkg(d, 'attach', '--format', 'json', '--artifact-type', 'application/spdx+json',
                         m.up(d['repo'], 'v1'), fixture(OTHER))
        d['referrer'] = re.search(r'sha256:[0-9a-f]{64}', r.stdout).group(0)

    def argv(self, m, d):
        return ['discover', m.via(d['repo'], 'v1')]

    def verify(self, m, d, r):
        return [] if d['referrer'] in r.stdout else ['referrer %s not printed' % d['referrer']]


class Login(Op):
    stdin = 'wpkg-password\n'
    target = (('GET',), r'^/v2/$')

    def argv(self, m, d):
        return ['login', '-u', 'wpkg-user', '--password-stdin', m.proxy.host]

    def verify(self, m, d, r):
        return []


OPS = {
    'push-single': Push(),
    'push-exploded': Push((BIG, ), ('--explode-depth', '1')),
    'push-multi': Push((SMALL, OTHER)),
    'push-chunked': Push((OTHER, ), ('--chunk-size', '16K')),
    'pull-single': Pull(),
    'pull-exploded': Pull((BIG, ), ('--explode-depth', '1')),
    'pull-multi': Pull((SMALL, OTHER)),
    'pull-image': Pull((SMALL, ), ('--artifact-format', 'image')),
    'copy': Copy(),
    'tag': Tag(),
    'attach': Attach(),
    'discover': Discover(),
    'tags': Tags(),
    'login': Login(),
}


def markdown(cells, ops, faults):
    by = {(c.op, c.fault): c for c in cells}
    lines = ['| operation | ' + ' | '.join(faults) + ' |', '|---' * (len(faults) + 1) + '|']
    for op in ops:
        lines.append('| %s | ' % op + ' | '.join(by[(op, f)].mark() if (op, f) in by else ''
                                               for f in faults) + ' |')
    return '\n'.join(lines)
