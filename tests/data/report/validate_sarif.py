#!/usr/bin/env python3
"""Validates a SARIF log against the SARIF 2.1.0 JSON schema.

usage: validate_sarif.py SCHEMA LOG

Exit status: 0 valid, 1 invalid (each error printed with its JSON path), 2 bad usage or
unreadable input, 125 the jsonschema module is not installed (callers report a skip).

URI formats are checked here by RFC 3986's character rules, so the result does not depend on
which optional format libraries jsonschema happens to find.
"""

import json
import re
import sys

try:
    import jsonschema
except ImportError:
    print("validate_sarif.py: python3 module 'jsonschema' is missing "
          "(Debian package python3-jsonschema)", file=sys.stderr)
    sys.exit(125)

# Characters RFC 3986 allows in a URI reference, with '%' only as the start of an escape.
_URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        with open(argv[2], encoding="utf-8") as f:
            log = json.load(f)
    except (OSError, ValueError) as e:
        print(f"validate_sarif.py: {e}", file=sys.stderr)
        return 2

    checker = jsonschema.FormatChecker()

    @checker.checks("uri-reference")
    def _uri_reference(value):
        return not isinstance(value, str) or bool(_URI_CHARS.match(value))

    @checker.checks("uri")
    def _uri(value):
        return not isinstance(value, str) or bool(_URI_CHARS.match(value) and _SCHEME.match(value))

    jsonschema.Draft4Validator.check_schema(schema)
    validator = jsonschema.Draft4Validator(schema, format_checker=checker)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    for e in errors:
        path = "/".join(str(p) for p in e.absolute_path) or "(root)"
        print(f"{argv[2]}: {path}: {e.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
