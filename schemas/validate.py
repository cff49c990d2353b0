#!/usr/bin/python3
"""validate.py - checks JSON documents against wpkg's schemas without touching the network.

Usage: python3 schemas/validate.py NAME FILE...   (NAME: manifest, index, descriptor, oci-layout, wasm-config)
As a module: validate(doc_or_bytes, name) raises jsonschema.ValidationError; validator(name) gives the validator.

The schemas carry $ids under https://wpkg.dev/schemas/ and refer to each other
relatively ("descriptor.schema.json"), so every schema is preloaded into the
resolver's store under its $id and its file:// URI: nothing is ever fetched.
"""
import json
import os
import sys
import warnings

import jsonschema

SCHEMA_DIR = os.path.dirname(os.path.abspath(__file__))
NAMES = ('descriptor', 'manifest', 'index', 'oci-layout', 'wasm-config', 'image-config', 'exploded-recipe',
         'multi-components', 'sigstore-bundle', 'cosign-payload')


def _store():
    store = {}
    for name in NAMES:
        path = os.path.join(SCHEMA_DIR, name + '.schema.json')
        with open(path, encoding='utf-8') as f:
            schema = json.load(f)
        store[schema['$id']] = schema
        store['file://' + path] = schema
    return store


def validator(name):
    store = _store()
    schema = store['file://' + os.path.join(SCHEMA_DIR, name + '.schema.json')]
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    with warnings.catch_warnings():
        # RefResolver is what Debian 12's jsonschema offers; newer ones warn about it.
        warnings.simplefilter('ignore', DeprecationWarning)
        resolver = jsonschema.RefResolver(base_uri=schema['$id'], referrer=schema, store=store)
    return cls(schema, resolver=resolver)


def validate(doc, name):
    if isinstance(doc, (bytes, bytearray, str)):
        doc = json.loads(doc)
    validator(name).validate(doc)


def main(argv):
    if len(argv) < 3 or argv[1] not in NAMES:
        sys.stderr.write('usage: validate.py {%s} FILE...\n' % ','.join(NAMES))
        return 2
    v = validator(argv[1])
    status = 0
    for path in argv[2:]:
        with open(path, 'rb') as f:
            doc = json.load(f)
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            where = '/'.join(str(p) for p in e.absolute_path) or '(top)'
            sys.stderr.write('%s: %s: %s\n' % (path, where, e.message))
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv))
