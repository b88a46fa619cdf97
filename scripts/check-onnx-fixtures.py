#!/usr/bin/env python3
"""Checks every model in test/fixtures/onnx/ with ONNX's own checker (Debian's python3-onnx):
onnx.checker.check_model(model, full_check=True), which also runs strict shape and type
inference. Each file must also keep to what Lathe promises: IR version 8, opset 17, ai.onnx.ml
at most 3, plain tensor outputs (no ZipMap), and the Lathe metadata document.
Prints one line per file and ends with "N passed, N failed"; exits 1 when a file fails.
Run: python3 scripts/check-onnx-fixtures.py
"""

import json
import pathlib
import sys

import onnx

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "onnx"
MAX_OPSETS = {"": 17, "ai.onnx": 17, "ai.onnx.ml": 3, "com.microsoft": 1}


def problems(model):
    found = []
    if model.ir_version != 8:
        found.append(f"IR version {model.ir_version}, not 8")
    for opset in model.opset_import:
        limit = MAX_OPSETS.get(opset.domain)
        if limit is None:
            found.append(f"unexpected domain {opset.domain!r}")
        elif opset.version > limit:
            found.append(f"opset {opset.version} of {opset.domain or 'ai.onnx'} (at most {limit})")
    if model.producer_name != "lathe":
        found.append(f"producer_name {model.producer_name!r}")
    for output in model.graph.output:
        if not output.type.HasField("tensor_type"):
            found.append(f"output {output.name!r} is not a tensor")
    if any(node.op_type == "ZipMap" for node in model.graph.node):
        found.append("a ZipMap node")
    props = {p.key: p.value for p in model.metadata_props}
    if "lathe" not in props:
        found.append("no Lathe metadata")
    else:
        doc = json.loads(props["lathe"])
        names = [o.name for o in model.graph.output]
        if doc.get("outputs") != names:
            found.append(f"metadata outputs {doc.get('outputs')} but graph outputs {names}")
        inputs = [i["name"] for i in doc.get("inputs", [])]
        graph_inputs = [i.name for i in model.graph.input]
        if inputs != graph_inputs:
            found.append(f"metadata inputs {inputs} but graph inputs {graph_inputs}")
    return found


def main():
    files = sorted(FIXTURES.glob("*.onnx"))
    if not files:
        print(f"No .onnx files in {FIXTURES}")
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    for path in files:
        try:
            model = onnx.load(str(path))
            onnx.checker.check_model(model, full_check=True)
            found = problems(model)
        except Exception as error:  # the checker's own exceptions, and unreadable files
            found = [f"{type(error).__name__}: {error}".strip()]
        if found:
            failed += 1
            print(f"FAIL {path.name}: " + "; ".join(found))
        else:
            passed += 1
            print(f"ok   {path.name} (onnx {onnx.__version__} checker, full_check)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
