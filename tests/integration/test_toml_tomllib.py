# SPDX-License-Identifier: Apache-2.0
"""test_toml_tomllib.py - wpkg's TOML reader against Python's tomllib on tests/fixtures/toml.

valid/: both parse, and the value trees are equal, types included (True is not 1).
invalid/: both refuse.  unsupported/: valid TOML outside wpkg's subset (floats, dates,
integers beyond 64 bits, NUL): tomllib parses, wpkg refuses saying it is not supported.
"""

import json
import os
import subprocess
import tomllib
import unittest

import harness

DUMP = os.environ.get('TOML_DUMP') or os.path.join(harness.ROOT, 'build', 'tests', 'toml_dump')
CORPUS = os.path.join(harness.FIXTURES, 'toml')


def files(kind):
    d = os.path.join(CORPUS, kind)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith('.toml'))


def same(a, b, path='$'):
    """Raises AssertionError naming the first place where a and b differ, types included."""
    if type(a) is not type(b):
        raise AssertionError('%s: %r (%s) != %r (%s)' % (path, a, type(a).__name__, b, type(b).__name__))
    if isinstance(a, dict):
        if set(a) != set(b):
            raise AssertionError('%s: keys %r != %r' % (path, sorted(a), sorted(b)))
        for k in a:
            same(a[k], b[k], '%s.%s' % (path, k))
    elif isinstance(a, list):
        if len(a) != len(b):
            raise AssertionError('%s: %d items != %d' % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, '%s[%d]' % (path, i))
    elif a != b:
        raise AssertionError('%s: %r != %r' % (path, a, b))


def run(path):
    return subprocess.run([DUMP, path], capture_output=True, timeout=30)


class TomlAgainstTomllib(unittest.TestCase):
    def test_corpus_is_there(self):
        # The loops below pass vacuously on an empty directory: pin the sizes.
        self.assertGreaterEqual(len(files('valid')), 14)
        self.assertGreaterEqual(len(files('invalid')), 70)
        self.assertGreaterEqual(len(files('unsupported')), 9)

    def test_valid_trees_equal(self):
        for f in files('valid'):
            with self.subTest(file=os.path.basename(f)):
                with open(f, 'rb') as fh:
                    want = tomllib.load(fh)
                r = run(f)
                self.assertEqual(r.returncode, 0, r.stderr.decode())
                same(json.loads(r.stdout), want)

    def test_invalid_refused_by_both(self):
        for f in files('invalid'):
            with self.subTest(file=os.path.basename(f)):
                with open(f, 'rb') as fh:
                    with self.assertRaises((tomllib.TOMLDecodeError, UnicodeDecodeError)):
                        tomllib.load(fh)
                r = run(f)
                self.assertEqual(r.returncode, 1, r.stdout.decode())
                self.assertEqual(r.stdout, b'')
                self.assertRegex(r.stderr.decode(), r'^error: .*: line \d+, column \d+: \S')

    def test_unsupported_refused_clearly(self):
        for f in files('unsupported'):
            with self.subTest(file=os.path.basename(f)):
                with open(f, 'rb') as fh:
                    tomllib.load(fh)
                r = run(f)
                self.assertEqual(r.returncode, 1)
                self.assertRegex(r.stderr.decode(), r'line 1, column \d+: .*(not supported|64-bit range)')

    def test_error_positions(self):
        cases = {
            'dup-key.toml': 'line 2, column 1: duplicate key a (first at line 1)',
            'dup-table.toml': 'line 3, column 2: table [a] is already defined (line 1)',
            'dotted-then-header.toml': 'line 2, column 2: table [a] is already defined (line 1)',
            'inline-extended-by-dotted.toml': 'line 2, column 1: key a is already defined (line 1) and cannot be extended',
            'bad-escape.toml': 'line 1, column 6: invalid escape sequence in a string',
            'unterminated.toml': 'line 1, column 5: unterminated string (a newline in a one-line string)',
            'invalid-utf8.toml': 'line 1, column 6: invalid UTF-8',
            'array-no-comma.toml': "line 1, column 8: expected ',' or ']' in an array",
            'header-trailing.toml': "line 1, column 5: expected the end of the line, found 'b'",
            'nonascii-bare-key.toml': 'line 1, column 1: expected a key, found byte 0xC3',
        }
        for name, msg in cases.items():
            with self.subTest(file=name):
                f = os.path.join(CORPUS, 'invalid', name)
                r = run(f)
                self.assertEqual(r.stderr.decode(), 'error: %s: %s\n' % (f, msg))


if __name__ == '__main__':
    harness.main()
