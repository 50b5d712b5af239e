// ParseWithRawTree: PostgreSQL's parser (through libpg_query) and a direct copy of its node tree
// into the protobuf-c structs the rest of pgstate reads.
//
// libpg_query's own outputs serialise the tree (to JSON or protobuf) only for us to read it
// back; the serialisation costs more than the parse. Here the tree is read where the parser
// left it: pg_query_raw_parse gives PostgreSQL's C node structs, and raw_tree_nodes.inc
// (generated from pg_query.proto by raw_tree_gen.py) copies each node type field by field.
// PostgreSQL's server headers give the structs' layout; libpg_query embeds the same major
// version (checked below at compile time), the generator checks that the headers' structs
// start with libpg_query's members in libpg_query's order, and the tests compare the copy with
// the protobuf route on every test file and on a quarter of the corpus files each run.
//
// This file includes PostgreSQL's headers, whose macros (printf, Min, …) must not reach the
// rest of pgstate: nothing here is exported but ParseWithRawTree.

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "sql/parse_tree.h"

namespace {
constexpr int kPgQueryVersionNum = PG_VERSION_NUM;  // libpg_query's, from pg_query.h
}  // namespace
#undef PG_MAJORVERSION
#undef PG_VERSION
#undef PG_VERSION_NUM

extern "C" {
// postgres.h before any other PostgreSQL header.
#include "postgres.h"
//
#include "nodes/parsenodes.h"
#include "nodes/primnodes.h"
#include "nodes/value.h"
#include "pg_query/pg_query_internal.h"
}

static_assert(kPgQueryVersionNum / 10000 == PG_MAJORVERSION_NUM,
              "PostgreSQL's server headers must be of the major version libpg_query embeds");

namespace pgstate::sql {
namespace {

class RawTreeCopier;
using CopyFn = void (*)(RawTreeCopier&, const void*, ProtobufCMessage*,
                        const ProtobufCFieldDescriptor*);

// One generated node type: its tag, proto message name, copy function and field count.
struct RawNodeType {
  NodeTag tag;
  const char* name;
  CopyFn copy;
  unsigned fields;
  const uint32_t* numbers = nullptr;  // the fields' proto numbers; null: 1..fields
};

// How to copy a node of one tag: the message it becomes and the Node oneof member holding it.
struct NodeRoute {
  CopyFn copy = nullptr;
  const ProtobufCMessageDescriptor* message = nullptr;
  const ProtobufCFieldDescriptor* in_node = nullptr;
};

const std::vector<NodeRoute>& Routes();

class RawTreeCopier {
 public:
  explicit RawTreeCopier(Arena& arena) : arena_(arena) {}

  PgQuery__ParseResult* CopyStatements(const List* stmts, std::vector<size_t>& inexact);

  // The generated copy functions call these, one per field; `f` is the proto field and the
  // C member's type picks what to do.

  template <typename T>
  void Put(ProtobufCMessage* out, const ProtobufCFieldDescriptor& f, const T& v) {
    char* at = reinterpret_cast<char*>(out) + f.offset;
    if constexpr (std::is_same_v<T, char*> || std::is_same_v<T, const char*>) {
      if (f.type != PROTOBUF_C_TYPE_STRING) return Unsupported();
      if (v) StorePointer(at, ArenaString(v, std::strlen(v)));
    } else if constexpr (std::is_same_v<T, char>) {
      // A one-character code (relpersistence 'p'): a one-character string, none for '\0'.
      if (f.type != PROTOBUF_C_TYPE_STRING) return Unsupported();
      if (v != '\0') StorePointer(at, ArenaString(&v, 1));
    } else if constexpr (std::is_same_v<T, bool>) {
      if (f.type != PROTOBUF_C_TYPE_BOOL) return Unsupported();
      protobuf_c_boolean b = v;
      std::memcpy(at, &b, sizeof b);
    } else if constexpr (std::is_integral_v<T>) {
      StoreInteger(at, f, static_cast<int64_t>(v));
    } else if constexpr (std::is_floating_point_v<T>) {
      if (f.type == PROTOBUF_C_TYPE_DOUBLE) {
        double d = static_cast<double>(v);
        std::memcpy(at, &d, sizeof d);
      } else {
        Unsupported();
      }
    } else {
      Unsupported();
    }
  }

  void PutEnum(ProtobufCMessage* out, const ProtobufCFieldDescriptor& f, int proto_value) {
    if (proto_value < 0 || f.type != PROTOBUF_C_TYPE_ENUM) return Unsupported();
    std::memcpy(reinterpret_cast<char*>(out) + f.offset, &proto_value, sizeof proto_value);
  }

  // A proto `Node` field: a pointer to any node. An embedded `Expr xpr` header carries
  // nothing in a raw tree and stays empty.
  template <typename T>
  void PutNode(ProtobufCMessage* out, const ProtobufCFieldDescriptor& f, const T& v) {
    if constexpr (std::is_pointer_v<T>) {
      if (v) StorePointer(reinterpret_cast<char*>(out) + f.offset, CopyNode(v));
    } else {
      static_assert(std::is_same_v<T, Expr>, "only an Expr header is embedded in a Node field");
    }
  }

  // A field of message type M: a pointer to that node, or the node embedded (the `base`
  // CreateStmt of CreateForeignTableStmt, whose tag is the outer node's).
  template <typename M, typename T>
  void PutMessage(ProtobufCMessage* out, const ProtobufCFieldDescriptor& f, const T& v,
                  CopyFn copy) {
    static_assert(std::is_same_v<std::remove_cv_t<std::remove_pointer_t<T>>, M>,
                  "the C member is not of the proto field's message type");
    const void* in = nullptr;
    if constexpr (std::is_pointer_v<T>) {
      in = v;
    } else {
      in = &v;
    }
    if (!in) return;
    const auto* md = static_cast<const ProtobufCMessageDescriptor*>(f.descriptor);
    StoreMessage(out, f, CopyMessage(in, md, copy));
  }

  // A repeated field: a List of nodes; planner-only bitmapsets are not in raw trees.
  template <typename T>
  void PutList(ProtobufCMessage* out, const ProtobufCFieldDescriptor& f, const T& v) {
    if constexpr (std::is_same_v<T, List*>) {
      if (f.type != PROTOBUF_C_TYPE_MESSAGE) return Unsupported();
      const auto* md = static_cast<const ProtobufCMessageDescriptor*>(f.descriptor);
      if (md != &pg_query__node__descriptor) return Unsupported();
      StoreRepeated(out, f, v);
    } else if constexpr (std::is_pointer_v<T>) {
      if (v) Unsupported();
    } else {
      Unsupported();
    }
  }

  // Marks the statement being copied as one to parse again through the protobuf route.
  void Unsupported() {
    if (inexact_.empty() || inexact_.back() != current_) inexact_.push_back(current_);
  }

 private:
  template <typename M>
  M* New(const ProtobufCMessageDescriptor* d) {
    auto* m = static_cast<ProtobufCMessage*>(arena_.Alloc(d->sizeof_message));
    d->message_init(m);
    return reinterpret_cast<M*>(m);
  }

  char* ArenaString(const char* s, size_t n) {
    char* copy = static_cast<char*>(arena_.Alloc(n + 1));
    std::memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
  }

  static void StorePointer(char* at, const void* p) { std::memcpy(at, &p, sizeof p); }

  // Stores `message` in field `f` of `out`; a oneof member also becomes the one that is set.
  static void StoreMessage(void* out, const ProtobufCFieldDescriptor& f, const void* message) {
    char* base = static_cast<char*>(out);
    StorePointer(base + f.offset, message);
    if (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t which = f.id;
      std::memcpy(base + f.quantifier_offset, &which, sizeof which);
    }
  }

  void StoreInteger(char* at, const ProtobufCFieldDescriptor& f, int64_t v) {
    switch (f.type) {
      case PROTOBUF_C_TYPE_INT32:
      case PROTOBUF_C_TYPE_UINT32:
      case PROTOBUF_C_TYPE_SINT32:
      case PROTOBUF_C_TYPE_ENUM: {
        auto v32 = static_cast<uint32_t>(v);  // int32 and uint32 share the bit pattern
        std::memcpy(at, &v32, sizeof v32);
        return;
      }
      case PROTOBUF_C_TYPE_INT64:
      case PROTOBUF_C_TYPE_UINT64:
      case PROTOBUF_C_TYPE_SINT64:
        std::memcpy(at, &v, sizeof v);
        return;
      default:
        return Unsupported();
    }
  }

  void StoreRepeated(ProtobufCMessage* out, const ProtobufCFieldDescriptor& f, const List* list) {
    size_t n = static_cast<size_t>(list_length(list));
    PgQuery__Node** items = nullptr;
    if (n > 0) {
      items = static_cast<PgQuery__Node**>(arena_.Alloc(sizeof(PgQuery__Node*) * n));
      for (size_t i = 0; i < n; ++i) {
        // A NULL element (DISTINCT's list_make1(NIL)) is an empty Node, as in the protobuf.
        const auto* element = static_cast<const Node*>(list_nth(list, static_cast<int>(i)));
        items[i] = element ? CopyNode(element) : New<PgQuery__Node>(&pg_query__node__descriptor);
      }
    }
    char* base = reinterpret_cast<char*>(out);
    std::memcpy(base + f.quantifier_offset, &n, sizeof n);
    StorePointer(base + f.offset, items);
  }

  ProtobufCMessage* CopyMessage(const void* in, const ProtobufCMessageDescriptor* d, CopyFn copy) {
    auto* m = New<ProtobufCMessage>(d);
    copy(*this, in, m, d->fields);
    return m;
  }

  template <typename T>
  PgQuery__Node* CopyNode(const T* in) {
    const Node* n = reinterpret_cast<const Node*>(in);
    if (!n) return nullptr;
    auto* node = New<PgQuery__Node>(&pg_query__node__descriptor);
    NodeTag tag = nodeTag(n);
    const std::vector<NodeRoute>& routes = Routes();
    auto index = static_cast<size_t>(tag);
    if (index >= routes.size() || !routes[index].copy) {
      Unsupported();  // IntList, OidList, or a node libpg_query's proto has no message for
      return node;
    }
    const NodeRoute& route = routes[index];
    StoreMessage(node, *route.in_node, CopyMessage(n, route.message, route.copy));
    return node;
  }

  Arena& arena_;
  size_t current_ = 0;
  std::vector<size_t> inexact_;
};

// Whether an enum's values (in proto order, as PostgreSQL's headers define them) are a
// permutation of 0..N-1: a plain enum, without explicit values.
template <size_t N>
constexpr bool IsPlainEnum(const int (&values)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (values[i] < 0 || static_cast<size_t>(values[i]) >= N) return false;
    for (size_t j = 0; j < i; ++j) {
      if (values[j] == values[i]) return false;
    }
  }
  return true;
}

// The proto number of libpg_query's C value `v`, given the enum's values as PostgreSQL's
// headers define them and their proto numbers, both in proto order; -1 if there is none.
template <size_t N>
int ProtoEnumValue(const int (&values)[N], const int (&numbers)[N], bool plain, int v) {
  if (plain) return v >= 0 && static_cast<size_t>(v) < N ? numbers[v] : -1;
  for (size_t i = 0; i < N; ++i) {
    if (values[i] == v) return numbers[i];
  }
  return -1;
}

// The nodes whose C form is not one plain struct per message: the value nodes, A_Const (a
// union of them) and List.

// A value node: its one field.
template <typename V, auto kMember>
void CopyValue(RawTreeCopier& c, const void* in, ProtobufCMessage* out,
               const ProtobufCFieldDescriptor* f) {
  c.Put(out, f[0], static_cast<const V*>(in)->*kMember);
}
constexpr CopyFn CopyInteger = &CopyValue<Integer, &Integer::ival>;
constexpr CopyFn CopyFloat = &CopyValue<Float, &Float::fval>;
constexpr CopyFn CopyBoolean = &CopyValue<Boolean, &Boolean::boolval>;
constexpr CopyFn CopyString = &CopyValue<String, &String::sval>;
constexpr CopyFn CopyBitString = &CopyValue<BitString, &BitString::bsval>;

void CopyList(RawTreeCopier& c, const void* in, ProtobufCMessage* out,
              const ProtobufCFieldDescriptor* f) {
  auto* list = const_cast<List*>(static_cast<const List*>(in));
  c.PutList(out, f[0], list);
}
// Fields by proto number: the value oneof 1-5, isnull 10, location 11.
constexpr uint32_t kAConstNumbers[] = {1, 2, 3, 4, 5, 10, 11};
void CopyA_Const(RawTreeCopier& c, const void* in, ProtobufCMessage* out,
                 const ProtobufCFieldDescriptor* f) {
  const auto* n = static_cast<const A_Const*>(in);
  c.Put(out, f[5], n->isnull);
  c.Put(out, f[6], n->location);
  if (n->isnull) return;
  switch (nodeTag(&n->val)) {
    case T_Integer:
      return c.PutMessage<Integer>(out, f[0], n->val.ival, CopyInteger);
    case T_Float:
      return c.PutMessage<Float>(out, f[1], n->val.fval, CopyFloat);
    case T_Boolean:
      return c.PutMessage<Boolean>(out, f[2], n->val.boolval, CopyBoolean);
    case T_String:
      return c.PutMessage<String>(out, f[3], n->val.sval, CopyString);
    case T_BitString:
      return c.PutMessage<BitString>(out, f[4], n->val.bsval, CopyBitString);
    default:
      return c.Unsupported();
  }
}

const RawNodeType kHandCopied[] = {
    {T_Integer, "pg_query.Integer", CopyInteger, 1},
    {T_Float, "pg_query.Float", CopyFloat, 1},
    {T_Boolean, "pg_query.Boolean", CopyBoolean, 1},
    {T_String, "pg_query.String", CopyString, 1},
    {T_BitString, "pg_query.BitString", CopyBitString, 1},
    {T_List, "pg_query.List", CopyList, 1},
    {T_A_Const, "pg_query.A_Const", CopyA_Const, 7, kAConstNumbers},
};

#include "sql/raw_tree_nodes.inc"

PgQuery__ParseResult* RawTreeCopier::CopyStatements(const List* stmts,
                                                    std::vector<size_t>& inexact) {
  auto* result = New<PgQuery__ParseResult>(&pg_query__parse_result__descriptor);
  result->version = kPgQueryVersionNum;
  result->n_stmts = static_cast<size_t>(list_length(stmts));
  result->stmts = static_cast<PgQuery__RawStmt**>(
      arena_.Alloc(sizeof(PgQuery__RawStmt*) * std::max<size_t>(1, result->n_stmts)));
  for (size_t i = 0; i < result->n_stmts; ++i) {
    current_ = i;
    result->stmts[i] = reinterpret_cast<PgQuery__RawStmt*>(CopyMessage(
        list_nth(stmts, static_cast<int>(i)), &pg_query__raw_stmt__descriptor, &CopyRawStmt));
  }
  inexact = std::move(inexact_);
  return result;
}

struct RouteTable {
  std::vector<NodeRoute> by_tag;
  std::vector<std::string> uncopied;
};

const RouteTable& TheRoutes() {
  static const RouteTable routes = [] {
    RouteTable table;
    std::vector<NodeRoute>& r = table.by_tag;
    // The Node oneof members by message name ("pg_query.A_Const").
    const ProtobufCMessageDescriptor& node = pg_query__node__descriptor;
    std::unordered_map<std::string_view, const ProtobufCFieldDescriptor*> members;
    for (unsigned i = 0; i < node.n_fields; ++i) {
      members.emplace(
          static_cast<const ProtobufCMessageDescriptor*>(node.fields[i].descriptor)->name,
          &node.fields[i]);
    }
    auto add = [&](const RawNodeType& t) {
      NodeRoute route;
      if (auto it = members.find(t.name); it != members.end()) {
        route.message = static_cast<const ProtobufCMessageDescriptor*>(it->second->descriptor);
        route.in_node = it->second;
      }
      // Copy functions index the descriptor's fields by position: the protobuf-c structs
      // must have the fields, numbered, as the proto file said.
      bool usable = route.message && route.message->n_fields == t.fields;
      for (unsigned i = 0; usable && i < t.fields; ++i) {
        usable = route.message->fields[i].id == (t.numbers ? t.numbers[i] : i + 1);
      }
      if (!usable) {
        table.uncopied.emplace_back(t.name);
        return;
      }
      route.copy = t.copy;
      auto index = static_cast<size_t>(t.tag);
      if (r.size() <= index) r.resize(index + 1);
      r[index] = route;
    };
    for (const RawNodeType& t : kRawNodeTypes) add(t);
    for (const RawNodeType& t : kHandCopied) add(t);
    return table;
  }();
  return routes;
}

const std::vector<NodeRoute>& Routes() { return TheRoutes().by_tag; }

}  // namespace

std::vector<std::string> RawTreeUncopiedTypes() { return TheRoutes().uncopied; }

ParsedTree ParseWithRawTree(const char* sql, size_t size) {
  // A message type the copy cannot use may sit in any field of another: then nothing is
  // copied (RawTreeUncopiedTypes names it; a test fails on it).
  if (!TheRoutes().uncopied.empty()) return ParseWithProtobuf(sql, size);
  // libpg_query's memory context holds the raw tree; it goes when the copy is done.
  struct Context {
    MemoryContext ctx = pg_query_enter_memory_context();
    ~Context() { pg_query_exit_memory_context(ctx); }
  } context;
  PgQueryInternalParsetreeAndError parsed = pg_query_raw_parse(sql);
  std::unique_ptr<char, decltype(&std::free)> stderr_buffer(parsed.stderr_buffer, &std::free);
  if (parsed.error) {
    ParsedTree failed = FailedParse(parsed.error);
    pg_query_free_error(parsed.error);
    return failed;
  }
  ParsedTree t;
  // The copy takes about as much memory as the SQL text times four.
  t.arena = std::make_unique<Arena>(std::max<size_t>(64 * 1024, size * 4));
  RawTreeCopier copier(*t.arena);
  t.tree = copier.CopyStatements(parsed.tree, t.inexact);
  t.ok = true;
  return t;
}

}  // namespace pgstate::sql
