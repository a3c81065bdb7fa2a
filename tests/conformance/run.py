"""Conformance of the Rust SDK and the emulator with the official Python SDKs.

Run by `.ci/run` (see docs/conformance.md):

    python run.py --client target/debug/ehpc-conformance --emulator target/debug/ehpc-emulator

1. Wire: for every operation of every API version, the logical request with
   every parameter set is sent by the official SDK and by ours, with
   signature V1 and V3, to a loopback capture server. Method, placement and
   decoded parameters must agree, apart from the differences listed in
   ACCEPTED below; the official signers verify every one of our requests.
2. Emulator: the official SDK calls every operation against our emulator,
   with V1 and V3, with the required parameters only and with every
   parameter set, and decodes every answer into its own response model.

Checks listed in known-failures.txt are expected to fail (each with its
reason); one that passes is reported, so the list only shrinks.
"""

import argparse
import importlib
import json
import os
import subprocess
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from alibabacloud_openapi_util.client import Client as OpenApiUtil
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models

ACCESS_KEY_ID = "conformance-key"
ACCESS_KEY_SECRET = "conformance-secret"
REGION = "cn-hangzhou"

# Python package of the official SDK of each API version.
SDK_PACKAGES = {
    "2018-04-12": "alibabacloud_ehpc20180412",
    "2024-07-30": "alibabacloud_ehpc20240730",
    "2023-07-01": "alibabacloud_ehpcinstant20230701",
}

# Parameters of the protocol rather than of the operation: compared by the
# signers, not as operation parameters.
V1_COMMON = {
    "Action", "Version", "Format", "AccessKeyId", "SignatureMethod",
    "SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp",
    "Signature", "SecurityToken",
}

# The accepted differences, each explained in docs/conformance.md.
ACCEPTED = {
    "region-id": "ours sends the client's region as RegionId; the official SDK sends none",
    "boolean-case": "booleans: ours `true`/`false`, the official Python SDK `True`/`False`",
    "json-text": "json-style values compared as JSON: key order, spacing and escapes differ",
}


class Capture:
    """A loopback HTTP server that records every request and answers a
    minimal success body."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        capture = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_any(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                with capture.lock:
                    number = len(capture.requests)
                    capture.requests.append({
                        "method": self.command,
                        "target": self.path,
                        "headers": [(k.lower(), v) for k, v in self.headers.items()],
                        "body": body.decode("utf-8", "replace"),
                    })
                answer = json.dumps({"RequestId": f"capture-{number}"}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json;charset=utf-8")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = handle_any
            do_POST = handle_any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def endpoint(self):
        return f"127.0.0.1:{self.port}"

    def take(self):
        with self.lock:
            taken, self.requests = self.requests, []
        return taken


def decode(captured):
    """Method, parameters with their placement, and headers of a captured
    request."""
    split = urlsplit(captured["target"])
    params = {}
    for name, value in parse_qsl(split.query, keep_blank_values=True):
        params[name] = ("query", value)
    headers = {}
    for name, value in captured["headers"]:
        headers.setdefault(name, []).append(value)
    content_type = ",".join(headers.get("content-type", []))
    if captured["body"]:
        if content_type.startswith("application/x-www-form-urlencoded"):
            for name, value in parse_qsl(captured["body"], keep_blank_values=True):
                params[name] = ("body", value)
        else:
            params["<body>"] = ("body", captured["body"])
    return {
        "method": captured["method"],
        "path": split.path,
        "params": params,
        "headers": {k: ",".join(v) for k, v in headers.items()},
        "raw_query": split.query,
        "body": captured["body"],
    }


def official_client(version, endpoint, signature):
    package = importlib.import_module(SDK_PACKAGES[version] + ".client")
    config = open_api_models.Config(
        access_key_id=ACCESS_KEY_ID,
        access_key_secret=ACCESS_KEY_SECRET,
        endpoint=endpoint,
        protocol="http",
        region_id=REGION,
        read_timeout=10000,
        connect_timeout=5000,
    )
    if signature == "v1":
        # The official SDKs' name for the RPC signature 1.0 path.
        config.signature_algorithm = "v2"
    return package.Client(config)


def official_call(client, version, action, params):
    """Calls `action` through the official SDK's typed method; returns the
    typed response."""
    models = importlib.import_module(SDK_PACKAGES[version] + ".models")
    # Method names are the action in snake case, with irregular breaks
    # (`initialize_ehpcwith_options`): matched without the underscores.
    methods = {
        name[: -len("with_options")].replace("_", ""): name
        for name in dir(client)
        if name.endswith("with_options")
    }
    method = getattr(client, methods[action.lower()])
    runtime = util_models.RuntimeOptions(autoretry=False, max_attempts=1)
    request_type = getattr(models, action + "Request", None)
    if request_type is None:
        if params:
            raise RuntimeError(f"{action} takes no request but parameters were given")
        return method(runtime)
    request = request_type().from_map(nest_dotted(params))
    return method(request, runtime)


def nest_dotted(params):
    """The 2018-04-12 specs list some object fields as top-level parameters
    with dotted wire names (`EcsOrder.Compute.Count`), as its metadata
    does; the official models nest them (`EcsOrder` → `Compute` → `Count`).
    Both put the same name on the wire."""
    nested = {}
    for name, value in params.items():
        parts = name.split(".")
        target = nested
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return nested


def check_response_model(response, action):
    """The official response model holds the decoded body."""
    body = getattr(response, "body", None)
    if body is None:
        raise RuntimeError(f"{action}: the official SDK decoded no body")
    mapped = body.to_map()
    if not mapped.get("RequestId"):
        raise RuntimeError(f"{action}: the decoded answer has no RequestId: {mapped}")
    return mapped


def run_ours(client_binary, endpoint, signature, requests):
    """Sends `requests` ([{action, params}]) through the Rust SDK."""
    completed = subprocess.run(
        [client_binary, "send", "--endpoint", endpoint, "--signature", signature,
         "--key-id", ACCESS_KEY_ID, "--secret", ACCESS_KEY_SECRET],
        input=json.dumps(requests), capture_output=True, text=True, timeout=600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"ehpc-conformance send failed: {completed.stderr}")
    return json.loads(completed.stdout)


def normalise(value, accepted):
    """A parameter value as compared: booleans by value."""
    if value in ("True", "False", "true", "false"):
        accepted.add("boolean-case")
        return value.lower()
    return value


def json_or_text(value):
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, (list, dict)) else None


def lower_booleans(value):
    """JSON values with Python's `True`/`False` strings read as booleans."""
    if isinstance(value, list):
        return [lower_booleans(v) for v in value]
    if isinstance(value, dict):
        return {k: lower_booleans(v) for k, v in value.items()}
    return value


def operation_params(decoded, signature, version, action):
    """The operation's own parameters of a decoded request."""
    params = dict(decoded["params"])
    if signature == "v1":
        for name in V1_COMMON:
            params.pop(name, None)
    return params


def compare_wire(theirs, ours, signature, version, action):
    """Problems between the official SDK's request and ours, and the
    accepted differences met."""
    problems, accepted = [], set()
    if theirs["method"] != ours["method"]:
        problems.append(("method", f"official {theirs['method']}, ours {ours['method']}"))
    if theirs["path"] != ours["path"]:
        problems.append(("path", f"official {theirs['path']}, ours {ours['path']}"))
    if signature == "v3":
        for header in ("x-acs-action", "x-acs-version"):
            if theirs["headers"].get(header) != ours["headers"].get(header):
                problems.append(("headers", f"{header}: official {theirs['headers'].get(header)}, ours {ours['headers'].get(header)}"))
    official = operation_params(theirs, signature, version, action)
    mine = operation_params(ours, signature, version, action)
    if "RegionId" in mine and "RegionId" not in official and mine["RegionId"][1] == REGION:
        accepted.add("region-id")
        del mine["RegionId"]
    for name in sorted(set(official) | set(mine)):
        if name not in mine:
            problems.append(("parameters", f"`{name}` sent by the official SDK only ({official[name][0]})"))
            continue
        if name not in official:
            problems.append(("parameters", f"`{name}` sent by ours only ({mine[name][0]})"))
            continue
        (their_place, their_value), (my_place, my_value) = official[name], mine[name]
        if their_place != my_place:
            problems.append(("placement", f"`{name}`: official in the {their_place}, ours in the {my_place}"))
        their_json, my_json = json_or_text(their_value), json_or_text(my_value)
        if their_json is not None or my_json is not None:
            if their_json != my_json:
                problems.append(("parameters", f"`{name}`: official {their_value!r}, ours {my_value!r}"))
            elif their_value != my_value:
                accepted.add("json-text")
            continue
        if normalise(their_value, accepted) != normalise(my_value, accepted):
            problems.append(("parameters", f"`{name}`: official {their_value!r}, ours {my_value!r}"))
    return problems, accepted


def verify_v1(decoded):
    """The official RPC 1.0 signer agrees with our Signature."""
    params = {name: value for name, (_, value) in decoded["params"].items()}
    given = params.pop("Signature", None)
    if given is None:
        return "no Signature parameter"
    expected = OpenApiUtil.get_rpcsignature(params, decoded["method"], ACCESS_KEY_SECRET)
    if expected != given:
        return f"official signature {expected}, ours {given}"
    return None


class SignedRequest:
    """What the official V3 signer reads of a request."""

    def __init__(self, method, pathname, query, headers):
        self.method, self.pathname, self.query, self.headers = method, pathname, query, headers


def verify_v3(decoded):
    """The official ACS3-HMAC-SHA256 signer agrees with our Authorization."""
    headers = decoded["headers"]
    authorization = headers.get("authorization")
    if not authorization or not authorization.startswith("ACS3-HMAC-SHA256 "):
        return f"no ACS3-HMAC-SHA256 Authorization: {authorization!r}"
    fields = dict(part.split("=", 1) for part in authorization.split(" ", 1)[1].split(","))
    signed = fields.get("SignedHeaders", "").split(";")
    for needed in ("host", "x-acs-action", "x-acs-version", "x-acs-date",
                   "x-acs-signature-nonce", "x-acs-content-sha256"):
        if needed not in signed:
            return f"`{needed}` is not signed: {signed}"
    if decoded["body"] and "content-type" not in signed:
        return "a body is sent but content-type is not signed"
    payload = OpenApiUtil.hex_encode(
        OpenApiUtil.hash(decoded["body"].encode("utf-8"), "ACS3-HMAC-SHA256"))
    if headers.get("x-acs-content-sha256") != payload:
        return f"x-acs-content-sha256 {headers.get('x-acs-content-sha256')} is not the body's {payload}"
    query = {name: value for name, value in parse_qsl(decoded["raw_query"], keep_blank_values=True)}
    request = SignedRequest(decoded["method"], decoded["path"], query,
                            {name: headers[name] for name in signed if name in headers})
    expected = OpenApiUtil.get_authorization(
        request, "ACS3-HMAC-SHA256", payload, fields.get("Credential"), ACCESS_KEY_SECRET)
    if expected != authorization:
        return f"official Authorization {expected}, ours {authorization}"
    return None


class Report:
    def __init__(self, known):
        self.known = known
        self.passed = 0
        self.failed = []
        self.known_failed = []
        self.accepted = {}

    def check(self, key, problem):
        """Records one check; `problem` is None when it passed."""
        if problem is None:
            if key in self.known:
                self.failed.append((key, f"listed in known-failures.txt but passes ({self.known[key]}); remove it"))
            else:
                self.passed += 1
            return
        if key in self.known:
            self.known_failed.append((key, problem))
        else:
            self.failed.append((key, problem))


def load_known(path):
    known = {}
    if not os.path.exists(path):
        return known
    with open(path, encoding="utf-8") as file:
        for line in file:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, reason = line.partition("  ")
            known[key.strip()] = reason.strip()
    return known


def wire_suite(report, client_binary, versions, capture):
    for entry in versions:
        version = entry["version"]
        operations = entry["operations"]
        for signature in ("v1", "v3"):
            official = official_client(version, capture.endpoint(), signature)
            theirs = {}
            for operation in operations:
                action = operation["action"]
                capture.take()
                try:
                    official_call(official, version, action, operation["full"])
                    captured = capture.take()
                    if len(captured) != 1:
                        raise RuntimeError(f"{len(captured)} requests captured")
                    theirs[action] = decode(captured[0])
                except Exception as error:  # noqa: BLE001 - reported per operation
                    report.check(f"{version} {action} {signature} wire", f"the official SDK failed: {error!r}")
            capture.take()
            outcomes = run_ours(
                client_binary, f"http://{capture.endpoint()}", signature,
                [{"version": version, "action": op["action"], "params": op["full"]}
                 for op in operations],
            )
            captured = capture.take()
            sent = [op for op, outcome in zip(operations, outcomes) if outcome.get("sent")]
            for operation, outcome in zip(operations, outcomes):
                if not outcome.get("sent"):
                    report.check(f"{version} {operation['action']} {signature} wire",
                                 f"ours did not send it: {outcome.get('error')}")
            if len(captured) != len(sent):
                report.check(f"{version} {signature} wire", f"{len(sent)} sent, {len(captured)} captured")
                continue
            for operation, raw in zip(sent, captured):
                action = operation["action"]
                ours = decode(raw)
                if action in theirs:
                    problems, accepted = compare_wire(theirs[action], ours, signature, version, action)
                    for name in accepted:
                        report.accepted.setdefault(name, set()).add(action)
                    kinds = sorted({kind for kind, _ in problems})
                    for kind in ("method", "placement", "parameters", "path", "headers"):
                        details = "; ".join(text for k, text in problems if k == kind)
                        report.check(f"{version} {action} {signature} {kind}", details or None)
                    del kinds
                problem = verify_v1(ours) if signature == "v1" else verify_v3(ours)
                report.check(f"{version} {action} {signature} official-signer", problem)


def emulator_suite(report, emulator_binary, versions):
    process = subprocess.Popen(
        [emulator_binary, "--listen", "127.0.0.1:0",
         "--access-key", f"{ACCESS_KEY_ID}:{ACCESS_KEY_SECRET}",
         # Every operation, stateful or not, answers from its examples: the
         # logical requests name resources that were never created.
         "--examples-only"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("listening on "):
            raise RuntimeError(f"the emulator did not start: {line!r} {process.stderr.read()}")
        endpoint = urlsplit(line.split("listening on ", 1)[1].strip()).netloc
        for entry in versions:
            version = entry["version"]
            for signature in ("v1", "v3"):
                client = official_client(version, endpoint, signature)
                for operation in entry["operations"]:
                    action = operation["action"]
                    for kind in ("required", "full"):
                        key = f"{version} {action} {signature} emulator-{kind}"
                        try:
                            response = official_call(client, version, action, operation[kind])
                            check_response_model(response, action)
                            report.check(key, None)
                        except Exception as error:  # noqa: BLE001 - reported per call
                            report.check(key, describe(error))
    finally:
        process.terminate()
        process.wait(timeout=10)


def describe(error):
    code = getattr(error, "code", None)
    message = getattr(error, "message", None) or str(error)
    if code:
        return f"{code}: {message[:400]}"
    return "".join(traceback.format_exception_only(type(error), error)).strip()[:400]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", required=True, help="the ehpc-conformance binary")
    parser.add_argument("--emulator", required=True, help="the ehpc-emulator binary")
    parser.add_argument("--known-failures", default=os.path.join(os.path.dirname(__file__), "known-failures.txt"))
    args = parser.parse_args()

    listed = subprocess.run([args.client, "requests"], capture_output=True, text=True, check=True)
    versions = [v for v in json.loads(listed.stdout) if v["version"] in SDK_PACKAGES]
    report = Report(load_known(args.known_failures))
    capture = Capture()
    try:
        wire_suite(report, args.client, versions, capture)
    finally:
        capture.server.shutdown()
    emulator_suite(report, args.emulator, versions)

    operations = sum(len(v["operations"]) for v in versions)
    print(f"conformance: {operations} operations of {', '.join(v['version'] for v in versions)}")
    for name, actions in sorted(report.accepted.items()):
        print(f"  accepted difference `{name}` ({ACCEPTED[name]}): {len(actions)} operations")
    for key, problem in report.known_failed:
        print(f"  known failure: {key}: {problem}")
    for key, problem in report.failed:
        print(f"  FAILED: {key}: {problem}")
    print(f"conformance known failures: {len(report.known_failed)}")
    print(f"conformance: {report.passed} passed, {len(report.failed)} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
