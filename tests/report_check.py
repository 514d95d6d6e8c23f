#!/usr/bin/env python3
"""dormant: independent readers for the report formats (tests only).

    report_check.py csv FILE JSON      the CSV, read by Python's csv module,
                                       must say what the JSON report says
    report_check.py ocsf FILE          every line an OCSF 1.3.0 Detection
                                       Finding with all required fields

Prints one line per problem and exits 1 when there is any. Python's
standard library only: no pip in the test suite.
"""
import csv
import json
import sys

# The required attributes of the OCSF 1.3.0 Detection Finding class
# (https://schema.ocsf.io/1.3.0/classes/detection_finding) and of the
# objects it requires: finding_info (title, uid), metadata (product,
# version), product (vendor_name). Written as a small JSON Schema.
OCSF_DETECTION_FINDING = {
    "type": "object",
    "required": ["activity_id", "category_uid", "class_uid", "finding_info",
                 "metadata", "severity_id", "time", "type_uid"],
    "properties": {
        "activity_id": {"type": "integer", "enum": [0, 1, 2, 3, 99]},
        "category_uid": {"type": "integer", "const": 2},
        "class_uid": {"type": "integer", "const": 2004},
        "type_uid": {"type": "integer"},
        "severity_id": {"type": "integer", "enum": [0, 1, 2, 3, 4, 5, 6, 99]},
        "status_id": {"type": "integer", "enum": [0, 1, 2, 3, 4, 5, 6, 99]},
        "time": {"type": "integer", "minimum": 0},
        "message": {"type": "string"},
        "metadata": {
            "type": "object",
            "required": ["product", "version"],
            "properties": {
                "version": {"type": "string", "const": "1.3.0"},
                "product": {
                    "type": "object",
                    "required": ["vendor_name"],
                    "properties": {"vendor_name": {"type": "string"},
                                   "name": {"type": "string"},
                                   "version": {"type": "string"}},
                },
            },
        },
        "finding_info": {
            "type": "object",
            "required": ["title", "uid"],
            "properties": {
                "title": {"type": "string", "minLength": 1},
                "uid": {"type": "string", "minLength": 1},
                "desc": {"type": "string"},
                "types": {"type": "array", "items": {"type": "string"}},
                "created_time": {"type": "integer"},
                "first_seen_time": {"type": "integer"},
            },
        },
        "resources": {
            "type": "array",
            "items": {"type": "object", "properties": {
                "uid": {"type": "string"}, "name": {"type": "string"},
                "type": {"type": "string"}}},
        },
        "cloud": {"type": "object", "required": ["provider"]},
        "remediation": {"type": "object", "required": ["desc"]},
    },
}

TYPES = {"object": dict, "array": list, "string": str, "integer": int,
         "boolean": bool}


def validate(schema, value, path, problems):
    t = schema.get("type")
    if t:
        ok = isinstance(value, TYPES[t])
        if t == "integer" and isinstance(value, bool):
            ok = False
        if not ok:
            problems.append("%s: not a%s %s: %r" % (
                path, "n" if t[0] in "aeiou" else "", t, value))
            return
    if "const" in schema and value != schema["const"]:
        problems.append("%s: %r, want %r" % (path, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        problems.append("%s: %r not in %r" % (path, value, schema["enum"]))
    if "minimum" in schema and value < schema["minimum"]:
        problems.append("%s: %r below %r" % (path, value, schema["minimum"]))
    if "minLength" in schema and len(value) < schema["minLength"]:
        problems.append("%s: empty" % path)
    for key in schema.get("required", []):
        if key not in value or value[key] is None:
            problems.append("%s: required %s missing" % (path, key))
    for key, sub in schema.get("properties", {}).items():
        if isinstance(value, dict) and value.get(key) is not None:
            validate(sub, value[key], path + "." + key, problems)
    if "items" in schema:
        for i, item in enumerate(value):
            validate(schema["items"], item, "%s[%d]" % (path, i), problems)


def check_ocsf(path):
    problems = []
    n = 0
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            event = json.loads(line)
            n += 1
            validate(OCSF_DETECTION_FINDING, event, "line %d" % lineno,
                     problems)
            if event.get("type_uid") != event.get("class_uid", 0) * 100 + \
                    event.get("activity_id", 0):
                problems.append("line %d: type_uid is not class_uid * 100 "
                                "+ activity_id" % lineno)
    for p in problems:
        print(p)
    print("%d events" % n)
    return not problems


FORMULA = ("=", "+", "-", "@", "\t", "\r")


def check_csv(path, json_path):
    problems = []
    with open(path, newline="", encoding="utf-8") as f:
        raw = f.read()
    if raw and not raw.endswith("\r\n"):
        problems.append("rows do not end in CRLF")
    rows = list(csv.reader(raw.splitlines(keepends=True), strict=True))
    with open(json_path, encoding="utf-8") as f:
        report = json.load(f)
    header, body = rows[0], rows[1:]
    findings = report["findings"] + report["warnings"]
    if len(body) != len(findings):
        problems.append("%d rows, %d findings" % (len(body), len(findings)))
    for row in body:
        if len(row) != len(header):
            problems.append("row of %d cells, header of %d" %
                            (len(row), len(header)))
    for row, want in zip(body, findings):
        got = dict(zip(header, row))
        for key in ("provider", "scope", "id", "name", "email",
                    "display_name", "last_login", "rule", "risk", "action",
                    "title"):
            value = want.get(key)
            value = "" if value is None else str(value)
            if value.startswith(FORMULA):
                value = "'" + value
            if got.get(key) != value:
                problems.append("%s: %s is %r, want %r" %
                                (want["name"], key, got.get(key), value))
        days = "" if want["days_inactive"] is None else str(
            want["days_inactive"])
        if got.get("days_inactive") != days:
            problems.append("%s: days_inactive %r" % (want["name"], days))
        cli = "\n".join(want["remediation"]["cli"]) if want["remediation"] \
            else ""
        if got.get("remediation_cli") != cli:
            problems.append("%s: remediation_cli %r, want %r" %
                            (want["name"], got.get("remediation_cli"), cli))
        if "; ".join(want["compliance"]) != got.get("compliance"):
            problems.append("%s: compliance %r" % (want["name"],
                                                   got.get("compliance")))
    for row in body:
        for cell in row:
            if cell.startswith(FORMULA):
                problems.append("a cell a spreadsheet would run: %r" % cell)
    for p in problems:
        print(p)
    print("%d rows" % len(body))
    return not problems


def main():
    if sys.argv[1] == "ocsf":
        ok = check_ocsf(sys.argv[2])
    elif sys.argv[1] == "csv":
        ok = check_csv(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: report_check.py csv FILE JSON | ocsf FILE")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
