#!/usr/bin/env python3
"""Validate YAML manifests against schemas/manifest.schema.json with an independent validator.

Reads each YAML file with PyYAML (safe_load), checks it with `jsonschema` (Draft 2020-12) and
prints one JSON object: {"<path>": {"valid": bool, "errors": ["<json path>: <message>", ...]}}.
Files PyYAML cannot read are reported with "valid": null and the reason; so are files with YAML
anchors or aliases, which manifests do not support (`YAML_ALIAS`) and which could expand without bound.

Usage: check-manifest-schema.py SCHEMA FILE...
"""
import json
import sys

import jsonschema
import yaml


def uses_anchors(text: str) -> bool:
    """Whether the YAML has an anchor or an alias (found from parser events, nothing is expanded)."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            return True
    return False


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    results = {}
    for path in sys.argv[2:]:
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8-sig")
            if uses_anchors(text):
                results[path] = {"valid": None, "errors": ["unreadable: YAML anchors and aliases are not supported"]}
                continue
            document = yaml.safe_load(text)
            # YAML → JSON data model (dates and other YAML-only types become strings).
            document = json.loads(json.dumps(document, default=str))
        except Exception as error:  # noqa: BLE001 — any unreadable file is reported, not fatal
            results[path] = {"valid": None, "errors": [f"unreadable: {error.__class__.__name__}"]}
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        results[path] = {
            "valid": not errors,
            "errors": [f"{e.json_path}: {e.message[:200]}" for e in errors],
        }
    json.dump(results, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
