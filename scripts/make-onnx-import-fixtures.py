#!/usr/bin/env python3
"""Writes test/fixtures/onnx-import/: ONNX files "made elsewhere" for the registry's import,
built with python3-onnx's helper API (Debian's onnx 1.12), and what python-onnx reads of each.

- elsewhere-classifier.onnx: a small classifier as another tool would write it. A numeric
  input `measurements` (float [N, 3]) and a categorical `colour` (string [N, 1], one-hot encoded
  by ai.onnx.ml OneHotEncoder), then MatMul + Add + Softmax -> `probabilities` (float [N, 3])
  and ArgMax + LabelEncoder -> `label` (string [N]). Its doc_string and metadata_props hold HTML,
  which the app must show as text. elsewhere-classifier.expected.json holds fixed input rows and
  the outputs numpy computes for them (float64 arithmetic, compared within 1e-5).
- unsupported-operator.onnx: a regression over an 8-sample signal through com.microsoft's Rfft,
  which onnxruntime-web's wasm build has no kernel for (its domain is one the build runs, so only
  loading it in the runtime finds out).
- opset-too-new.onnx: a linear regression declaring opset 27 of ai.onnx (onnxruntime-web 1.30
  runs up to 26).
- zipmap-classifier.onnx: what skl2onnx writes for a LogisticRegression by default:
  LinearClassifier -> `output_label` (string [N]) and ZipMap -> `output_probability`, a sequence
  of maps, which onnxruntime-web cannot return.
- lathe-penguins-logistic.onnx: a copy of test/fixtures/onnx/penguins-logistic.onnx (a Lathe
  export, with its Lathe metadata), frozen here so the import tests do not follow that file's
  regeneration.
- <name>.summary.json for every file: IR version, opsets, producer, inputs and outputs (element
  type, shape), operator counts and metadata_props as python-onnx reads them: the independent
  reading the app's reader is compared with.

Files that are valid ONNX pass onnx.checker.check_model (full_check=True where onnx 1.12's shape
inference supports the graph: not for ZipMap's sequence of maps, nor for an opset it does not
know). Run: /usr/bin/python3 scripts/make-onnx-import-fixtures.py
"""

import json
import pathlib
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "onnx-import"
F, S, I64 = TensorProto.FLOAT, TensorProto.STRING, TensorProto.INT64
PRODUCER = ("python-onnx helper", "1.12")


def model_of(graph, opsets, doc="", props=None):
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid(domain, version) for domain, version in opsets],
        producer_name=PRODUCER[0],
        producer_version=PRODUCER[1],
        doc_string=doc,
    )
    model.ir_version = 8
    model.model_version = 1
    for key, value in (props or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    return model


def save(name, model, full_check=True, check=True):
    if check:
        onnx.checker.check_model(model, full_check=full_check)
    onnx.save(model, str(OUT / f"{name}.onnx"))
    print(f"{name}.onnx: {'checked' if check else 'not checkable by onnx 1.12'}")


CLASSES = ["setosa", "versicolor", "virginica"]
COLOURS = ["red", "green", "blue"]
W = np.array(
    [
        [0.0, 0.0, 0.0],
        [1.5, 0.0, -1.5],
        [-1.5, 0.5, 1.5],
        [0.3, -0.1, -0.2],
        [-0.2, 0.4, -0.2],
        [-0.1, -0.2, 0.3],
    ],
    dtype=np.float32,
)
B = np.array([0.1, -0.05, -0.05], dtype=np.float32)


def classifier():
    nodes = [
        helper.make_node(
            "OneHotEncoder", ["colour"], ["colour_hot"], domain="ai.onnx.ml",
            cats_strings=COLOURS, zeros=1, name="onehot",
        ),
        helper.make_node("Flatten", ["colour_hot"], ["colour_flat"], axis=1, name="flatten"),
        helper.make_node("Concat", ["measurements", "colour_flat"], ["features"], axis=1),
        helper.make_node("MatMul", ["features", "W"], ["scores0"], name="matmul"),
        helper.make_node("Add", ["scores0", "B"], ["scores"], name="add"),
        helper.make_node("Softmax", ["scores"], ["probabilities"], axis=1, name="softmax"),
        helper.make_node("ArgMax", ["probabilities"], ["index"], axis=1, keepdims=0),
        helper.make_node(
            "LabelEncoder", ["index"], ["label"], domain="ai.onnx.ml",
            keys_int64s=[0, 1, 2], values_strings=CLASSES, default_string="", name="labels",
        ),
    ]
    graph = helper.make_graph(
        nodes,
        "iris_like",
        [
            helper.make_tensor_value_info("measurements", F, ["N", 3]),
            helper.make_tensor_value_info("colour", S, ["N", 1]),
        ],
        [
            helper.make_tensor_value_info("label", S, ["N"]),
            helper.make_tensor_value_info("probabilities", F, ["N", 3]),
        ],
        initializer=[numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B")],
        # onnx 1.12 infers no type for OneHotEncoder's output: declared here.
        value_info=[helper.make_tensor_value_info("colour_hot", F, ["N", 1, 3])],
    )
    return model_of(
        graph,
        [("", 17), ("ai.onnx.ml", 3)],
        doc='An <b>iris-like</b> classifier <script>alert("doc")</script>',
        props={
            "author": '<img src="x" onerror="alert(1)">Ada & co',
            "description": "Trained elsewhere; <em>not</em> by Lathe.",
        },
    )


def classifier_expected():
    measurements = np.array(
        [[5.1, 3.5, 1.4], [6.2, 2.9, 4.3], [7.7, 3.0, 6.1], [0.0, 0.0, 0.0], [1.0, 0.5, 9.0]],
        dtype=np.float32,
    )
    colour = ["red", "green", "blue", "purple", ""]
    hot = np.array([[1.0 if c == k else 0.0 for k in COLOURS] for c in colour])
    x = np.concatenate([measurements.astype(np.float64), hot], axis=1)
    scores = x @ W.astype(np.float64) + B.astype(np.float64)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return {
        "inputs": {"measurements": measurements.astype(float).tolist(), "colour": colour},
        "outputs": {
            "label": [CLASSES[i] for i in p.argmax(axis=1)],
            "probabilities": p.tolist(),
        },
    }


def unsupported_operator():
    nodes = [
        helper.make_node(
            "Rfft", ["signal"], ["spectrum"], domain="com.microsoft",
            signal_ndim=1, onesided=1, normalized=0, name="spectrum",
        ),
        helper.make_node("Flatten", ["spectrum"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "W"], ["prediction"]),
    ]
    weights = np.linspace(-1, 1, 10, dtype=np.float32).reshape(10, 1)
    graph = helper.make_graph(
        nodes,
        "spectral_regression",
        [helper.make_tensor_value_info("signal", F, ["N", 8])],
        [helper.make_tensor_value_info("prediction", F, ["N", 1])],
        initializer=[numpy_helper.from_array(weights, "W")],
    )
    return model_of(graph, [("", 17), ("com.microsoft", 1)])


def linear(opset):
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["prediction"])],
        "linear",
        [helper.make_tensor_value_info("x", F, ["N", 2])],
        [helper.make_tensor_value_info("prediction", F, ["N", 1])],
        initializer=[numpy_helper.from_array(np.array([[2.0], [-1.0]], np.float32), "W")],
    )
    return model_of(graph, [("", opset)])


def zipmap_classifier():
    map_type = onnx.TypeProto()
    map_type.map_type.key_type = S
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(F, None))
    nodes = [
        helper.make_node(
            "LinearClassifier", ["float_input"], ["output_label", "probability_tensor"],
            domain="ai.onnx.ml", classlabels_strings=["no", "yes"],
            coefficients=[-0.5, 1.5, 0.5, -1.5], intercepts=[0.2, -0.2],
            post_transform="SOFTMAX", multi_class=0, name="LinearClassifier",
        ),
        helper.make_node(
            "ZipMap", ["probability_tensor"], ["output_probability"], domain="ai.onnx.ml",
            classlabels_strings=["no", "yes"], name="ZipMap",
        ),
    ]
    graph = helper.make_graph(
        nodes,
        "skl2onnx_like",
        [helper.make_tensor_value_info("float_input", F, [None, 2])],
        [
            helper.make_tensor_value_info("output_label", S, [None]),
            helper.make_value_info("output_probability", helper.make_sequence_type_proto(map_type)),
        ],
    )
    return model_of(graph, [("", 17), ("ai.onnx.ml", 1)])


ELEMENT = {v: k.lower() for k, v in TensorProto.DataType.items()}


def value(info):
    kind = info.type.WhichOneof("value")
    if kind != "tensor_type":
        return {"name": info.name, "kind": kind.replace("_type", ""), "elementType": None, "shape": None}
    t = info.type.tensor_type
    shape = None
    if t.HasField("shape"):
        shape = [
            d.dim_param if d.HasField("dim_param") else d.dim_value if d.HasField("dim_value") else None
            for d in t.shape.dim
        ]
    return {"name": info.name, "kind": "tensor", "elementType": ELEMENT[t.elem_type], "shape": shape}


def summary(path):
    model = onnx.load(str(path))
    counts = {}
    for node in model.graph.node:
        key = (node.domain, node.op_type)
        counts[key] = counts.get(key, 0) + 1
    initializers = {t.name for t in model.graph.initializer}
    return {
        "irVersion": model.ir_version,
        "opsets": [{"domain": o.domain, "version": o.version} for o in model.opset_import],
        "producerName": model.producer_name,
        "producerVersion": model.producer_version,
        "docString": model.doc_string,
        "graphName": model.graph.name,
        "inputs": [value(i) for i in model.graph.input if i.name not in initializers],
        "outputs": [value(o) for o in model.graph.output],
        "operators": [
            {"domain": d, "opType": t, "count": n} for (d, t), n in sorted(counts.items())
        ],
        "metadataProps": [{"key": p.key, "value": p.value} for p in model.metadata_props],
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    save("elsewhere-classifier", classifier())
    (OUT / "elsewhere-classifier.expected.json").write_text(
        json.dumps(classifier_expected(), indent=1) + "\n"
    )
    # onnx 1.12 checks nodes of domains it does not know (com.microsoft) only for their form.
    save("unsupported-operator", unsupported_operator())
    save("opset-too-new", linear(27), check=False)
    save("zipmap-classifier", zipmap_classifier(), full_check=False)
    shutil.copyfile(
        ROOT / "test" / "fixtures" / "onnx" / "penguins-logistic.onnx",
        OUT / "lathe-penguins-logistic.onnx",
    )
    print("lathe-penguins-logistic.onnx: copied")
    for path in sorted(OUT.glob("*.onnx")):
        (OUT / f"{path.stem}.summary.json").write_text(json.dumps(summary(path), indent=1) + "\n")


if __name__ == "__main__":
    main()
