# SPDX-License-Identifier: Apache-2.0
"""mistakes.py - common mistakes of oras/crane/skopeo/regctl/wkg users, and the grade of wpkg's answer to each.

Each mistake: (what, argv, expected exit status, names, wrong, fix[, env]).  argv words may hold {plain} {tls}
{basic} (registry hosts), {ca}, {wasm}, {tmp},
{wasm_copy} (a copy of {wasm} that exists), {text} (a 3-byte text file), {bad_config} and {url_config} (config.toml files with a bad key and a bad table name).  names/wrong/fix are substrings that must be in stderr: the input
named, what is wrong, what to do.  Used by test_mistakes.py (every answer must grade A) and scripts/mistakes-table
(old binary against new)."""

MISTAKES = [
    ('unknown command', ['pussh'], 2, "'pussh'", 'unknown command', "did you mean 'push'"),
    ('no arguments to push', ['push'], 2, 'push', 'expected REF and FILE', "Try 'wpkg push --help'"),
    ('misspelt option', ['push', '--frmat', 'json', '{plain}/m/a:1', '{wasm}'], 2, "'--frmat'", 'unknown option',
     "Try 'wpkg push --help'"),
    ('bad --format value', ['tags', '--format', 'yaml', '{plain}/m/a'], 2, "'yaml'", 'is not text or json',
     "Try 'wpkg tags --help'"),
    ('option missing its value', ['push', '-p'], 2, "'-p'", 'needs a value', "Try 'wpkg push --help'"),
    ('number out of range', ['push', '--concurrency', '0', '{plain}/m/a:1', '{wasm}'], 2, '--concurrency',
     'is not a whole number from 1 to 64', "Try 'wpkg push --help'"),
    ('pushing a missing file', ['push', '{plain}/m/a:1', '{tmp}/missing.wasm'], 4, '{tmp}/missing.wasm',
     'No such file or directory', 'missing.wasm'),
    ('upper-case repository (docker refuses it too)', ['push', '{plain}/Mixed/app:1', '{wasm}'], 3, 'Mixed/app',
     'must be lowercase', "'M' at position"),
    ('a tag with a bad character', ['push', '{plain}/m/a:v1$', '{wasm}'], 3, 'v1$', "invalid character '$'",
     'position'),
    ('pull -o into a missing directory', ['pull', '-o', '{tmp}/no/such/dir/x.wasm', '{plain}/m/a:1'], 1,
     '{tmp}/no/such/dir', 'does not exist', 'create it first'),
    ('--ca-file that does not exist', ['tags', '--ca-file', '{tmp}/ca.pem', '{tls}/m/a'], 2, '{tmp}/ca.pem',
     'No such file or directory', 'give a readable PEM file'),
    ('--key-file without --cert-file', ['tags', '--key-file', '{ca}', '{tls}/m/a'], 2, '--key-file',
     'no --cert-file given', 'give both'),
    ('TLS registry without its CA', ['tags', '--retries', '0', '{tls}/m/a'], 7, '{tls}', 'certificate',
     'pass --ca-file'),
    ('--plain-http against a TLS registry', ['tags', '--plain-http', '{tls}/m/a'], 7, '{tls}',
     'speaks HTTPS, not plain HTTP', 'drop --plain-http'),
    ('missing tag', ['resolve', '{plain}/m/a:nope'], 4, 'nope', 'manifest unknown', "wpkg tags REPO"),
    ('missing repository', ['tags', '{plain}/no/such/repo'], 4, 'no/such/repo', 'repository name not known',
     'a push creates it'),
    ('push to an auth registry without login', ['push', '{basic}/m/a:1', '{wasm}'], 5, '{basic}',
     'credentials', 'wpkg login'),
    ('wrong password with -u', ['push', '-u', 'wpkg-user', '--password-stdin', '{basic}/m/a:1', '{wasm}'], 5,
     '{basic}', 'password', '-u', {'input': 'wrong-password\n'}),
    ('-p without -u at login', ['login', '-p', 'x', '{basic}'], 2, '--password', 'need --username', ''),
    ('login with no registry', ['login'], 2, 'login', 'expected one REGISTRY', "Try 'wpkg login --help'"),
    ('tags with no repository', ['tags'], 2, 'tags', 'expected one REPO', "Try 'wpkg tags --help'"),
    ('inspect of a missing file', ['inspect', '{tmp}/none.wasm'], 4, '{tmp}/none.wasm', 'No such file', ''),
    ('blob fetch without a digest', ['blob', 'fetch', '{plain}/m/a:1', '-o', '{tmp}/b'], 2, '{plain}/m/a:1',
     'names no blob', 'REPO@sha256:DIGEST'),
    ('unknown subcommand of manifest', ['manifest', 'get', '{plain}/m/a:1'], 2, "'get'", 'is not a manifest verb',
     'fetch or fetch-config'),
    ('copy with one argument', ['copy', '{plain}/m/a:1'], 2, 'copy', 'expected SRC and DST',
     "Try 'wpkg copy --help'"),
    ('a directory given as the file', ['push', '{plain}/m/a:1', '{tmp}'], 3, '{tmp}', 'not a regular file',
     'give wpkg a file'),
    ('a short digest', ['resolve', '{plain}/m/a@sha256:123'], 3, 'sha256:123', 'needs 64 hex digits', 'found 3'),
    ('wkg-style package format name', ['push', '--artifact-format', 'wasi', '{plain}/m/a:1', '{wasm}'], 2,
     '"wasi"', 'unknown package format', 'expected wasm, image or runwasi'),
    ('pull over a file with --keep-old-files', ['pull', '--keep-old-files', '-o', '{wasm_copy}', '{plain}/m/a:1'],
     1, '{wasm_copy}', 'the file exists', '--keep-old-files'),
    ('a text file pushed as Wasm', ['push', '{plain}/m/a:1', '{text}'], 3, '{text}', 'not a WebAssembly binary',
     'give a .wasm file'),
    ('tag with no new tag', ['tag', '{plain}/m/a:1'], 2, 'tag', 'at least one NEWTAG', "Try 'wpkg tag --help'"),
    ('delete with no reference', ['delete'], 2, 'delete', 'expected one REF', "Try 'wpkg delete --help'"),
    ('completion for an unknown shell', ['completion', 'tcsh'], 2, "'tcsh'", 'is not a shell wpkg completes',
     'bash, zsh or fish'),
    ('delete of a missing tag', ['delete', '{plain}/m/a:gone'], 4, 'gone', 'manifest unknown', 'wpkg tags REPO'),
    ('inspect with nothing to inspect', ['inspect'], 2, 'inspect', 'missing FILE or REF',
     "Try 'wpkg inspect --help'"),
    ('manifest with no verb', ['manifest'], 2, 'manifest', 'expected fetch or fetch-config',
     "Try 'wpkg manifest --help'"),
    ('unknown cache command', ['cache', 'frob'], 2, "'frob'", 'unknown cache command',
     'expected ls, du, prune or clean'),
    ('negative --retries', ['push', '--retries', '-1', '{plain}/m/a:1', '{wasm}'], 2, "'-1'",
     'is not a whole number from 0 to 100', "Try 'wpkg push --help'"),
    ('non-numeric --timeout', ['push', '--timeout', '30s', '{plain}/m/a:1', '{wasm}'], 2, "'30s'",
     'is not a whole number from 1 to 3600', "Try 'wpkg push --help'"),
    ('discover with no reference', ['discover'], 2, 'discover', 'expected one REF', "Try 'wpkg discover --help'"),
    ('attach with no files', ['attach', '{plain}/m/a:1'], 2, 'attach', 'expected REF and at least one FILE',
     "Try 'wpkg attach --help'"),
    ('--password-stdin with nothing piped in', ['login', '-u', 'wpkg-user', '--password-stdin', '{basic}'], 3,
     '--password-stdin', 'nothing on standard input', 'pipe the password in'),
    ('unknown global option', ['--frobnicate'], 2, "'--frobnicate'", 'unknown option', "Try 'wpkg --help'"),
    ('help for a misspelt command', ['help', 'pusj'], 2, "'pusj'", 'unknown command', "did you mean 'push'"),
    ('-o with no path', ['pull', '{plain}/m/a:1', '-o'], 2, "'-o'", 'needs a value', "Try 'wpkg pull --help'"),
    ('double slash in a reference', ['push', '{plain}//a:1', '{wasm}'], 3, '//a:1', 'empty path component',
     "'//' at position"),
    ('two tags in one reference', ['push', '{plain}/m/a:1:2', '{wasm}'], 3, 'a:1:2', "invalid character ':'",
     'at position'),
    ('empty oci-layout path', ['copy', '{plain}/m/a:1', 'oci-layout:'], 3, 'oci-layout:', 'path is empty', ''),
    ('wrong password at login', ['login', '-u', 'wpkg-user', '--password-stdin', '{basic}'], 5, '{basic}',
     'refused the password of wpkg-user', 'check it and log in again', {'input': 'not-the-password\n'}),
    ('pull of a missing tag', ['pull', '-o', '{tmp}/x.wasm', '{plain}/m/a:nope'], 4, 'nope', 'manifest unknown',
     'wpkg tags REPO'),
    ('--offline pull of a tag never fetched', ['pull', '--offline', '-o', '{tmp}/x.wasm', '{plain}/m/a:never'], 4,
     'm/a:never', 'is not in the cache', 'pull it once without --offline'),
    ('--offline with a command that needs the registry', ['tags', '--offline', '{plain}/m/a'], 7, 'listing tags',
     'needs the registry', 'run it without --offline'),
    ('a --config file that does not exist', ['tags', '--config', '{tmp}/nope.toml', '{plain}/m/a'], 3,
     '{tmp}/nope.toml', 'No such file or directory', 'give a readable TOML file to --config'),
    ("docker's key name in config.toml", ['tags', '--config', '{bad_config}', '{plain}/m/a'], 3,
     '{bad_config}: line 2', 'unknown key insecure_skip_verify', 'expected plain_http, insecure'),
    ('a registry table in config.toml with a URL', ['config', '--config', '{url_config}'], 3,
     '"https://r.example"', 'is not HOST or HOST:PORT', 'HOST:PORT'),
    ('an identity token and a password together', ['tags', '--identity-token-stdin', '-u', 'x', '--password-stdin',
     '{plain}/m/a'], 3, '--identity-token-stdin', 'and a password both given', 'pass one', {'input': 't\n'}),
    ('--identity-token-stdin with nothing piped in', ['login', '--identity-token-stdin', '{basic}'], 3,
     '--identity-token-stdin', 'nothing on standard input', 'pipe the token in'),
]


GRADES = 'FDCBA'


def grade(returncode, stderr, m, sub):
    """A..F: one point each for the documented exit status, naming the input, saying what is wrong, saying what
    to do (when the brief's fix is '', what is wrong says it: a missing file) and one error line (plus 'Try')."""
    what, argv, code, names, wrong, fix = m[:6]
    lines = [ln for ln in stderr.splitlines() if ln.startswith('wpkg: error:')]
    points = [returncode == code, names.format(**sub) in stderr, wrong.format(**sub) in stderr,
              fix.format(**sub) in stderr, len(lines) == 1]
    return GRADES[max(0, sum(points) - 1)], points


def prepare(tmp, wasm):
    """The substitutions of the mistakes' words; writes the files they name under tmp."""
    import shutil
    shutil.copy(wasm, tmp + '/copy.wasm')
    with open(tmp + '/notes.txt', 'w') as f:
        f.write('hi\n')
    with open(tmp + '/bad-config.toml', 'w') as f:
        f.write('[registry."r.example"]\ninsecure_skip_verify = true\n')
    with open(tmp + '/url-config.toml', 'w') as f:
        f.write('[registry."https://r.example"]\nplain_http = true\n')
    return {'tmp': tmp, 'wasm': wasm, 'wasm_copy': tmp + '/copy.wasm', 'text': tmp + '/notes.txt',
            'bad_config': tmp + '/bad-config.toml', 'url_config': tmp + '/url-config.toml'}


def run(wpkg, m, sub, env, timeout=60):
    """(exit status, stderr) of wpkg making mistake m."""
    import subprocess
    extra = m[6] if len(m) > 6 else {}
    argv = [a.format(**sub) for a in m[1]]
    r = subprocess.run([wpkg] + argv, input=extra.get('input', ''), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors='replace', env=env, timeout=timeout)
    return r.returncode, r.stderr


class Registries:
    """The plain, tls and basic registries the mistakes name, with m/a:1 pushed to plain by wpkg."""

    def __init__(self, wpkg, tmp, wasm, env):
        import subprocess
        from registry import Registry
        self.regs = {v: Registry(v) for v in ('plain', 'tls', 'basic')}
        for r in self.regs.values():
            r.start()
        self.sub = prepare(tmp, wasm)
        self.sub.update({v: r.host for v, r in self.regs.items()})
        self.sub['ca'] = self.regs['tls'].ca_file
        subprocess.run([wpkg, 'push', '-q', self.sub['plain'] + '/m/a:1', wasm], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self):
        for r in self.regs.values():
            r.stop()
