# SPDX-License-Identifier: Apache-2.0
"""test_headers.py - every installed header compiles on its own in C11 and C++11, and wpkg.h includes them all.

Usage: test_headers.py INCLUDE_DIR LIBDIR CC CXX
A C++ program including wpkg/wpkg.h is also linked against the shared library
(LIBDIR) and run, so the extern "C" guards are checked where they matter: at link time.
"""

import os
import re
import subprocess
import sys
import tempfile

from tap import Tap

include_dir, libdir, cc, cxx = sys.argv[1:5]
root = os.path.dirname(include_dir.rstrip('/'))
headers = sorted(n for n in os.listdir(include_dir) if n.endswith('.h'))
STRICT = ['-Wall', '-Wextra', '-Wpedantic', '-Werror', '-Wshadow', '-Wundef']


def compile_alone(compiler, std, header, tmp):
    suffix = '.cc' if std.startswith('c++') else '.c'
    src = os.path.join(tmp, 'one' + suffix)
    with open(src, 'w') as f:
        # the typedef keeps a header of macros only from being an empty translation unit
        f.write('#include "wpkg/%s"\ntypedef int header_test_unit;\n' % header)
    r = subprocess.run([compiler, '-std=' + std] + STRICT + ['-I' + root, '-fsyntax-only', src],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode == 0, r.stdout


with open(os.path.join(include_dir, 'wpkg.h')) as f:
    umbrella = set(re.findall(r'^#include "wpkg/([^"]+)"', f.read(), re.M))

t = Tap(2 * len(headers) + 2)
with tempfile.TemporaryDirectory(prefix='wpkg-headers-') as tmp:
    for h in headers:
        for compiler, std in ((cc, 'c11'), (cxx, 'c++11')):
            ok, out = compile_alone(compiler, std, h, tmp)
            t.check('%s compiles alone as %s' % (h, std), ok, out)
    missing = sorted(set(headers) - umbrella - {'wpkg.h'})
    t.check('wpkg.h includes every installed header', not missing, 'not in wpkg.h: %s' % ' '.join(missing))

    prog = os.path.join(tmp, 'cxx.cc')
    with open(prog, 'w') as f:
        # init nests: two inits, two cleanups; the version as a string and as numbers
        f.write('#include "wpkg/wpkg.h"\n#include <cstdio>\n'
                'int main() {\n\tstruct wpkg_error err = {};\n\tint major = -1, minor = -1, patch = -1;\n'
                '\tif (wpkg_global_init(&err) != 0 || wpkg_global_init(&err) != 0) return 1;\n'
                '\twpkg_version_numbers(&major, &minor, &patch);\n'
                '\tstd::printf("%s %d.%d.%d\\n", wpkg_version(), major, minor, patch);\n'
                '\twpkg_global_cleanup();\n\twpkg_global_cleanup();\n\treturn 0;\n}\n')
    exe = os.path.join(tmp, 'cxx')
    # a sanitized libwpkg.so needs the sanitizer runtimes in the program that loads it
    sanitize = os.environ.get('WPKG_SANITIZE', 'none')
    san = ['-fsanitize=' + sanitize] if sanitize != 'none' else []
    r = subprocess.run([cxx, '-std=c++11'] + STRICT + san + ['-I' + root, prog, '-o', exe, '-L' + libdir, '-lwpkg',
                       '-Wl,-rpath,' + libdir], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = r.stdout
    if r.returncode == 0:
        r = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
        out += r.stdout
    version = os.environ.get('WPKG_EXPECTED_VERSION', '')
    t.check('a C++ program links libwpkg.so and calls it (prints %s)' % version,
            r.returncode == 0 and out.strip() == '%s %s' % (version, version), out)
t.exit()
