#!/usr/bin/env python3
"""Writes the per-node-type copy functions of lib/sql/raw_tree.cc from libpg_query's
pg_query.proto.

libpg_query's proto names every field of a parse node twice: its proto name and, as json_name,
the field's name in PostgreSQL's C struct. That is all a copy from the C struct into the
protobuf-c message needs: for each message, one line per field that reads the C member by name
and stores it in the proto field by number. The C++ compiler then checks every name and type
against PostgreSQL's headers, so a proto that does not match the headers fails the build
instead of producing a wrong tree.

The structs' layout comes from PostgreSQL's server headers, while libpg_query was compiled from
its own copy of them (the same major version, an earlier minor). Within a major version
PostgreSQL only appends members to node structs; the generator checks that: for every message,
the proto's fields (libpg_query's members, in order) must be the headers' members in the same
order, with members the headers add only at the end. Anything else fails the build.

usage: raw_tree_gen.py PG_QUERY_PROTO SERVER_INCLUDE_DIR OUTPUT
"""

import re
import sys

# Messages that are not parse nodes, or whose C form is not one struct per message: the
# value nodes, the lists and A_Const (a union) are copied by hand in raw_tree.cc.
NOT_GENERATED = {
    "ParseResult", "ScanResult", "ScanToken", "Node", "Integer", "Float", "Boolean", "String",
    "BitString", "List", "OidList", "IntList", "A_Const",
}
SCALARS = {"bool", "int32", "uint32", "int64", "uint64", "double", "float", "string"}


def parse(proto):
    messages, enums = {}, {}
    kind = name = None
    for line in proto.splitlines():
        line = line.split("//")[0].strip()
        m = re.match(r"(message|enum)\s+(\w+)", line)
        if m:
            kind, name = m.groups()
            (messages if kind == "message" else enums)[name] = []
            continue
        if line.startswith("}"):
            kind = None
            continue
        if kind == "enum":
            m = re.match(r"(\w+)\s*=\s*(-?\d+)\s*;", line)
            if m:
                enums[name].append((m.group(1), int(m.group(2))))
        elif kind == "message":
            m = re.match(
                r"(repeated\s+)?(\w+)\s+(\w+)\s*=\s*(\d+)(?:\s*\[json_name\s*=\s*\"(\w+)\"\])?\s*;",
                line)
            if m:
                repeated, ftype, fname, number, c_name = m.groups()
                messages[name].append({
                    "repeated": bool(repeated), "type": ftype, "name": fname,
                    "number": int(number), "c_name": c_name,
                })
    return messages, enums


# Members libpg_query keeps in its structs but leaves out of the proto (not in raw parse trees).
NOT_IN_PROTO = {("Query", "queryId")}


def c_structs(include_dir):
    """Member names of the node structs in PostgreSQL's parse-node headers, in order."""
    structs = {}
    for header in ("nodes/parsenodes.h", "nodes/primnodes.h"):
        with open(f"{include_dir}/{header}", encoding="utf-8") as f:
            text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
        # "typedef struct X {…} X;", or "struct X {…};" typedef'd elsewhere.
        pattern = r"(?:typedef )?struct (\w+)\s*\{(.*?)\}\s*(?:\1\s*)?;"
        for m in re.finditer(pattern, text, flags=re.S):
            body = re.sub(r"\{[^{}]*\}", " ", m.group(2))  # a nested union's members
            members = []
            for decl in body.split(";"):
                words = re.findall(r"\w+", decl.split("[")[0])
                if words and words != ["NodeTag", "type"]:
                    members.append(words[-1])
            structs[m.group(1)] = members
        for m in re.finditer(r"typedef (\w+) (\w+);", text):  # typedef OpExpr DistinctExpr;
            if m.group(1) in structs:
                structs[m.group(2)] = structs[m.group(1)]
    return structs


def check_layout(msg, fields, structs):
    if msg not in structs:
        sys.exit(f"raw_tree_gen.py: no struct {msg} in PostgreSQL's headers")
    members = [m for m in structs[msg] if (msg, m) not in NOT_IN_PROTO]
    proto = [f["c_name"] for f in fields]
    if members[:len(proto)] != proto:
        sys.exit(f"raw_tree_gen.py: struct {msg} in PostgreSQL's headers ({', '.join(members)}) "
                 f"does not start with libpg_query's members ({', '.join(proto)}): the headers "
                 "are not of the PostgreSQL libpg_query embeds")


def main():
    proto_path, include_dir, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(proto_path, encoding="utf-8") as f:
        messages, enums = parse(f.read())
    structs = c_structs(include_dir)

    used_enums = set()
    functions, table = [], []
    for msg, fields in messages.items():
        if msg in NOT_GENERATED:
            continue
        if any(not f["c_name"] for f in fields):
            sys.exit(f"raw_tree_gen.py: message {msg} has a field without json_name")
        check_layout(msg, fields, structs)
        body = []
        for f in fields:
            member = f"n->{f['c_name']}"
            index = f["number"] - 1
            if f["repeated"]:
                call = f"c.PutList(out, f[{index}], {member});"
            elif f["type"] in enums:
                used_enums.add(f["type"])
                call = f"c.PutEnum(out, f[{index}], Enum{f['type']}({member}));"
            elif f["type"] in SCALARS:
                call = f"c.Put(out, f[{index}], {member});"
            elif f["type"] == "Node":
                call = f"c.PutNode(out, f[{index}], {member});"
            else:
                call = f"c.PutMessage<::{f['type']}>(out, f[{index}], {member}, Copy{f['type']});"
            body.append("  " + call)
        count = max((f["number"] for f in fields), default=0)
        unused = "" if fields else "[[maybe_unused]] "
        functions.append(
            f"void Copy{msg}({unused}RawTreeCopier& c, {unused}const void* in,\n"
            f"    {unused}ProtobufCMessage* out, {unused}const ProtobufCFieldDescriptor* f) {{\n"
            + (f"  const auto* n = static_cast<const ::{msg}*>(in);\n" if fields else "")
            + "\n".join(body) + ("\n" if body else "") + "}\n")
        table.append(f"    {{T_{msg}, \"pg_query.{msg}\", Copy{msg}, {count}}},")

    # An enum field holds libpg_query's C value, and its proto lists the values in the
    # declaration order of libpg_query's own copy of the headers. Where PostgreSQL's headers
    # declare a plain enum (values 0..n-1), libpg_query may have reordered it (it makes
    # LIMIT_OPTION_DEFAULT zero): its value is then the proto position. Where they give explicit
    # values ('i' for FUNC_PARAM_IN), the value is looked up by name.
    enum_functions = []
    for e in sorted(used_enums):
        values = [(name, number) for name, number in enums[e] if number > 0]
        enum_functions.append(
            f"int Enum{e}(int v) {{\n"
            f"  static constexpr int kValues[] = {{{', '.join(n for n, _ in values)}}};\n"
            f"  static constexpr int kNumbers[] = {{{', '.join(str(n) for _, n in values)}}};\n"
            f"  static constexpr bool kPlain = IsPlainEnum(kValues);\n"
            f"  return ProtoEnumValue(kValues, kNumbers, kPlain, v);\n}}\n")

    declarations = [
        f"void Copy{msg}(RawTreeCopier&, const void*, ProtobufCMessage*, "
        f"const ProtobufCFieldDescriptor*);"
        for msg in messages if msg not in NOT_GENERATED
    ]
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("// Generated by lib/sql/raw_tree_gen.py from pg_query.proto; do not edit.\n\n")
        out.write("\n".join(enum_functions) + "\n")
        out.write("\n".join(declarations) + "\n\n")
        out.write("\n".join(functions) + "\n")
        out.write("const RawNodeType kRawNodeTypes[] = {\n" + "\n".join(table) + "\n};\n")


if __name__ == "__main__":
    main()
