#!/usr/bin/env python3
"""Synthetic connector specs for the validate benchmark (make bench-validate).

Writes COUNT seeded, valid, varied specs (about 3 KB each) into a folder: every auth type and
apiKey placement, connector- and variant-level fields of every field type (with patterns,
defaults, select options), templates with filters, OAuth scopes with catalogues, PKCE and client
auth choices, verification requests and multi-section guides. Every spec is meant to pass
`connector-compiler validate --warnings-as-errors` and the JSON Schema; the benchmark checks that.

Usage: gen_specs.py --count 1000 --seed 1 --out DIR
"""
import argparse
import json
import os
import random

WORDS = (
    "account admin api access application approve audit billing calendar candidate client company "
    "configure connect console contact create credential customer dashboard data developer directory "
    "document domain employee enable endpoint enter integration invoice link manage member open "
    "organization owner page partner permission portal profile project read record report request "
    "role save scope secure select service settings setup sign space team tenant ticket user "
    "value view workspace write"
).split()
CATEGORIES = ["hris", "ats", "iam", "crm", "documents", "ticketing", "lms", "marketing", "accounting",
              "screening", "collaboration"]
KINDS = ["apiKeyHeader", "apiKeyBasic", "basic", "serviceUserHeaders", "serviceUserBasic", "bearerToken",
         "oauth2AuthorizationCode", "oauth2ClientCredentials", "oauth2RefreshToken"]
PLAIN_TYPES = ["text", "url", "hostname", "email", "number", "boolean", "select"]


class Maker:
    def __init__(self, rng):
        self.rng = rng
        self.used_keys = set()

    def words(self, low, high):
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self, low=5, high=12):
        s = self.words(low, high)
        return s[0].upper() + s[1:] + "."

    def title(self):
        s = self.words(2, 4)
        return s[0].upper() + s[1:]

    def key(self, stem):
        base = stem
        n = 2
        while base in self.used_keys:
            base = "%s%d" % (stem, n)
            n += 1
        self.used_keys.add(base)
        return base

    def field(self, ftype, stem, supplier="config"):
        r = self.rng
        f = {"key": self.key(stem), "label": self.title(), "type": ftype, "supplier": supplier}
        if r.random() < 0.5:
            f["help"] = self.sentence()
        if r.random() < 0.4 and ftype in ("text", "hostname", "email", "url"):
            f["placeholder"] = self.words(1, 2)
        if ftype == "text" and r.random() < 0.5:
            f["pattern"] = r.choice(["[a-z0-9][a-z0-9-]*", "[A-Za-z0-9_.-]+", "\\d{3,8}", "(eu|us|ap)[0-9]?"])
            if r.random() < 0.3:
                f["default"] = {"[a-z0-9][a-z0-9-]*": "acme", "[A-Za-z0-9_.-]+": "main.team",
                                "\\d{3,8}": "12345", "(eu|us|ap)[0-9]?": "eu1"}[f["pattern"]]
        elif ftype == "select":
            values = r.sample(["us", "eu", "ap", "ca", "uk", "au", "jp"], r.randint(2, 4))
            f["options"] = [{"value": v, "label": v.upper() + " data centre"} for v in values]
            if r.random() < 0.6:
                f["default"] = r.choice(values)
        elif ftype == "number" and r.random() < 0.5:
            f["default"] = r.randint(1, 500)
        elif ftype == "boolean" and r.random() < 0.5:
            f["default"] = r.random() < 0.5
        if r.random() < 0.2:
            f["required"] = False
        return f

    def guide(self, connecting_fields):
        r = self.rng
        g = {}
        if r.random() < 0.5:
            g["warnings"] = [self.sentence(8, 16)]
        sections = []
        for _ in range(1):
            section = {"title": self.title()}
            if r.random() < 0.4:
                section["intro"] = self.sentence()
            steps = []
            for _ in range(r.randint(1, 2)):
                step = {"title": self.title(), "text": self.sentence(8, 16)}
                if r.random() < 0.2:
                    step["list"] = [self.title() for _ in range(r.randint(1, 4))]
                steps.append(step)
            section["steps"] = steps
            sections.append(section)
        sections.append({"title": "Connecting", "steps": [{
            "title": "Enter the credentials",
            "text": "On the link page, fill in the fields with the values from the previous steps, then click Connect.",
            "list": connecting_fields}]})
        g["sections"] = sections
        return g


def tpl(field, filt=None):
    return "{{" + field["key"] + (" | " + filt if filt else "") + "}}"


def make_variant(m, kind, vid, host, api_headers=()):
    """One auth variant. `api_headers`: the names in `api.headers`, which a variant must not repeat
    (the validator's `header-duplicate`: the runtime would drop one of them)."""
    r = m.rng
    v = {"id": vid, "label": m.title() + " (" + vid + ")"}
    fields = []
    if kind.startswith("apiKey"):
        v["type"] = "apiKey"
        key = m.field("secret", "apiKey")
        fields.append(key)
        v["value"] = tpl(key)
        if kind == "apiKeyHeader":
            v["in"] = "header"
            v["name"] = r.choice(["Authorization", "X-Api-Key", "X-Auth-Token"])
            if v["name"] == "Authorization":
                v["prefix"] = r.choice(["Bearer ", "Token ", "SSWS "])
        else:
            v["in"] = "basicUsername"
            if r.random() < 0.5:
                v["password"] = "x"
    elif kind == "basic" or kind == "serviceUserBasic":
        v["type"] = "basic" if kind == "basic" else "serviceUser"
        user = m.field(r.choice(["text", "email"]), "username")
        pw = m.field("secret", "password")
        fields += [user, pw]
        creds = {"username": tpl(user), "password": tpl(pw)}
        if kind == "basic":
            v.update(creds)
        else:
            v["basic"] = creds
    elif kind == "serviceUserHeaders":
        v["type"] = "serviceUser"
        uid = m.field("text", "serviceUserId")
        tok = m.field("secret", "serviceUserToken")
        fields += [uid, tok]
        v["credentialHeaders"] = {"X-Service-User-ID": tpl(uid), "X-Service-User-Token": tpl(tok)}
    elif kind == "bearerToken":
        v["type"] = "bearerToken"
        tok = m.field("secret", "accessToken")
        fields.append(tok)
        v["token"] = tpl(tok)
    else:
        v["type"] = kind
        v["client"] = "app"
        cid = m.field("text", "clientId", "setup")
        cs = m.field("secret", "clientSecret", "setup")
        fields += [cid, cs]
        v["clientId"] = tpl(cid)
        v["clientSecret"] = tpl(cs)
        v["tokenURL"] = "https://%s/oauth/token" % host
        if r.random() < 0.3:
            v["revokeURL"] = "https://%s/oauth/revoke" % host
        v["clientAuth"] = r.choice(["client_secret_basic", "client_secret_post"])
        if r.random() < 0.8:
            sep = r.choice([" ", ",", "+"])
            names = r.sample(["%s:%s" % (a, b) for a in ("users", "groups", "files", "jobs", "people")
                              for b in ("read", "write")], r.randint(2, 4))
            scopes = {"separator": sep, "default": names[: r.randint(1, len(names))],
                      "catalog": [{"name": n, "description": m.sentence(3, 6)} for n in names]}
            if r.random() < 0.2:
                scopes["sendInRequest"] = False
            v["scopes"] = scopes
        if r.random() < 0.3:
            v["tokenParams"] = {"audience": "https://%s/api" % host}
        if r.random() < 0.3:
            v["defaultExpiresIn"] = r.choice([1800, 3600, 7200])
        if kind == "oauth2AuthorizationCode":
            v["authorizeURL"] = "https://%s/oauth/authorize" % host
            v["pkce"] = r.choice(["required", "supported", "unsupported"])
            if r.random() < 0.4:
                v["authorizeParams"] = {"access_type": "offline", "prompt": "consent"}
            if r.random() < 0.3:
                v["refreshURL"] = "https://%s/oauth/refresh" % host
            if r.random() < 0.4:
                v["rotatesRefreshToken"] = True
        elif kind == "oauth2RefreshToken":
            rt = m.field("secret", "refreshToken")
            fields.append(rt)
            v["refreshToken"] = tpl(rt)
            if r.random() < 0.5:
                v["rotatesRefreshToken"] = r.random() < 0.5
    extra_headers = {}
    if r.random() < 0.4:
        tenant = m.field("text", "tenantId")
        fields.append(tenant)
        extra_headers["X-Tenant"] = tpl(tenant)
    if r.random() < 0.3 and "accept" not in {h.lower() for h in api_headers}:
        extra_headers["Accept"] = "application/json"
    v["fields"] = fields
    if extra_headers:
        v["headers"] = extra_headers
    v["guide"] = m.guide([f["label"] for f in fields])
    return v


def make_spec(index, rng, size):
    m = Maker(rng)
    spec_id = "bench_%04d" % index
    host = "api%d.example%d.com" % (index % 7, index)
    r = rng
    conn_fields = []
    base = "https://%s" % host
    for _ in range(r.randint(0, 2)):
        ftype = r.choice(PLAIN_TYPES)
        f = m.field(ftype, r.choice(["subdomain", "region", "instance", "pageSize", "sandbox"]))
        conn_fields.append(f)
        base += "/" + tpl(f, "urlencode" if ftype in ("text", "select", "hostname") else None)
    base += "/v%d" % r.randint(1, 3)
    api = {"baseURL": base, "verify": {"path": r.choice(["/me", "/users?limit=1", "/account", "/ping"])}}
    if r.random() < 0.3:
        api["verify"]["method"] = "POST"
        api["verify"]["body"] = {"query": "{ viewer { id } }", "limit": 1, "active": True}
    if r.random() < 0.5:
        api["headers"] = {"Accept": "application/json", "User-Agent": "connector/%d" % index}
    kinds = [KINDS[index % len(KINDS)]] + (r.sample(KINDS, 1) if r.random() < 0.25 else [])
    ids = ["oauth", "api_key", "basic", "service_user", "token", "client_credentials", "refresh_token"]
    auth = [make_variant(m, kind, "%s%d" % (r.choice(ids), i), host, api.get("headers", {})) for i, kind in enumerate(kinds)]
    spec = {"$schema": "../Schemas/connector.schema.json", "specVersion": 1, "id": spec_id,
            "name": "Bench %d %s" % (index, m.title()), "description": m.sentence(10, 20),
            "categories": r.sample(CATEGORIES, r.randint(1, 3)),
            "docsURL": "https://docs.example%d.com/api" % index,
            "sources": ["https://docs.example%d.com/api/%s" % (index, w) for w in r.sample(WORDS, r.randint(1, 2))]}
    if r.random() < 0.6:
        spec["requirements"] = [{"kind": r.choice(["admin", "plan", "other"]), "text": m.sentence()}]
    if conn_fields:
        spec["fields"] = conn_fields
    spec["api"] = api
    spec["auth"] = auth
    spec["availableData"] = [m.title() for _ in range(r.randint(1, 3))]
    # Pad or trim towards the target size with more available data (a free-text list).
    text = json.dumps(spec, indent=2, ensure_ascii=False) + "\n"
    while len(text.encode()) < size * 0.8:
        spec["availableData"].append(m.title())
        text = json.dumps(spec, indent=2, ensure_ascii=False) + "\n"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=3000, help="approximate bytes per spec")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    total = 0
    for i in range(1, args.count + 1):
        text = make_spec(i, rng, args.size)
        total += len(text.encode())
        with open(os.path.join(args.out, "bench_%04d.json" % i), "w", encoding="utf-8") as f:
            f.write(text)
    print("wrote %d specs, %d bytes (%.1f KB average) to %s" % (args.count, total, total / args.count / 1024, args.out))


if __name__ == "__main__":
    main()
