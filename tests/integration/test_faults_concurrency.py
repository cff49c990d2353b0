# SPDX-License-Identifier: Apache-2.0
"""test_faults_concurrency.py - parallel read-modify-writes keep every change: config.json, a layout's index.json, an archive.

Each case starts N wpkg processes at once on one shared file and checks that all N changes are there
afterwards and that every process exited 0.  Without a lock around the read-modify-write, the last
rename wins and most changes are lost while every process still exits 0.
"""

import json
import os
import subprocess
import tarfile

import harness
from fakereg import FakeRegistry

USER, PASSWORD = 'wpkg-user', 'conc-pass-123'
COMPONENT = 'components/hello-c.component.wasm'


class ConcurrencyTests(harness.TestCase):

    def parallel(self, argvs, inputs=None):
        """Runs every argv at once; returns their (returncode, stderr), all bounded in time."""
        env = self.child_env()
        procs = [subprocess.Popen([harness.WPKG] + a, env=env, cwd=self.tmp, stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for a in argvs]
        # every input first: feeding one process at a time would serialise them
        for i, p in enumerate(procs):
            if inputs:
                p.stdin.write(inputs[i])
            p.stdin.close()
        out = []
        for p in procs:
            err = p.stderr.read()
            p.wait(timeout=120)
            out.append((p.returncode, err))
        for rc, err in out:
            self.assertEqual(rc, 0, err)
        return out

    def test_parallel_logins_keep_every_entry(self):
        regs = []
        for _ in range(10):
            r = FakeRegistry(auth=(USER, PASSWORD)).start()
            self.addCleanup(r.stop)
            regs.append(r)
        config = os.path.join(self.docker_config, 'config.json')
        # a few rounds: one round of 10 finishes in milliseconds, so a lost entry is likely but not certain
        # entries of other registries widen the read-to-rename window, as a long-used config.json does
        others = {'other%d.example' % i: {'auth': 'eDp5'} for i in range(3000)}
        os.makedirs(self.docker_config, mode=0o700, exist_ok=True)
        for _ in range(3):
            with open(config, 'w') as f:
                json.dump({'auths': others}, f)
            self.parallel([['login', '--plain-http', '-u', USER, '--password-stdin', r.host] for r in regs],
                          inputs=[PASSWORD + '\n'] * len(regs))
            with open(config) as f:
                auths = json.load(f)['auths']
            self.assertEqual(sorted(set(auths) - set(others)), sorted(r.host for r in regs))
            self.assertEqual(len(auths), len(others) + len(regs))
        self.assertNoTempFiles(self.docker_config)

    def test_parallel_tags_on_one_layout_keep_every_tag(self):
        layout = self.path('lay')
        self.wpkg('build', '-o', 'oci-layout:%s:v0' % layout, harness.fixture(COMPONENT))
        tags = ['t%02d' % i for i in range(20)]
        self.parallel([['tag', 'oci-layout:%s:v0' % layout, t] for t in tags])
        idx = harness.Layout(layout).index
        got = sorted(m['annotations']['org.opencontainers.image.ref.name'] for m in idx['manifests'])
        self.assertEqual(got, sorted(tags + ['v0']))
        self.assertNoTempFiles(layout)

    def test_parallel_builds_into_a_new_layout_keep_every_tag(self):
        layout = self.path('fresh')
        tags = ['b%02d' % i for i in range(12)]
        self.parallel([['build', '-o', 'oci-layout:%s:%s' % (layout, t), harness.fixture(COMPONENT)] for t in tags])
        idx = harness.Layout(layout).index
        got = sorted(m['annotations']['org.opencontainers.image.ref.name'] for m in idx['manifests'])
        self.assertEqual(got, tags)

    def test_parallel_pushes_into_one_archive_keep_every_tag(self):
        archive = self.path('many.tar')
        tags = ['p%d' % i for i in range(8)]
        self.parallel([['push', 'oci-archive:%s:%s' % (archive, t), harness.fixture(COMPONENT)] for t in tags])
        with tarfile.open(archive) as tf:
            idx = json.load(tf.extractfile('index.json'))
        got = sorted(m['annotations']['org.opencontainers.image.ref.name'] for m in idx['manifests'])
        self.assertEqual(got, tags)
        self.assertNoTempFiles(self.tmp)


if __name__ == '__main__':
    harness.main()
