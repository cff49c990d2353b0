# SPDX-License-Identifier: Apache-2.0
"""tap.py - the few lines of TAP the API checks print (they run without the integration harness)."""

import sys


class Tap:
    def __init__(self, n):
        self.n = 0
        self.bad = False
        print('1..%d' % n, flush=True)

    def check(self, name, ok, detail=''):
        self.n += 1
        print('%s %d - %s' % ('ok' if ok else 'not ok', self.n, name))
        if not ok:
            self.bad = True
            for line in str(detail).rstrip('\n').splitlines():
                print('# ' + line)
        sys.stdout.flush()

    def exit(self):
        sys.exit(1 if self.bad else 0)
