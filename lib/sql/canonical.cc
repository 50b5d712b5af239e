#include "sql/canonical.h"

#include <cstring>
#include <vector>

#include "sql/pg_query_owner.h"

namespace pgstate::sql {

namespace {

// A 64-bit multiply-xorshift mix fed a word at a time: much cheaper than a byte-wise hash and
// good enough to tell statements apart (collisions only cost a needless text comparison).
constexpr uint64_t kSeed = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kMul = 0xff51afd7ed558ccdULL;

struct Hasher {
  uint64_t h = kSeed;
  void U64(uint64_t v) {
    h = (h ^ v) * kMul;
    h ^= h >> 31;
  }
  void Bytes(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    while (n >= 8) {
      uint64_t v;
      std::memcpy(&v, p, 8);
      U64(v);
      p += 8;
      n -= 8;
    }
    if (n > 0) {
      uint64_t v = 0;
      std::memcpy(&v, p, n);
      U64(v ^ (uint64_t{n} << 59));
    }
  }
};

bool IsLocationField(const ProtobufCFieldDescriptor& f) {
  if (f.type != PROTOBUF_C_TYPE_INT32) return false;
  const char* n = f.name;
  if (n[0] == 'l') return std::strcmp(n, "location") == 0;
  if (n[0] == 's') return std::strcmp(n, "stmt_location") == 0 || std::strcmp(n, "stmt_len") == 0;
  return false;
}

size_t ElementSize(ProtobufCType type) {
  switch (type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
      return 8;
    case PROTOBUF_C_TYPE_STRING:
      return sizeof(char*);
    case PROTOBUF_C_TYPE_BYTES:
      return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE:
      return sizeof(ProtobufCMessage*);
    case PROTOBUF_C_TYPE_BOOL:
      return sizeof(protobuf_c_boolean);
    default:
      return 4;
  }
}

// Every message's hash is computed on its own and mixed into its parent as one value, so
// the hash of a sub-tree is the same whether it is hashed alone or inside its statement (the
// statement walk hands out its elements' hashes on the way).
struct Capture {
  const void* array = nullptr;  // a repeated field's item array to report on
  std::vector<uint64_t>* out = nullptr;
};

constexpr uint64_t kNullMessage = 0xfefefefe;

uint64_t HashOf(const ProtobufCMessage* m, const Capture& cap);

// Mixes one value of `type` stored at `p`. Returns false, mixing nothing, for a default value
// (0, "", null) outside repeated fields, as protobuf would not encode it.
bool MixValue(ProtobufCType type, const char* p, Hasher& h, bool always, const Capture& cap) {
  switch (type) {
    case PROTOBUF_C_TYPE_STRING: {
      const char* s = *reinterpret_cast<char* const*>(p);
      size_t n = s ? std::strlen(s) : 0;
      if (n == 0 && !always) return false;
      h.U64(n);
      h.Bytes(s, n);
      return true;
    }
    case PROTOBUF_C_TYPE_BYTES: {
      const auto* b = reinterpret_cast<const ProtobufCBinaryData*>(p);
      if (b->len == 0 && !always) return false;
      h.U64(b->len);
      h.Bytes(b->data, b->len);
      return true;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
      const auto* sub = *reinterpret_cast<ProtobufCMessage* const*>(p);
      if (!sub && !always) return false;
      h.U64(HashOf(sub, cap));
      return true;
    }
    default: {
      size_t n = ElementSize(type);
      uint64_t v = 0;
      std::memcpy(&v, p, n);
      if (v == 0 && !always) return false;
      h.U64(v);
      return true;
    }
  }
}

// The one exception to the generic walk: `integer` parses as pg_catalog.int4 but `int4` as
// plain int4. Both name the same type, so a leading pg_catalog is not part of the hash.
void MixTypeName(const PgQuery__TypeName* t, Hasher& h, const Capture& cap) {
  size_t first = 0;
  if (t->n_names >= 2 && t->names[0] && t->names[0]->node_case == PG_QUERY__NODE__NODE_STRING &&
      t->names[0]->string && std::strcmp(t->names[0]->string->sval, "pg_catalog") == 0) {
    first = 1;
  }
  h.U64(t->n_names - first);
  for (size_t i = first; i < t->n_names; ++i) h.U64(HashOf(&t->names[i]->base, cap));
  h.U64(t->setof);
  h.U64(t->pct_type);
  h.U64(static_cast<uint32_t>(t->typemod));
  h.U64(t->n_typmods);
  for (size_t i = 0; i < t->n_typmods; ++i) h.U64(HashOf(&t->typmods[i]->base, cap));
  h.U64(t->n_array_bounds);
  for (size_t i = 0; i < t->n_array_bounds; ++i) h.U64(HashOf(&t->array_bounds[i]->base, cap));
}

uint64_t HashOf(const ProtobufCMessage* m, const Capture& cap) {
  if (!m) return kNullMessage;
  const ProtobufCMessageDescriptor* d = m->descriptor;
  const char* base = reinterpret_cast<const char*>(m);
  Hasher h;
  if (d == &pg_query__type_name__descriptor) {
    h.U64(0x7b);
    MixTypeName(reinterpret_cast<const PgQuery__TypeName*>(m), h, cap);
    return h.h;
  }
  unsigned first = 0;
  unsigned last = d->n_fields;
  if (d == &pg_query__node__descriptor) {
    // A Node is a oneof over every node type: go straight to the member that is set
    // instead of testing ~240 fields.
    const ProtobufCFieldDescriptor* f = protobuf_c_message_descriptor_get_field(
        d, static_cast<unsigned>(reinterpret_cast<const PgQuery__Node*>(m)->node_case));
    if (!f) return h.h;
    first = static_cast<unsigned>(f - d->fields);
    last = first + 1;
  }
  for (unsigned i = first; i < last; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    bool oneof = (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
    if (oneof && *reinterpret_cast<const uint32_t*>(base + f.quantifier_offset) != f.id) continue;
    if (f.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t*>(base + f.quantifier_offset);
      if (n == 0) continue;
      h.U64(f.id | (uint64_t{1} << 40));
      h.U64(n);
      const char* arr = *reinterpret_cast<char* const*>(base + f.offset);
      size_t size = ElementSize(f.type);
      bool report = cap.array != nullptr && arr == cap.array && f.type == PROTOBUF_C_TYPE_MESSAGE;
      for (size_t k = 0; k < n; ++k) {
        if (report) {
          uint64_t v = HashOf(*reinterpret_cast<ProtobufCMessage* const*>(arr + k * size), cap);
          cap.out->push_back(v);
          h.U64(v);
        } else {
          MixValue(f.type, arr + k * size, h, true, cap);
        }
      }
      continue;
    }
    if (f.label == PROTOBUF_C_LABEL_OPTIONAL && f.quantifier_offset != 0 &&
        f.type != PROTOBUF_C_TYPE_MESSAGE && f.type != PROTOBUF_C_TYPE_STRING && !oneof) {
      if (!*reinterpret_cast<const protobuf_c_boolean*>(base + f.quantifier_offset)) continue;
    }
    if (IsLocationField(f)) continue;
    Hasher field = h;
    field.U64(f.id);
    // The oneof case of a Node is its type: mix the id even when the payload is empty.
    if (MixValue(f.type, base + f.offset, field, oneof, cap)) h = field;
  }
  h.U64(0x7d);
  return h.h;
}

}  // namespace

uint64_t CanonicalHash(const ProtobufCMessage* message) {
  if (!message) return 0;
  uint64_t v = HashOf(message, Capture{});
  return v == 0 ? 1 : v;
}

uint64_t CanonicalHash(const PgQuery__Node* node, const void* items,
                       std::vector<uint64_t>* item_hashes) {
  if (!node) return 0;
  Capture cap{items, item_hashes};
  uint64_t v = HashOf(reinterpret_cast<const ProtobufCMessage*>(node), cap);
  for (uint64_t& h : *item_hashes) h = h == 0 ? 1 : h;
  return v == 0 ? 1 : v;
}

uint64_t CanonicalHash(const PgQuery__Node* node) {
  return CanonicalHash(reinterpret_cast<const ProtobufCMessage*>(node));
}

uint64_t CanonicalHashOfText(const std::string& text) {
  Hasher h;
  h.U64(text.size());
  h.Bytes(text.data(), text.size());
  return h.h == 0 ? 1 : h.h;
}

std::string DeparseNode(const PgQuery__Node* node) {
  if (!node) return {};
  PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
  raw.stmt = const_cast<PgQuery__Node*>(node);
  PgQuery__RawStmt* stmts[1] = {&raw};
  PgQuery__ParseResult tree = PG_QUERY__PARSE_RESULT__INIT;
  tree.version = PG_VERSION_NUM;
  tree.n_stmts = 1;
  tree.stmts = stmts;
  std::string packed(pg_query__parse_result__get_packed_size(&tree), '\0');
  pg_query__parse_result__pack(&tree, reinterpret_cast<uint8_t*>(packed.data()));
  PgQueryProtobuf pb;
  pb.len = packed.size();
  pb.data = packed.data();
  DeparseResult result(pg_query_deparse_protobuf(pb));
  if (result->error || !result->query) return {};
  return result->query;
}

}  // namespace pgstate::sql
