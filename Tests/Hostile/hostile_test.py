#!/usr/bin/env python3
"""Hostile-input test of the code generator (make hostile-test).

Generates N seeded random *valid* connector specs whose every free-text slot is filled from
quotes, backslashes, `\\(`, `\"\"\"`, `#`, `*/`, newlines, tabs, control characters, bidi marks,
emoji, Swift keywords and names starting with digits. Generates Swift for all of them with
`connector-compiler generate --string-table`, compiles everything in ONE `swift build` of a
scratch package that depends on this package by path (with the same warning flags as CI), runs
a small executable that prints every string back, and compares byte for byte.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

PIECES = [
    '"', '\\', '\\(', '\\(x)', '"""', '#', '#"', '"#', '##', '*/', '/*', '//', '///', '\n', '\t', '\r', '\r\n',
    '\x01', '\x07', '\x0b', '\x0c', '\x1b', '\x1f', '\x7f', '\x85', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066',
    '\u2069', '\u2028', '\u2029', '\ufeff', '😀', '👨‍👩‍👧', '🇫🇷', 'é', 'ﬁ', '漢字', 'default', 'class', 'self', 'Self',
    'init', 'Type', 'protocol', 'func', 'let x = 1', '1abc', '42', '`', '${x}', '%s', '%@', ' ', '  ', '#if os(Linux)',
    '#endif', '}', '{', ')', '(', '];', "'", '<!--', '- Remark:', '```', '\\u{41}', '\\n', '\u0000'.replace('\u0000', 'NUL'),
]
# Template slots (header values, parameter values, prefixes) must not contain `{{`/`}}`;
# these pieces never combine into them because `{` and `}` are never adjacent twice.
KEYWORD_KEYS = [
    'default', 'class', 'self', 'init', 'in', 'for', 'return', 'type', 'fields', 'text', 'value0', 'token0',
    'rawValue', 'hashValue', 'internal', 'public', 'protocol', 'extension', 'let', 'var', 'func', 'is', 'as',
    'nil', 'true', 'try', 'throws', 'any', 'some', 'headers', 'parameters', 'scopes', 'key', 'field', 'url',
    'description', 'deinit', 'subscript', 'operator', 'where', 'switch', 'case', 'defer', 'guard', 'import',
]
VARIANT_IDS = [
    'default', 'self', 'type', 'protocol', 'fields', 'scope', 'swift', 'foundation', 'connector_runtime',
    'a_b', 'a__b', 'oauth', 'api_key', 'class', 'init', 'any', 'x1', 'connectors', 'connector_catalog',
]
# Field keys and variant ids the validator refuses because the generator would rename them
# (`swift-name-reserved`): the hostile test checks what validates, so it leaves them out; their
# diagnostics are covered by the fixture corpus. Keywords the generator only backticks stay in.
RENAMED_KEYS = {'self', 'init', 'deinit', 'subscript', 'rawValue', 'hashValue', 'fields'}
KEYWORD_KEYS = [k for k in KEYWORD_KEYS if k not in RENAMED_KEYS]
RENAMED_VARIANT_IDS = {'self', 'type', 'protocol', 'fields', 'scope', 'swift', 'foundation', 'connector_runtime', 'any',
                       'connectors', 'connector_catalog', 'a__b'}
VARIANT_IDS = [v for v in VARIANT_IDS if v not in RENAMED_VARIANT_IDS]
KINDS = ['apiKey', 'basic', 'serviceUser', 'bearerToken', 'oauth2AuthorizationCode', 'oauth2ClientCredentials',
         'oauth2RefreshToken']


class Maker:
    def __init__(self, rng):
        self.rng = rng

    def text(self, minimum=1):
        r = self.rng
        parts = [r.choice(PIECES) for _ in range(r.randint(minimum, 6))]
        if r.random() < 0.5:
            parts.insert(r.randint(0, len(parts)), ''.join(r.choice('abcXYZ019 _-') for _ in range(r.randint(1, 5))))
        s = ''.join(parts)
        while '{{' in s or '}}' in s:
            s = s.replace('{{', '{ {').replace('}}', '} }')
        return s

    def header_value(self):
        # Header values: printable, no line breaks or control characters (the validator refuses
        # them: header injection), but quotes, backslashes, `\(`, `#`, `*/`, emoji and bidi marks.
        r = self.rng
        safe = [p for p in PIECES if not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in '\u2028\u2029' for c in p)]
        s = ''.join(r.choice(safe) for _ in range(r.randint(1, 5)))
        while '{{' in s or '}}' in s:
            s = s.replace('{{', '{ {').replace('}}', '} }')
        return s.strip() or 'x'

    def path_piece(self):
        r = self.rng
        return ''.join(r.choice(["a", "'", "(", ")", "*", "!", "$", ";", ",", "=", "~", "@", "%20", "-", "_", ".b", "1"])
                       for _ in range(r.randint(1, 6)))


def make_spec(index, rng, tweak):
    m = Maker(rng)
    spec_id = rng.choice(['h', 'class_', 'default_', 'type_', 'self_', 'x']) + '%04d' % index
    keys = KEYWORD_KEYS[:]
    rng.shuffle(keys)
    keys += ['k%d' % i for i in range(100)]
    key_iter = iter(keys)

    def field(ftype, supplier='config', extra=None):
        f = {'key': next(key_iter), 'label': m.text(), 'type': ftype, 'supplier': supplier}
        if rng.random() < 0.7:
            f['help'] = m.text()
        if rng.random() < 0.4:
            f['placeholder'] = m.text()
        if ftype == 'select':
            values = []
            while len(values) < rng.randint(1, 4):
                v = m.text()
                if v not in values:
                    values.append(v)
            f['options'] = [{'value': v, 'label': m.text()} for v in values]
            if rng.random() < 0.5:
                f['default'] = rng.choice(values)
        if extra:
            f.update(extra)
        return f

    # Connector-level fields, used in the API base URL and headers.
    connector_fields = [field(rng.choice(['text', 'select', 'number', 'boolean'])) for _ in range(rng.randint(0, 3))]
    base = 'https://api.example.com/' + m.path_piece()
    for f in connector_fields:
        base += '/{{' + f['key'] + (' | urlencode' if f['type'] in ('text', 'select') else '') + '}}'
    # No query in the base URL (`base-url-query`): request paths are appended to it.
    api_headers = {}
    for i in range(rng.randint(0, 3)):
        api_headers['X-H%d-%s' % (i, rng.choice(['a', 'B', 'c1']))] = m.header_value()
    api = {'baseURL': base, 'verify': {'path': '/' + m.path_piece() + '?q=' + m.path_piece()}}
    if api_headers:
        api['headers'] = api_headers

    variant_ids = rng.sample(VARIANT_IDS, rng.randint(1, 3))
    auth = []
    for vid in variant_ids:
        kind = rng.choice(KINDS)
        v = {'id': vid, 'label': m.text() + ' ' + vid, 'type': kind}
        fields = []
        headers = {}
        if rng.random() < 0.5:
            extra = field(rng.choice(['text', 'select', 'number', 'boolean']))
            fields.append(extra)
            headers['X-Extra'] = (m.header_value().rstrip('{') or 'x') + '{{' + extra['key'] + '}}'
        if rng.random() < 0.5:
            headers['X-Lit'] = m.header_value()
        if kind == 'apiKey':
            key = field('secret')
            fields.append(key)
            v['value'] = '{{' + key['key'] + '}}'
            placement = rng.choice(['header', 'query', 'basicUsername'])
            v['in'] = placement
            if placement == 'header':
                v['name'] = 'X-Api-Key'
                prefix = rng.choice(['', 'Bearer ', 'SSWS ', m.header_value() + ' '])
                if prefix:
                    v['prefix'] = prefix
            elif placement == 'query':
                v['name'] = 'api_key'
            else:
                v['password'] = m.header_value()
        elif kind == 'basic' or (kind == 'serviceUser' and rng.random() < 0.5):
            user = field(rng.choice(['text', 'email']))
            pw = field('secret')
            fields += [user, pw]
            creds = {'username': '{{' + user['key'] + '}}', 'password': '{{' + pw['key'] + '}}'}
            if kind == 'basic':
                v.update(creds)
            else:
                v['basic'] = creds
        elif kind == 'serviceUser':
            uid = field('text')
            tok = field('secret')
            fields += [uid, tok]
            v['credentialHeaders'] = {'X-Service-User': '{{' + uid['key'] + '}}', 'X-Service-Token': '{{' + tok['key'] + '}}'}
        elif kind == 'bearerToken':
            tok = field('secret')
            fields.append(tok)
            v['token'] = '{{' + tok['key'] + '}}'
        else:
            cid = field('text', 'setup')
            cs = field('secret', 'setup')
            fields += [cid, cs]
            v['client'] = 'app'
            v['clientId'] = '{{' + cid['key'] + '}}'
            v['clientSecret'] = '{{' + cs['key'] + '}}'
            v['tokenURL'] = 'https://auth.example.com/' + m.path_piece() + '/token'
            catalog = []
            names = []
            for _ in range(rng.randint(0, 5)):
                name = m.header_value().replace(' ', '').replace(',', '') or 'scope'
                if name not in names:
                    names.append(name)
                    catalog.append({'name': name, 'description': m.text()})
            if catalog:
                v['scopes'] = {'separator': ' ', 'default': rng.sample(names, rng.randint(0, len(names))), 'catalog': catalog}
            if rng.random() < 0.5:
                v['tokenParams'] = {'audience': m.header_value()}
            if kind == 'oauth2AuthorizationCode':
                v['authorizeURL'] = 'https://auth.example.com/' + m.path_piece() + '/authorize'
                v['authorizeParams'] = {'prompt': m.header_value()}
                v['refreshParams'] = {'redirect_uri': '{{redirectURI}}'}
            if kind == 'oauth2RefreshToken':
                rt = field('secret')
                fields.append(rt)
                v['refreshToken'] = '{{' + rt['key'] + '}}'
        if fields:
            v['fields'] = fields
        if headers:
            v['headers'] = headers
        guide = {'sections': []}
        if rng.random() < 0.6:
            guide['warnings'] = [m.text() for _ in range(rng.randint(1, 2))]
        for _ in range(rng.randint(1, 2)):
            section = {'title': m.text(), 'steps': []}
            if rng.random() < 0.5:
                section['intro'] = m.text()
            for _ in range(rng.randint(1, 3)):
                step = {'title': m.text(), 'text': m.text()}
                if rng.random() < 0.4:
                    step['list'] = [m.text() for _ in range(rng.randint(1, 3))]
                section['steps'].append(step)
            guide['sections'].append(section)
        v['guide'] = guide
        auth.append(v)

    spec = {'specVersion': 1, 'id': spec_id, 'name': m.text(), 'categories': ['hris'],
            'docsURL': 'https://docs.example.com/' + m.path_piece(), 'api': api, 'auth': auth}
    if rng.random() < 0.7:
        spec['description'] = m.text()
    if rng.random() < 0.5:
        spec['requirements'] = [{'kind': rng.choice(['admin', 'plan', 'other']), 'text': m.text()}]
    if connector_fields:
        spec['fields'] = connector_fields
    if rng.random() < 0.5:
        spec['availableData'] = [m.text() for _ in range(rng.randint(1, 3))]
    # Resources from their own generator, so the specs above stay those of earlier runs.
    rrng = random.Random('resources-%d-%d' % (index, rng.randint(0, 1 << 30)))
    if rrng.random() < 0.6:
        spec['resources'] = make_resources(Maker(rrng), rrng)
    return spec


# Input names the generator only backticks (`in`, `inout`...); the ones it would rename are
# refused by `swift-name-reserved` (fixture corpus) and left out here.
INPUT_NAMES = ['in', 'inout', 'default', 'for', 'class', 'let', 'var', 'where', 'return', 'is', 'as', 'try', 'status',
               'updatedAfter', 'type', 'arguments', 'record', 'list', 'pages', 'get', 'id', 'raw']
# Record field names are the provider's JSON keys: anything, including names the generator
# renames (`raw`, `self`, `first_name` next to `firstName`), which only warn.
FIELD_NAMES = ['raw', 'self', 'init', 'type', 'Type', 'first_name', 'firstName', 'first-name', 'default', 'in',
               'record', 'id', 'ID', '1st', '_', 'status', 'Status', 'user', 'User', 'description', 'hashValue']


def make_resources(m, rng):
    resources = []
    for r in range(rng.randint(1, 2)):
        record = 'R%dRecord' % r
        names = []
        while len(names) < rng.randint(1, 6):
            name = rng.choice(FIELD_NAMES) if rng.random() < 0.6 else m.text()
            if name not in names:
                names.append(name)
        fields = []
        for name in names:
            ftype = rng.choice(['string', 'integer', 'number', 'boolean', 'date', 'date-time', 'enum', 'object', 'array'])
            f = {'name': name, 'type': ftype, 'required': rng.random() < 0.5}
            if ftype == 'enum':
                values = []
                while len(values) < rng.randint(1, 4):
                    v = m.text() if rng.random() < 0.7 else rng.choice(['self', 'init', 'default', 'a', 'A'])
                    if v not in values:
                        values.append(v)
                f['values'] = values
            if ftype == 'array':
                f['items'] = rng.choice(['string', 'integer', 'number', 'boolean', 'object'])
            if ftype == 'date-time':
                f['format'] = rng.choice(['iso8601', 'unixSeconds', 'unixMilliseconds'])
            if rng.random() < 0.5:
                f['description'] = m.text()
            fields.append(f)
        inputs = []
        for name in rng.sample(INPUT_NAMES, rng.randint(0, 4)):
            itype = rng.choice(['string', 'integer', 'number', 'boolean', 'date', 'date-time', 'enum'])
            if name == 'type' and itype == 'enum':
                itype = 'string'  # an enum `type` would be the Swift enum `Type_`: refused
            i = {'name': name, 'type': itype, 'parameter': 'p_' + name, 'required': rng.random() < 0.5}
            if itype == 'enum':
                i['values'] = list(dict.fromkeys(m.header_value() for _ in range(rng.randint(1, 3))))
            if rng.random() < 0.5:
                i['description'] = m.text()
            inputs.append(i)
        style = rng.choice(['none', 'cursor'])
        pagination = {'style': style}
        if style == 'cursor':
            pagination.update({'cursorParam': 'cursor', 'cursorPointer': '/next', 'stop': 'absentCursor'})
        resource = {'name': 'res%d' % r, 'record': record, 'fields': fields,
                    'list': {'path': '/' + m.path_piece(), 'records': '/data', 'inputs': inputs, 'pagination': pagination}}
        if rng.random() < 0.5:
            resource['description'] = m.text()
        resources.append(resource)
    return resources


def expected_strings(spec):
    """Every string the generator must compile into `specStrings` (compared as a multiset)."""
    out = [spec['name']]
    if 'description' in spec:
        out.append(spec['description'])
    out += [r['text'] for r in spec.get('requirements', [])]
    out += spec.get('availableData', [])
    for name, value in spec['api'].get('headers', {}).items():
        out += [name, value]
    for v in spec['auth']:
        out.append(v['label'])
        for f in spec.get('fields', []) + v.get('fields', []):
            out.append(f['label'])
            for k in ('help', 'placeholder'):
                if k in f:
                    out.append(f[k])
            for o in f.get('options', []):
                out += [o['value'], o['label']]
        for name, value in v.get('headers', {}).items():
            out += [name, value]
        scopes = v.get('scopes')
        if scopes:
            seen = []
            for entry in scopes.get('catalog', []):
                if entry['name'] not in seen:
                    seen.append(entry['name'])
                    out += [entry['name'], entry['description']]
            for name in scopes.get('default', []) + scopes.get('required', scopes.get('default', [])):
                if name not in seen:
                    seen.append(name)
                    out.append(name)
        guide = v['guide']
        out += guide.get('warnings', [])
        for section in guide['sections']:
            out.append(section['title'])
            if 'intro' in section:
                out.append(section['intro'])
            for step in section['steps']:
                out += [step['title'], step['text']] + step.get('list', [])
    return out


def type_name(spec_id):
    return ''.join(part[:1].upper() + part[1:] for part in spec_id.split('_') if part)


CHECK_MAIN = '''import ConnectorRuntime
import Foundation
import Hostile

struct Variant: Encodable { var id: String; var label: String; var type: String; var fieldKeys: [String] }
struct Entry: Encodable { var id: String; var displayName: String; var docsURL: String; var strings: [String]; var variants: [Variant] }

func entry(_ type: any ConnectorDefinition.Type, _ strings: [String]) -> Entry {
    Entry(id: type.id, displayName: type.displayName, docsURL: type.docsURL, strings: strings,
          variants: type.authVariants.map { Variant(id: $0.id, label: $0.label, type: $0.type, fieldKeys: $0.fieldKeys) })
}

var entries: [Entry] = []
'''


def write_specs(folder, rng, count):
    """Writes `count` seeded specs to `folder` (created if missing) and returns them."""
    os.makedirs(folder, exist_ok=True)
    specs = [make_spec(i, rng, None) for i in range(count)]
    for spec in specs:
        with open(os.path.join(folder, spec['id'] + '.json'), 'w', encoding='utf-8') as f:
            json.dump(spec, f, indent=1, ensure_ascii=bool(rng.random() < 0.5))
    return specs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--compiler', required=True)
    parser.add_argument('--package', required=True)
    parser.add_argument('--count', type=int, default=220)
    parser.add_argument('--seed', type=int, default=20261123)
    parser.add_argument('--keep', action='store_true', help='keep the scratch folder')
    parser.add_argument('--specs-only', metavar='DIR',
                        help='only write the specs to DIR (the ones the test compiles) and exit')
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.specs_only:
        write_specs(args.specs_only, rng, args.count)
        return 0
    compiler = os.path.abspath(args.compiler)
    work = tempfile.mkdtemp(prefix='hostile-')
    try:
        specs_dir = os.path.join(work, 'specs')
        os.makedirs(specs_dir)
        specs = write_specs(specs_dir, rng, args.count)
        package = os.path.join(work, 'pkg')
        generated = os.path.join(package, 'Sources', 'Hostile')
        run([compiler, 'generate', '--output', generated, '--catalog', '--string-table', '--source-root', work, specs_dir])
        check = os.path.join(package, 'Sources', 'Check')
        os.makedirs(check)
        with open(os.path.join(package, 'Package.swift'), 'w') as f:
            root = os.path.abspath(args.package)
            # A path dependency's package identity is its folder name.
            f.write(PACKAGE_SWIFT.replace('PATH', json.dumps(root)).replace('IDENTITY', json.dumps(os.path.basename(root).lower())))
        with open(os.path.join(check, 'main.swift'), 'w') as f:
            f.write(CHECK_MAIN)
            for spec in specs:
                t = type_name(spec['id'])
                f.write('entries.append(entry(%s.self, %s.specStrings))\n' % (t, t))
            f.write('let encoder = JSONEncoder()\nprint(String(decoding: try encoder.encode(entries), as: UTF8.self))\n')
        # No type-checking time limits here (a noisy machine fails them at random): the slowest
        # generated function and expression of these specs are a `make bench-typecheck` figure.
        flags = ['-Xswiftc', '-warnings-as-errors']
        run(['swift', 'build', '--package-path', package, '--product', 'Check'] + flags)
        binary = subprocess.run(['swift', 'build', '--package-path', package, '--show-bin-path'] + flags,
                                check=True, capture_output=True, text=True).stdout.strip()
        output = subprocess.run([os.path.join(binary, 'Check')], check=True, capture_output=True).stdout
        entries = json.loads(output.decode('utf-8'))
        failures = compare(specs, entries)
        if failures:
            for failure in failures[:20]:
                print('hostile-test: ' + failure, file=sys.stderr)
            print('hostile-test: %d mismatches (scratch package kept at %s)' % (len(failures), work), file=sys.stderr)
            args.keep = True
            return 1
        strings = sum(len(e['strings']) for e in entries)
        print('hostile-test: %d specs compiled in one build; %d strings round-tripped exactly' % (len(specs), strings))
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def compare(specs, entries):
    failures = []
    if len(entries) != len(specs):
        return ['expected %d connectors, got %d' % (len(specs), len(entries))]
    for spec, entry in zip(specs, entries):
        where = spec['id']
        for key, expected in (('id', spec['id']), ('displayName', spec['name']), ('docsURL', spec['docsURL'])):
            if entry[key] != expected:
                failures.append('%s: %s %r != %r' % (where, key, entry[key], expected))
        if sorted(entry['strings']) != sorted(expected_strings(spec)):
            missing = [s for s in expected_strings(spec) if s not in entry['strings']]
            extra = [s for s in entry['strings'] if s not in expected_strings(spec)]
            failures.append('%s: strings differ; missing %r, unexpected %r' % (where, missing[:3], extra[:3]))
        variants = [{'id': v['id'], 'label': v['label'], 'type': v['type'],
                     'fieldKeys': [f['key'] for f in spec.get('fields', []) + v.get('fields', [])]} for v in spec['auth']]
        if entry['variants'] != variants:
            failures.append('%s: variants %r != %r' % (where, entry['variants'], variants))
    return failures


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-20000:] + result.stderr[-20000:])
        raise SystemExit('hostile-test: command failed: ' + ' '.join(command[:4]))


PACKAGE_SWIFT = '''// swift-tools-version: 6.1
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "HostileCheck",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: PATH)],
    targets: [
        .target(name: "Hostile", dependencies: [.product(name: "ConnectorRuntime", package: IDENTITY)], swiftSettings: settings),
        .executableTarget(name: "Check", dependencies: ["Hostile", .product(name: "ConnectorRuntime", package: IDENTITY)], swiftSettings: settings),
    ],
    swiftLanguageModes: [.v6]
)
'''

if __name__ == '__main__':
    sys.exit(main())
