"""dormant test mocks: where the clouds' published API descriptions live.

The mocks accept and answer what the clouds themselves describe, not what
the client's authors read in the docs: a mock written from the same reading
as the client shares its mistakes. So each mock loads its cloud's own
machine-readable description at start-up from an installed package:

    AWS IAM, STS   botocore's service models (Debian: python3-botocore)
    Google         the generated Admin SDK client, @googleapis/admin (npm)
    Graph          the typed Graph model, @microsoft/microsoft-graph-types (npm)

Nothing of them is copied into the repository. A test whose description is
missing skips (exit 77 through mock.sh's api_require); .ci/run and the
README's test command install every one.

    python3 api_models.py --check botocore|google-admin|graph-types
exits 0 when that description is here, 1 (naming what is missing) if not.

Overrides: DORMANT_BOTOCORE_DATA (a botocore/data directory) and
DORMANT_NPM_ROOT (a node_modules directory).
"""

import json
import os
import subprocess
import sys


class Missing(Exception):
    """An API description is not installed."""


def _botocore_roots():
    env = os.environ.get("DORMANT_BOTOCORE_DATA")
    if env:
        yield env
    # Debian's python3-botocore, whatever python runs this.
    yield "/usr/lib/python3/dist-packages/botocore/data"
    try:
        import botocore  # noqa: F401 (only its location matters)

        yield os.path.join(os.path.dirname(botocore.__file__), "data")
    except ImportError:
        pass


def botocore_model(service, version):
    """The parsed service-2.json of one AWS service API version."""
    for root in _botocore_roots():
        path = os.path.join(root, service, version, "service-2.json")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                return json.load(f)
    raise Missing(f"botocore's {service} {version} service model "
                  "(Debian package python3-botocore)")


def _npm_roots():
    env = os.environ.get("DORMANT_NPM_ROOT")
    if env:
        yield env
    try:
        out = subprocess.run(["npm", "root", "-g"], capture_output=True,
                             text=True, timeout=20, check=False)
        if out.returncode == 0 and out.stdout.strip():
            yield out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    yield "/usr/lib/node_modules"
    yield "/usr/local/lib/node_modules"


def npm_file(package, relpath):
    """The path of a file inside an installed npm package."""
    for root in _npm_roots():
        path = os.path.join(root, package, relpath)
        if os.path.isfile(path):
            return path
    raise Missing(f"npm package {package} ({relpath}); "
                  f"install it with: npm install -g {package}")


CHECKS = {
    "botocore": lambda: (botocore_model("iam", "2010-05-08"),
                         botocore_model("sts", "2011-06-15")),
    "google-admin": lambda: npm_file("@googleapis/admin",
                                     "build/directory_v1.d.ts"),
    "graph-types": lambda: npm_file("@microsoft/microsoft-graph-types",
                                    "microsoft-graph.d.ts"),
}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--check" or sys.argv[2] not in CHECKS:
        sys.exit("usage: api_models.py --check " + "|".join(CHECKS))
    try:
        CHECKS[sys.argv[2]]()
    except Missing as e:
        print(f"missing: {e}")
        sys.exit(1)
