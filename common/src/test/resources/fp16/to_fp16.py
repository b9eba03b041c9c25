"""Makes a float16 copy of an fp32 CLIP image model the way the exporter's --fp16 does (for Fp16BundleIT).

Every float32 initializer and Constant becomes float16, Casts to float32 become Casts to float16, and each
LayerNormalization stays float32: its input is cast up, its scale and bias stay float32, its output is cast back
down. The graph input and output become float16, or, with --keep-io-types, stay float32 with Casts right after
the input and right before the output (onnxconverter-common's keep_io_types).

Usage: /usr/bin/python3 to_fp16.py IN.onnx OUT.onnx [--keep-io-types]
Needs python3-onnx and python3-numpy (Debian: apt-get install -y python3-onnx python3-numpy).
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT, FLOAT16 = TensorProto.FLOAT, TensorProto.FLOAT16


def fp16_tensor(t):
    return numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float16), t.name)


def convert(model, keep_io_types):
    g = model.graph
    for node in g.node:
        for a in node.attribute:
            if a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
                sys.exit(f"to_fp16: node {node.name} ({node.op_type}) has a subgraph; not supported")
    layer_norm_params = {name for n in g.node if n.op_type == "LayerNormalization" for name in n.input[1:]}
    for i, init in enumerate(g.initializer):
        if init.data_type == FLOAT and init.name not in layer_norm_params:
            g.initializer[i].CopyFrom(fp16_tensor(init))
    nodes = []
    for node in g.node:
        if node.op_type in ("Constant", "ConstantOfShape"):
            for a in node.attribute:
                if a.name == "value" and a.t.data_type == FLOAT:
                    a.t.CopyFrom(fp16_tensor(a.t))
        if node.op_type == "Cast":
            for a in node.attribute:
                if a.name == "to" and a.i == FLOAT:
                    a.i = FLOAT16
        if node.op_type == "LayerNormalization":
            x, y = node.input[0], node.output[0]
            nodes.append(helper.make_node("Cast", [x], [x + "__fp32"], to=FLOAT, name=node.name + "__cast_in"))
            node.input[0] = x + "__fp32"
            node.output[0] = y + "__fp32"
            nodes.append(node)
            nodes.append(helper.make_node("Cast", [y + "__fp32"], [y], to=FLOAT16, name=node.name + "__cast_out"))
            continue
        nodes.append(node)
    for value in list(g.input) + list(g.output):
        if value.type.tensor_type.elem_type != FLOAT:
            continue
        if not keep_io_types:
            value.type.tensor_type.elem_type = FLOAT16
        elif value in g.input:
            inner = value.name + "__fp16"
            for n in nodes:
                for k, name in enumerate(n.input):
                    if name == value.name:
                        n.input[k] = inner
            nodes.insert(0, helper.make_node("Cast", [value.name], [inner], to=FLOAT16, name="io_cast_in"))
        else:
            inner = value.name + "__fp16"
            for n in nodes:
                for k, name in enumerate(n.output):
                    if name == value.name:
                        n.output[k] = inner
            nodes.append(helper.make_node("Cast", [inner], [value.name], to=FLOAT, name="io_cast_out"))
    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]
    onnx.checker.check_model(model)
    check_layer_norms(g)
    return model


def check_layer_norms(g):
    """Fails unless every LayerNormalization still computes in float32 (the bundle contract): its input is a Cast
    to float32 and its scale and bias are float32 initializers. A graph without any is refused too: the CLIP
    image models this converts all have them, so none found means the graph is not what it should be."""
    inits = {i.name: i.data_type for i in g.initializer}
    cast_to_fp32 = {n.output[0] for n in g.node if n.op_type == "Cast"
                    and any(a.name == "to" and a.i == FLOAT for a in n.attribute)}
    norms = [n for n in g.node if n.op_type == "LayerNormalization"]
    if not norms:
        sys.exit("to_fp16: no LayerNormalization in the graph; expected a CLIP image model")
    for n in norms:
        if n.input[0] not in cast_to_fp32:
            sys.exit(f"to_fp16: LayerNormalization {n.name} does not take a float32 input")
        for name in n.input[1:]:
            if name and inits.get(name) != FLOAT:
                sys.exit(f"to_fp16: LayerNormalization {n.name} parameter {name} is not a float32 initializer")
    others = [i.name for i in g.initializer if i.data_type == FLOAT
              and i.name not in {x for n in norms for x in n.input[1:]}]
    if others:
        sys.exit(f"to_fp16: {len(others)} float32 initializer(s) left outside LayerNormalization, e.g. {others[0]}")
    print(f"to_fp16: {len(norms)} LayerNormalization node(s) kept float32", file=sys.stderr)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    model = onnx.load(args[0])
    onnx.save(convert(model, "--keep-io-types" in sys.argv), args[1])


if __name__ == "__main__":
    main()
