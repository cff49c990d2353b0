# SPDX-License-Identifier: Apache-2.0
"""test_exports.py - libwpkg.so exports exactly the WPKG_API declarations of include/wpkg/, all named wpkg_*.

Usage: test_exports.py LIBWPKG_SO INCLUDE_DIR SOVERSION
"""

import os
import re
import subprocess
import sys

from tap import Tap

lib, include_dir, soversion = sys.argv[1:4]

nm = subprocess.run(['nm', '-D', '--defined-only', lib], stdout=subprocess.PIPE, text=True, check=True).stdout
exported = set()
for line in nm.splitlines():
    parts = line.split()
    if len(parts) >= 3:
        exported.add(parts[2].split('@')[0])
# AddressSanitizer adds an ODR indicator for each exported variable: part of the instrumentation, not the API.
exported = {s for s in exported if not (s.startswith('__odr_asan.') and s[len('__odr_asan.'):] in exported)}

# The names every public header marks WPKG_API (a declaration may span lines: the name follows the type).
declared = set()
for name in sorted(os.listdir(include_dir)):
    if name.endswith('.h'):
        with open(os.path.join(include_dir, name)) as f:
            text = f.read()
        for m in re.finditer(r'^WPKG_API\b[^;(\[]*?\b(\w+)\s*[(\[]', text, re.M):
            declared.add(m.group(1))

dynamic = subprocess.run(['readelf', '-d', lib], stdout=subprocess.PIPE, text=True, check=True).stdout
sonames = re.findall(r'\(SONAME\)\s+Library soname: \[([^\]]+)\]', dynamic)

t = Tap(5)
t.check('the library has a SONAME of libwpkg.so.%s' % soversion, sonames == ['libwpkg.so.' + soversion],
        'SONAME: %r' % sonames)
foreign = sorted(s for s in exported if not s.startswith('wpkg_'))
t.check('every exported symbol is named wpkg_*', not foreign, 'exported but not wpkg_*: %s' % ' '.join(foreign))
internal = sorted(exported - declared)
t.check('nothing is exported that no public header declares', not internal,
        'exported but not WPKG_API in include/wpkg: %s' % ' '.join(internal))
missing = sorted(declared - exported)
t.check('every WPKG_API declaration is exported', not missing,
        'declared WPKG_API but not exported: %s' % ' '.join(missing))
core = {'wpkg_version', 'wpkg_version_numbers', 'wpkg_global_init', 'wpkg_global_cleanup', 'wpkg_error_set',
        'wpkg_wasm_inspect'}
t.check('the core entry points are exported', core <= exported, 'missing: %s' % ' '.join(sorted(core - exported)))
t.exit()
