"""Compiles .proto files with the system protoc (and grpc_cpp_plugin) — no downloads."""

def raftkv_cc_proto(name, srcs, deps = [], grpc = False):
    """Generates C++ (and optionally gRPC) code for `srcs` into a cc_library `name`.

    Imports are written relative to the workspace root, e.g. `import "proto/kv.proto";`.
    """
    bases = [s[:-len(".proto")] for s in srcs]
    outs = [b + ".pb.h" for b in bases] + [b + ".pb.cc" for b in bases]
    if grpc:
        outs += [b + ".grpc.pb.h" for b in bases] + [b + ".grpc.pb.cc" for b in bases]
    plugin = " --grpc_out=$(GENDIR) --plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin" if grpc else ""
    dep_protos = [d + "_srcs" for d in deps]
    native.filegroup(name = name + "_srcs", srcs = srcs + dep_protos)
    native.genrule(
        name = name + "_gen",
        srcs = srcs + dep_protos,
        outs = outs,
        cmd = "/usr/bin/protoc -I. --cpp_out=$(GENDIR)" + plugin +
              " " + " ".join(["$(location " + s + ")" for s in srcs]),
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        deps = deps + ["//third_party:grpc", "//third_party:absl"],
        visibility = ["//visibility:public"],
    )
