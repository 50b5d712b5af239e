#include "sql/parse_tree.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "sql/lexer.h"

namespace pgstate::sql {

namespace {

ParsedTree Failure(const PgQueryError* error) {
  ParsedTree t;
  t.message = error && error->message ? error->message : "syntax error";
  t.cursorpos = error ? error->cursorpos : 0;
  return t;
}

// ---------------------------------------------------------------------------------------
// Field lookup by JSON key. libpg_query's JSON keys are the proto fields' json_name
// ("tableElts" for table_elts); protobuf-c keeps only the proto name, so keys are matched
// ignoring case and underscores, once per (message type, key) and then cached.

bool SameName(std::string_view json_key, const char* proto_name) {
  size_t i = 0;
  const char* p = proto_name;
  while (true) {
    while (i < json_key.size() && json_key[i] == '_') ++i;
    while (*p == '_') ++p;
    if (i == json_key.size() || *p == '\0') return i == json_key.size() && *p == '\0';
    char a = json_key[i];
    char b = *p;
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
    ++i;
    ++p;
  }
}

struct FieldCache {
  std::vector<std::pair<std::string, const ProtobufCFieldDescriptor*>> entries;
};

}  // namespace

const ProtobufCFieldDescriptor* FieldForJsonKey(const ProtobufCMessageDescriptor* d,
                                                std::string_view key) {
  thread_local std::unordered_map<const ProtobufCMessageDescriptor*, FieldCache> caches;
  FieldCache& cache = caches[d];
  for (const auto& [k, f] : cache.entries) {
    if (k == key) return f;
  }
  // The one json_name in pg_query.proto that is not its field name spelt differently.
  std::string_view wanted = key == "base" ? std::string_view("base_stmt") : key;
  const ProtobufCFieldDescriptor* found = nullptr;
  for (unsigned i = 0; i < d->n_fields; ++i) {
    if (SameName(wanted, d->fields[i].name)) {
      found = &d->fields[i];
      break;
    }
  }
  cache.entries.emplace_back(std::string(key), found);
  return found;
}

namespace {

// JSON node type name ("A_Const", "CreateStmt") -> the Node oneof field holding it.
const ProtobufCFieldDescriptor* FindNodeField(std::string_view type) {
  // Keys view the descriptors' own (static) names, so lookups allocate nothing.
  static const std::unordered_map<std::string_view, const ProtobufCFieldDescriptor*> by_name = [] {
    std::unordered_map<std::string_view, const ProtobufCFieldDescriptor*> m;
    const ProtobufCMessageDescriptor* node = &pg_query__node__descriptor;
    for (unsigned i = 0; i < node->n_fields; ++i) {
      const auto* md = static_cast<const ProtobufCMessageDescriptor*>(node->fields[i].descriptor);
      std::string_view full = md->name;  // "pg_query.A_Const"
      m.emplace(full.substr(full.rfind('.') + 1), &node->fields[i]);
    }
    return m;
  }();
  auto it = by_name.find(type);
  return it == by_name.end() ? nullptr : it->second;
}

size_t ValueSize(ProtobufCType type) {
  switch (type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
      return 8;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
      return sizeof(void*);
    case PROTOBUF_C_TYPE_BYTES:
      return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_BOOL:
      return sizeof(protobuf_c_boolean);
    default:
      return 4;
  }
}

class JsonReader {
 public:
  JsonReader(std::string_view json, std::string_view sql, Arena& arena)
      : p_(json.data()), end_(json.data() + json.size()), sql_(sql), arena_(arena) {}

  PgQuery__ParseResult* Read(std::vector<size_t>& inexact) {
    auto* msg = ReadMessage(&pg_query__parse_result__descriptor);
    SkipSpace();
    if (!ok_ || p_ != end_) return nullptr;
    inexact = std::move(inexact_);
    return reinterpret_cast<PgQuery__ParseResult*>(msg);
  }

 private:
  void Fail() {
    ok_ = false;
    p_ = end_;
  }
  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!Eat(c)) Fail();
  }

  // A key: plain characters, no escapes (all of libpg_query's keys are identifiers).
  std::string_view ReadKey() {
    SkipSpace();
    if (p_ >= end_ || *p_ != '"') {
      Fail();
      return {};
    }
    const char* b = ++p_;
    while (p_ < end_ && *p_ != '"') {
      if (*p_ == '\\') {
        Fail();
        return {};
      }
      ++p_;
    }
    std::string_view key(b, static_cast<size_t>(p_ - b));
    ++p_;
    Expect(':');
    return key;
  }

  static void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  uint32_t Hex4() {
    if (end_ - p_ < 4) {
      Fail();
      return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        Fail();
        return 0;
      }
    }
    return v;
  }

  // A string value copied into the arena, NUL-terminated.
  char* ReadString() {
    SkipSpace();
    if (p_ >= end_ || *p_ != '"') {
      Fail();
      return nullptr;
    }
    const char* b = ++p_;
    const char* q = b;
    while (q < end_ && *q != '"' && *q != '\\') ++q;
    if (q < end_ && *q == '"') {  // the common case: nothing to unescape
      size_t n = static_cast<size_t>(q - b);
      char* s = static_cast<char*>(arena_.Alloc(n + 1));
      std::memcpy(s, b, n);
      s[n] = '\0';
      p_ = q + 1;
      return s;
    }
    std::string out(b, q);
    p_ = q;
    while (p_ < end_ && *p_ != '"') {
      if (*p_ != '\\') {
        out += *p_++;
        continue;
      }
      if (++p_ >= end_) break;
      char e = *p_++;
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          uint32_t cp = Hex4();
          if (cp >= 0xd800 && cp < 0xdc00 && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
            p_ += 2;
            uint32_t low = Hex4();
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          out += e;
          break;  // \" \\ \/
      }
    }
    if (p_ >= end_) {
      Fail();
      return nullptr;
    }
    ++p_;
    char* s = static_cast<char*>(arena_.Alloc(out.size() + 1));
    std::memcpy(s, out.data(), out.size());
    s[out.size()] = '\0';
    return s;
  }

  // A number or literal; returns its text.
  std::string_view ReadAtom() {
    SkipSpace();
    const char* b = p_;
    while (p_ < end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && *p_ != ' ' && *p_ != '\n') ++p_;
    if (p_ == b) Fail();
    return std::string_view(b, static_cast<size_t>(p_ - b));
  }

  void SkipValue() {
    SkipSpace();
    if (p_ >= end_) return Fail();
    if (*p_ == '"') {
      ReadString();
    } else if (*p_ == '{') {
      ++p_;
      if (Eat('}')) return;
      do {
        ReadKey();
        SkipValue();
      } while (ok_ && Eat(','));
      Expect('}');
    } else if (*p_ == '[') {
      ++p_;
      if (Eat(']')) return;
      do SkipValue();
      while (ok_ && Eat(','));
      Expect(']');
    } else {
      ReadAtom();
    }
  }

  // Reads one scalar of `f`'s type into `dst`.
  void ReadScalar(const ProtobufCFieldDescriptor& f, char* dst) {
    switch (f.type) {
      case PROTOBUF_C_TYPE_STRING: {
        char* s = ReadString();
        std::memcpy(dst, &s, sizeof s);
        return;
      }
      case PROTOBUF_C_TYPE_BOOL: {
        std::string_view a = ReadAtom();
        protobuf_c_boolean b = a == "true";
        std::memcpy(dst, &b, sizeof b);
        return;
      }
      case PROTOBUF_C_TYPE_ENUM: {
        int value = 0;
        SkipSpace();
        if (p_ < end_ && *p_ == '"') {
          const char* name = ReadString();
          const ProtobufCEnumValue* v = protobuf_c_enum_descriptor_get_value_by_name(
              static_cast<const ProtobufCEnumDescriptor*>(f.descriptor), name ? name : "");
          if (!v) return Fail();
          value = v->value;
        } else {
          value = static_cast<int>(std::strtol(std::string(ReadAtom()).c_str(), nullptr, 10));
        }
        std::memcpy(dst, &value, sizeof value);
        return;
      }
      case PROTOBUF_C_TYPE_FLOAT: {
        float v = std::strtof(std::string(ReadAtom()).c_str(), nullptr);
        std::memcpy(dst, &v, sizeof v);
        return;
      }
      case PROTOBUF_C_TYPE_DOUBLE: {
        double v = std::strtod(std::string(ReadAtom()).c_str(), nullptr);
        std::memcpy(dst, &v, sizeof v);
        return;
      }
      case PROTOBUF_C_TYPE_BYTES:
        SkipValue();  // never produced by libpg_query
        return;
      default: {
        std::string_view a = ReadAtom();
        bool negative = !a.empty() && a[0] == '-';
        uint64_t magnitude = 0;
        for (size_t i = negative ? 1 : 0; i < a.size(); ++i) {
          if (a[i] < '0' || a[i] > '9') return Fail();
          magnitude = magnitude * 10 + static_cast<uint64_t>(a[i] - '0');
        }
        int64_t v = negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
        if (ValueSize(f.type) == 8) {
          std::memcpy(dst, &v, 8);
        } else {
          uint32_t v32 = static_cast<uint32_t>(v);  // int32 and uint32 share the bit pattern
          std::memcpy(dst, &v32, 4);
        }
        return;
      }
    }
  }

  void* ReadFieldMessage(const ProtobufCFieldDescriptor& f) {
    const auto* md = static_cast<const ProtobufCMessageDescriptor*>(f.descriptor);
    if (md == &pg_query__node__descriptor) return ReadNode();
    return ReadMessage(md);
  }

  // {"TypeName": {...}} -> a PgQuery__Node with that oneof member set.
  ProtobufCMessage* ReadNode() {
    auto* node = static_cast<PgQuery__Node*>(arena_.Alloc(sizeof(PgQuery__Node)));
    pg_query__node__init(node);
    Expect('{');
    if (Eat('}')) return &node->base;
    std::string_view type = ReadKey();
    const ProtobufCFieldDescriptor* f = FindNodeField(type);
    if (!f) {
      Fail();
      return &node->base;
    }
    ProtobufCMessage* inner =
        ReadMessage(static_cast<const ProtobufCMessageDescriptor*>(f->descriptor));
    char* base = reinterpret_cast<char*>(node);
    std::memcpy(base + f->offset, &inner, sizeof inner);
    uint32_t which = f->id;
    std::memcpy(base + f->quantifier_offset, &which, sizeof which);
    Expect('}');
    return &node->base;
  }

  ProtobufCMessage* ReadMessage(const ProtobufCMessageDescriptor* d) {
    auto* msg = static_cast<ProtobufCMessage*>(arena_.Alloc(d->sizeof_message));
    d->message_init(msg);
    if (d == &pg_query__raw_stmt__descriptor) current_stmt_ = stmt_count_++;
    // Integers under an A_Const or a TypeName get repaired below; any other zero is unsure.
    bool saved_context = in_exact_context_;
    if (d == &pg_query__a__const__descriptor || d == &pg_query__type_name__descriptor) {
      in_exact_context_ = true;
    } else if (d != &pg_query__integer__descriptor) {
      in_exact_context_ = false;
    }
    char* base = reinterpret_cast<char*>(msg);
    unsigned hint = 0;
    Expect('{');
    if (!Eat('}')) {
      do {
        std::string_view key = ReadKey();
        if (!ok_) break;
        const ProtobufCFieldDescriptor* f = NextField(d, key, hint);
        if (!f) {
          SkipValue();
          continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
          ReadRepeated(*f, base);
          continue;
        }
        if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
          void* sub = ReadFieldMessage(*f);
          std::memcpy(base + f->offset, &sub, sizeof sub);
        } else {
          ReadScalar(*f, base + f->offset);
        }
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
          uint32_t which = f->id;
          std::memcpy(base + f->quantifier_offset, &which, sizeof which);
        } else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset &&
                   f->type != PROTOBUF_C_TYPE_MESSAGE && f->type != PROTOBUF_C_TYPE_STRING) {
          protobuf_c_boolean has = 1;
          std::memcpy(base + f->quantifier_offset, &has, sizeof has);
        }
      } while (ok_ && Eat(','));
      Expect('}');
    }
    if (d == &pg_query__a__const__descriptor) {
      FixIntegerConstant(reinterpret_cast<PgQuery__AConst*>(msg));
    } else if (d == &pg_query__type_name__descriptor) {
      FixArrayBounds(reinterpret_cast<PgQuery__TypeName*>(msg));
    } else if (d == &pg_query__integer__descriptor && !saved_context) {
      if (reinterpret_cast<PgQuery__Integer*>(msg)->ival == 0) MarkInexact();
    }
    in_exact_context_ = saved_context;
    return msg;
  }

  // The field for `key`, searched from `hint` on: libpg_query writes fields in proto order,
  // so this is nearly always the first or second field looked at.
  static const ProtobufCFieldDescriptor* NextField(const ProtobufCMessageDescriptor* d,
                                                   std::string_view key, unsigned& hint) {
    for (unsigned i = hint; i < d->n_fields; ++i) {
      if (SameName(key, d->fields[i].name)) {
        hint = i + 1;
        return &d->fields[i];
      }
    }
    return FieldForJsonKey(d, key);
  }

  void ReadRepeated(const ProtobufCFieldDescriptor& f, char* base) {
    Expect('[');
    size_t size = ValueSize(f.type);
    size_t mark = scratch_.size();
    if (!Eat(']')) {
      do {
        size_t at = scratch_.size();
        scratch_.resize(at + size);
        if (f.type == PROTOBUF_C_TYPE_MESSAGE) {
          void* sub = ReadFieldMessage(f);
          std::memcpy(scratch_.data() + at, &sub, sizeof sub);
        } else {
          char tmp[sizeof(ProtobufCBinaryData)] = {};
          ReadScalar(f, tmp);
          std::memcpy(scratch_.data() + at, tmp, size);
        }
      } while (ok_ && Eat(','));
      Expect(']');
    }
    size_t bytes = scratch_.size() - mark;
    size_t n = bytes / size;
    void* arr = nullptr;
    if (n > 0) {
      arr = arena_.Alloc(bytes);
      std::memcpy(arr, scratch_.data() + mark, bytes);
    }
    scratch_.resize(mark);
    std::memcpy(base + f.quantifier_offset, &n, sizeof n);
    std::memcpy(base + f.offset, &arr, sizeof arr);
  }

  // An integer constant whose value the JSON left out (0 or negative): read it back from the
  // source text at the constant's location.
  void FixIntegerConstant(PgQuery__AConst* c) {
    if (c->val_case != PG_QUERY__A__CONST__VAL_IVAL || !c->ival || c->ival->ival != 0) return;
    if (c->location < 0 || static_cast<size_t>(c->location) >= sql_.size()) return MarkInexact();
    size_t pos = static_cast<size_t>(c->location);
    bool negative = false;
    if (sql_[pos] == '-') {
      negative = true;
      pos = lexer::SkipTrivia(sql_, pos + 1);
    }
    int64_t value = 0;
    size_t digits = 0;
    while (pos < sql_.size() && sql_[pos] >= '0' && sql_[pos] <= '9' && digits < 11) {
      value = value * 10 + (sql_[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits == 0 || digits > 10) return MarkInexact();
    c->ival->ival = static_cast<int32_t>(negative ? -value : value);
  }

  // `[]` is -1 in the tree; the JSON writes it as an empty Integer.
  void FixArrayBounds(PgQuery__TypeName* t) {
    for (size_t i = 0; i < t->n_array_bounds; ++i) {
      PgQuery__Node* b = t->array_bounds[i];
      if (b && b->node_case == PG_QUERY__NODE__NODE_INTEGER && b->integer &&
          b->integer->ival == 0) {
        b->integer->ival = -1;
      }
    }
  }

  void MarkInexact() {
    if (inexact_.empty() || inexact_.back() != current_stmt_) inexact_.push_back(current_stmt_);
  }

  const char* p_;
  const char* end_;
  std::string_view sql_;
  Arena& arena_;
  bool ok_ = true;
  bool in_exact_context_ = false;
  size_t stmt_count_ = 0;
  size_t current_stmt_ = 0;
  std::vector<size_t> inexact_;
  std::vector<char> scratch_;
};

}  // namespace

ParsedTree ParseWithProtobuf(const char* sql, size_t size) {
  (void)size;
  ProtobufParseResult result(pg_query_parse_protobuf(sql));
  if (result->error) return Failure(result->error);
  ParsedTree t;
  // Unpacked nodes take about three times the packed size.
  t.arena = std::make_unique<Arena>(std::max<size_t>(64 * 1024, result->parse_tree.len * 3));
  t.tree =
      pg_query__parse_result__unpack(t.arena->allocator(), result->parse_tree.len,
                                     reinterpret_cast<const uint8_t*>(result->parse_tree.data));
  if (!t.tree) {
    t.message = "cannot read the parse tree";
    return t;
  }
  t.ok = true;
  return t;
}

ParsedTree ParseWithJson(const char* sql, size_t size) {
  PlainParseResult result(pg_query_parse(sql));
  if (result->error) return Failure(result->error);
  std::string_view json = result->parse_tree ? result->parse_tree : "";
  ParsedTree t;
  t.arena = std::make_unique<Arena>(std::max<size_t>(64 * 1024, json.size() * 2));
  JsonReader reader(json, std::string_view(sql, size), *t.arena);
  t.tree = reader.Read(t.inexact);
  if (!t.tree) return ParseWithProtobuf(sql, size);
  t.ok = true;
  return t;
}

}  // namespace pgstate::sql
