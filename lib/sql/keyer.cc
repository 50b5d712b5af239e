#include "sql/keyer.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <cstring>

#include "sql/canonical.h"
#include "sql/lexer.h"
#include "sql/names.h"

namespace pgstate::sql {

namespace {

using Node = PgQuery__Node;

// ---------------------------------------------------------------------------------------
// Small accessors over the protobuf-c tree.

std::string Str(const char* s) { return s ? std::string(s) : std::string(); }

const char* StringOf(const Node* n) {
  if (n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string) return n->string->sval;
  return nullptr;
}

std::vector<std::string> Names(size_t n, Node* const* items) {
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const Node* item = items[i];
    if (const char* s = StringOf(item)) {
      out.emplace_back(s);
    } else if (item && item->node_case == PG_QUERY__NODE__NODE_A_STAR) {
      out.emplace_back("*");
    } else {
      out.emplace_back();
    }
  }
  return out;
}

std::vector<std::string> NamesOfList(const Node* n) {
  if (n && n->node_case == PG_QUERY__NODE__NODE_LIST && n->list) {
    return Names(n->list->n_items, n->list->items);
  }
  if (const char* s = StringOf(n)) return {s};
  return {};
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string ConstString(const Node* n) {
  if (!n) return {};
  if (n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const) {
    const PgQuery__AConst* c = n->a_const;
    switch (c->val_case) {
      case PG_QUERY__A__CONST__VAL_SVAL:
        return c->sval ? Str(c->sval->sval) : std::string();
      case PG_QUERY__A__CONST__VAL_IVAL:
        return std::to_string(c->ival ? c->ival->ival : 0);
      case PG_QUERY__A__CONST__VAL_FVAL:
        return c->fval ? Str(c->fval->fval) : std::string();
      case PG_QUERY__A__CONST__VAL_BOOLVAL:
        return c->boolval && c->boolval->boolval ? "true" : "false";
      case PG_QUERY__A__CONST__VAL_BSVAL:
        return c->bsval ? Str(c->bsval->bsval) : std::string();
      default:
        return {};
    }
  }
  if (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast) {
    return ConstString(n->type_cast->arg);
  }
  if (const char* s = StringOf(n)) return s;
  if (n->node_case == PG_QUERY__NODE__NODE_INTEGER && n->integer) {
    return std::to_string(n->integer->ival);
  }
  return {};
}

std::string RoleName(const PgQuery__RoleSpec* r) {
  if (!r) return {};
  switch (r->roletype) {
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING:
      return Str(r->rolename);
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_ROLE:
      return "current_role";
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_USER:
      return "current_user";
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_SESSION_USER:
      return "session_user";
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC:
      return "public";
    default:
      return {};
  }
}

std::string RoleName(const Node* n) {
  if (n && n->node_case == PG_QUERY__NODE__NODE_ROLE_SPEC) return RoleName(n->role_spec);
  return {};
}

const PgQuery__DefElem* FindOption(size_t n, Node* const* options, const char* name) {
  for (size_t i = 0; i < n; ++i) {
    const Node* o = options[i];
    if (o && o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && o->def_elem && o->def_elem->defname &&
        std::strcmp(o->def_elem->defname, name) == 0) {
      return o->def_elem;
    }
  }
  return nullptr;
}

const PgQuery__TypeName* AsTypeName(const Node* n) {
  if (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) return n->type_name;
  return nullptr;
}

// Calls `fn` on `m` and every message below it (generic walk); where `fn` returns false, what
// is below that message is skipped.
template <typename Fn>
void WalkMessages(const ProtobufCMessage* m, Fn&& fn) {
  if (!m) return;
  if (!fn(m)) return;
  const ProtobufCMessageDescriptor* d = m->descriptor;
  const char* base = reinterpret_cast<const char*>(m);
  if (d == &pg_query__node__descriptor) {
    // A Node is a oneof over every node type: only the member that is set matters.
    const ProtobufCFieldDescriptor* f = protobuf_c_message_descriptor_get_field(
        d, static_cast<unsigned>(reinterpret_cast<const PgQuery__Node*>(m)->node_case));
    if (f) WalkMessages(*reinterpret_cast<ProtobufCMessage* const*>(base + f->offset), fn);
    return;
  }
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (f.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      if (*reinterpret_cast<const uint32_t*>(base + f.quantifier_offset) != f.id) continue;
    }
    if (f.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t*>(base + f.quantifier_offset);
      auto* const* arr = *reinterpret_cast<ProtobufCMessage* const* const*>(base + f.offset);
      for (size_t k = 0; k < n; ++k) WalkMessages(arr[k], fn);
    } else {
      WalkMessages(*reinterpret_cast<ProtobufCMessage* const*>(base + f.offset), fn);
    }
  }
}

// Calls `fn` on `m` and every message below it.
template <typename Fn>
void ForEachMessage(const ProtobufCMessage* m, Fn&& fn) {
  WalkMessages(m, [&](const ProtobufCMessage* msg) {
    fn(msg);
    return true;
  });
}

const ProtobufCMessage* AsMessage(const void* p) { return static_cast<const ProtobufCMessage*>(p); }

const char* ObjectKindName(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_ACCESS_METHOD:
      return "access method";
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
      return "aggregate";
    case PG_QUERY__OBJECT_TYPE__OBJECT_AMOP:
      return "operator of access method";
    case PG_QUERY__OBJECT_TYPE__OBJECT_AMPROC:
      return "function of access method";
    case PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE:
      return "attribute";
    case PG_QUERY__OBJECT_TYPE__OBJECT_CAST:
      return "cast";
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
      return "column";
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION:
      return "collation";
    case PG_QUERY__OBJECT_TYPE__OBJECT_CONVERSION:
      return "conversion";
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE:
      return "database";
    case PG_QUERY__OBJECT_TYPE__OBJECT_DEFAULT:
      return "default";
    case PG_QUERY__OBJECT_TYPE__OBJECT_DEFACL:
      return "default privileges";
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
      return "domain";
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT:
      return "domain constraint";
    case PG_QUERY__OBJECT_TYPE__OBJECT_EVENT_TRIGGER:
      return "event trigger";
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
      return "extension";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FDW:
      return "foreign data wrapper";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER:
      return "server";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      return "foreign table";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
      return "function";
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      return "index";
    case PG_QUERY__OBJECT_TYPE__OBJECT_LANGUAGE:
      return "language";
    case PG_QUERY__OBJECT_TYPE__OBJECT_LARGEOBJECT:
      return "large object";
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      return "materialized view";
    case PG_QUERY__OBJECT_TYPE__OBJECT_OPCLASS:
      return "operator class";
    case PG_QUERY__OBJECT_TYPE__OBJECT_OPERATOR:
      return "operator";
    case PG_QUERY__OBJECT_TYPE__OBJECT_OPFAMILY:
      return "operator family";
    case PG_QUERY__OBJECT_TYPE__OBJECT_PARAMETER_ACL:
      return "parameter";
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
      return "policy";
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
      return "procedure";
    case PG_QUERY__OBJECT_TYPE__OBJECT_PUBLICATION:
      return "publication";
    case PG_QUERY__OBJECT_TYPE__OBJECT_PUBLICATION_NAMESPACE:
      return "publication schema";
    case PG_QUERY__OBJECT_TYPE__OBJECT_PUBLICATION_REL:
      return "publication table";
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROLE:
      return "role";
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
      return "routine";
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
      return "rule";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      return "schema";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      return "sequence";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SUBSCRIPTION:
      return "subscription";
    case PG_QUERY__OBJECT_TYPE__OBJECT_STATISTIC_EXT:
      return "statistics";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
      return "constraint";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      return "table";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLESPACE:
      return "tablespace";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRANSFORM:
      return "transform";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
      return "trigger";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TSCONFIGURATION:
      return "text search configuration";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TSDICTIONARY:
      return "text search dictionary";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TSPARSER:
      return "text search parser";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TSTEMPLATE:
      return "text search template";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
      return "type";
    case PG_QUERY__OBJECT_TYPE__OBJECT_USER_MAPPING:
      return "user mapping";
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      return "view";
    default:
      return "object";
  }
}

bool IsRelationKind(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------
// Token helpers for element spans.

struct ListSpans {
  bool found = false;
  Span inner;               // inside the parentheses
  std::vector<Span> items;  // trimmed, separated by top-level commas
};

Span TrimSpan(std::string_view text, size_t begin, size_t end) {
  std::string_view limited = text.substr(0, end);
  size_t b = lexer::SkipTrivia(limited, begin);
  size_t e = lexer::LastTokenEnd(limited, b);
  if (e < b) e = b;
  return Span{b, e};
}

// The first parenthesised list at or after `from` (before `limit`), split at its commas.
ListSpans FindParenList(std::string_view text, size_t from, size_t limit) {
  ListSpans out;
  std::string_view limited = text.substr(0, limit);
  lexer::Token t = lexer::NextToken(limited, from);
  while (t.kind != lexer::TokenKind::kEnd &&
         !(t.kind == lexer::TokenKind::kPunct && limited[t.begin] == '(')) {
    if (t.kind == lexer::TokenKind::kPunct && limited[t.begin] == ';') return out;
    t = lexer::NextToken(limited, t.end);
  }
  if (t.kind == lexer::TokenKind::kEnd) return out;
  size_t open = t.begin;
  size_t item_begin = t.end;
  int depth = 1;
  for (t = lexer::NextToken(limited, t.end); t.kind != lexer::TokenKind::kEnd;
       t = lexer::NextToken(limited, t.end)) {
    if (t.kind != lexer::TokenKind::kPunct) continue;
    char c = limited[t.begin];
    if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      if (--depth == 0) {
        out.found = true;
        out.inner = Span{open + 1, t.begin};
        Span last = TrimSpan(text, item_begin, t.begin);
        if (!last.empty() || !out.items.empty()) out.items.push_back(last);
        return out;
      }
    } else if (c == ',' && depth == 1) {
      out.items.push_back(TrimSpan(text, item_begin, t.begin));
      item_begin = t.end;
    }
  }
  return out;
}

// Items of a top-level comma list starting at `from` (VALUES rows), up to ';', ON or RETURNING.
std::vector<Span> FindCommaList(std::string_view text, size_t from, size_t limit) {
  std::vector<Span> items;
  std::string_view limited = text.substr(0, limit);
  size_t item_begin = from;
  size_t last_end = from;
  int depth = 0;
  lexer::Token t;
  for (t = lexer::NextToken(limited, from); t.kind != lexer::TokenKind::kEnd;
       t = lexer::NextToken(limited, t.end)) {
    if (depth == 0 && (lexer::IsWord(limited, t, "on") || lexer::IsWord(limited, t, "returning")))
      break;
    if (t.kind == lexer::TokenKind::kPunct) {
      char c = limited[t.begin];
      if (c == '(' || c == '[') ++depth;
      if ((c == ')' || c == ']') && depth > 0) --depth;
      if (depth == 0 && c == ';') break;
      if (depth == 0 && c == ',') {
        items.push_back(TrimSpan(text, item_begin, t.begin));
        item_begin = t.end;
        continue;
      }
    }
    last_end = t.end;
  }
  if (last_end > item_begin) items.push_back(TrimSpan(text, item_begin, last_end));
  return items;
}

// Offset just after the first word `word` at or after `from`, or npos.
size_t AfterWord(std::string_view text, size_t from, size_t limit, const char* word) {
  std::string_view limited = text.substr(0, limit);
  for (lexer::Token t = lexer::NextToken(limited, from); t.kind != lexer::TokenKind::kEnd;
       t = lexer::NextToken(limited, t.end)) {
    if (lexer::IsWord(limited, t, word)) return t.end;
  }
  return std::string_view::npos;
}

// ---------------------------------------------------------------------------------------

struct QName {
  std::string schema;
  std::string name;
  bool explicit_schema = false;
};

struct TypeRef {
  std::string schema;  // empty for built-in types
  std::string name;
  bool builtin = true;
  size_t array_dims = 0;
};

class Describer {
 public:
  Describer(const KeyContext& ctx, Statement& st) : ctx_(ctx), st_(st) {}

  void Run(const Node* node) {
    st_.node_type = NodeTypeName(node);
    if (!node) return;
    Describe(node);
    if (!ctx_.canonical_hashes) return;
    if (!items_) {
      st_.canonical = CanonicalHash(node);
      return;
    }
    // One walk hashes the statement and hands out its elements' hashes.
    std::vector<uint64_t> hashes;
    hashes.reserve(item_of_element_.size());
    st_.canonical = CanonicalHash(node, items_, &hashes);
    for (size_t k = 0; k < st_.elements.size() && k < item_of_element_.size(); ++k) {
      if (item_of_element_[k] < hashes.size()) {
        st_.elements[k].canonical = hashes[item_of_element_[k]];
      }
    }
  }

 private:
  void Describe(const Node* node);
  // Elements that are items of one repeated field: their hashes come from the statement walk.
  void ElementsAreItemsOf(const void* items) { items_ = items; }
  void AddItemElement(Element el, size_t item) {
    st_.elements.push_back(std::move(el));
    item_of_element_.push_back(item);
  }

  // --- names
  QName Resolve(const std::vector<std::string>& parts) const {
    QName q;
    if (parts.empty()) return q;
    q.name = parts.back();
    if (parts.size() >= 2) {
      q.schema = parts[parts.size() - 2];
      q.explicit_schema = true;
    } else {
      q.schema = ctx_.schema;
    }
    return q;
  }
  QName Resolve(const PgQuery__RangeVar* rv) const {
    QName q;
    if (!rv) return q;
    q.name = Str(rv->relname);
    if (rv->schemaname && *rv->schemaname) {
      q.schema = rv->schemaname;
      q.explicit_schema = true;
    } else {
      q.schema = ctx_.schema;
    }
    return q;
  }
  // Splits a list whose last `tail` names belong to a sub-object (t.c, t.trig) from the
  // relation in front of it.
  std::pair<QName, std::string> ResolveWithTail(const std::vector<std::string>& parts) const {
    if (parts.empty()) return {};
    std::vector<std::string> rel(parts.begin(), parts.end() - 1);
    return {Resolve(rel), parts.back()};
  }

  TypeRef ResolveType(const PgQuery__TypeName* tn) const {
    TypeRef t;
    if (!tn) return t;
    std::vector<std::string> names = Names(tn->n_names, tn->names);
    t.array_dims = tn->n_array_bounds;
    if (names.empty()) return t;
    if (tn->pct_type) {
      t.name = Join(names, ".") + "%TYPE";
      return t;
    }
    const std::string& last = names.back();
    if (names.size() >= 2 && names[names.size() - 2] == "pg_catalog") {
      t.name = last;
    } else if (names.size() == 1 && IsBuiltinTypeName(last)) {
      t.name = last;
    } else if (names.size() == 1 && last.size() > 1 && last[0] == '_' &&
               IsBuiltinTypeName(std::string_view(last).substr(1))) {
      t.name = last;  // "_int4", the array type's own name: normalised below
    } else {
      t.builtin = false;
      t.name = last;
      t.schema = names.size() >= 2 ? names[names.size() - 2] : ctx_.schema;
    }
    if (t.builtin && !last.empty() && last[0] == '_' && names.size() >= 1 &&
        IsBuiltinTypeName(last.substr(1))) {
      // "_int4" is int4[]
      t.name = last.substr(1);
      ++t.array_dims;
    }
    return t;
  }
  std::string TypeSignature(const PgQuery__TypeName* tn) const {
    TypeRef t = ResolveType(tn);
    std::string s = t.builtin ? t.name : t.schema + "." + t.name;
    for (size_t i = 0; i < t.array_dims; ++i) s += "[]";
    return s;
  }
  void RefType(const PgQuery__TypeName* tn) {
    if (!tn) return;
    TypeRef t = ResolveType(tn);
    if (!t.builtin && !t.name.empty()) AddRef({"type", t.schema, t.name});
  }

  static bool IsInputMode(PgQuery__FunctionParameterMode m) {
    return m != PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT &&
           m != PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE;
  }
  // "int4, text" from FunctionParameter nodes (input parameters only).
  std::string ParamSignature(size_t n, Node* const* params) const {
    std::vector<std::string> types;
    for (size_t i = 0; i < n; ++i) {
      const Node* p = params[i];
      if (!p || p->node_case != PG_QUERY__NODE__NODE_FUNCTION_PARAMETER) continue;
      const PgQuery__FunctionParameter* fp = p->function_parameter;
      if (!fp || !IsInputMode(fp->mode)) continue;
      types.push_back(TypeSignature(fp->arg_type));
    }
    return Join(types, ", ");
  }
  void RefParamTypes(size_t n, Node* const* params) {
    for (size_t i = 0; i < n; ++i) {
      const Node* p = params[i];
      if (p && p->node_case == PG_QUERY__NODE__NODE_FUNCTION_PARAMETER && p->function_parameter)
        RefType(p->function_parameter->arg_type);
    }
  }

  // Key of a routine/operator named by ObjectWithArgs.
  ObjectKey RoutineKey(const char* kind, const PgQuery__ObjectWithArgs* owa, bool aggregate) {
    ObjectKey k;
    k.kind = kind;
    if (!owa) return k;
    QName q = Resolve(Names(owa->n_objname, owa->objname));
    k.schema = q.schema;
    if (owa->args_unspecified) {
      k.name = q.name;
      return k;
    }
    std::vector<std::string> types;
    for (size_t i = 0; i < owa->n_objargs; ++i) {
      const PgQuery__TypeName* tn = AsTypeName(owa->objargs[i]);
      types.push_back(tn ? TypeSignature(tn) : "NONE");
    }
    if (aggregate && types.empty()) types.push_back("*");
    k.name = q.name + "(" + Join(types, ", ") + ")";
    return k;
  }
  ObjectKey OperatorKey(const PgQuery__ObjectWithArgs* owa) {
    ObjectKey k = RoutineKey("operator", owa, false);
    if (owa && owa->n_objargs == 1) {
      // A prefix operator written with one argument: ( NONE, right ).
      k.name = k.name.substr(0, k.name.find('(')) + "(NONE, " +
               TypeSignature(AsTypeName(owa->objargs[0])) + ")";
    }
    return k;
  }

  // Key of the object a COMMENT/OWNER/DROP/RENAME … names.
  ObjectKey ObjectToKey(PgQuery__ObjectType type, const Node* obj) {
    ObjectKey k;
    k.kind = ObjectKindName(type);
    if (!obj) return k;
    switch (type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
      case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
      case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
      case PG_QUERY__OBJECT_TYPE__OBJECT_RULE: {
        auto [rel, sub] = ResolveWithTail(NamesOfList(obj));
        k.schema = rel.schema;
        k.name = rel.name + "." + sub;
        return k;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
        TypeRef t = ResolveType(AsTypeName(obj));
        if (t.builtin && t.name.empty()) {
          QName q = Resolve(NamesOfList(obj));
          k.schema = q.schema;
          k.name = q.name;
        } else {
          k.schema = t.builtin ? "pg_catalog" : t.schema;
          k.name = t.name;
        }
        return k;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT: {
        if (obj->node_case == PG_QUERY__NODE__NODE_LIST && obj->list && obj->list->n_items == 2) {
          TypeRef t = ResolveType(AsTypeName(obj->list->items[0]));
          k.schema = t.schema;
          k.name = t.name + "." + Str(StringOf(obj->list->items[1]));
        }
        return k;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
      case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
        if (obj->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
          return RoutineKey(k.kind.c_str(), obj->object_with_args,
                            type == PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE);
        }
        return k;
      case PG_QUERY__OBJECT_TYPE__OBJECT_OPERATOR:
        if (obj->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
          return OperatorKey(obj->object_with_args);
        }
        return k;
      case PG_QUERY__OBJECT_TYPE__OBJECT_CAST:
        if (obj->node_case == PG_QUERY__NODE__NODE_LIST && obj->list && obj->list->n_items == 2) {
          k.name = "(" + TypeSignature(AsTypeName(obj->list->items[0])) + " AS " +
                   TypeSignature(AsTypeName(obj->list->items[1])) + ")";
        }
        return k;
      case PG_QUERY__OBJECT_TYPE__OBJECT_TRANSFORM:
        if (obj->node_case == PG_QUERY__NODE__NODE_LIST && obj->list && obj->list->n_items == 2) {
          k.name = "for " + TypeSignature(AsTypeName(obj->list->items[0])) + " language " +
                   Str(StringOf(obj->list->items[1]));
        }
        return k;
      case PG_QUERY__OBJECT_TYPE__OBJECT_OPCLASS:
      case PG_QUERY__OBJECT_TYPE__OBJECT_OPFAMILY: {
        std::vector<std::string> parts = NamesOfList(obj);
        if (parts.size() >= 2) {
          std::string method = parts.front();
          QName q = Resolve(std::vector<std::string>(parts.begin() + 1, parts.end()));
          k.schema = q.schema;
          k.name = q.name + " using " + method;
        }
        return k;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_LARGEOBJECT:
        k.name = ConstString(obj);
        return k;
      default:
        break;
    }
    if (const char* s = StringOf(obj)) {
      k.name = s;  // schema, extension, role, language, event trigger, server, …
      return k;
    }
    QName q = Resolve(NamesOfList(obj));
    k.schema = q.schema;
    k.name = q.name;
    return k;
  }

  // --- results
  void SetKey(ObjectKey k) {
    if (st_.key.empty()) {
      st_.key = std::move(k);
    } else if (k != st_.key &&
               std::find(st_.extra_keys.begin(), st_.extra_keys.end(), k) == st_.extra_keys.end()) {
      st_.extra_keys.push_back(std::move(k));
    }
  }
  void AddRef(ObjectKey k) {
    if (k.kind.empty() || k.name.empty()) return;
    if (k == st_.key) return;
    if (std::find(st_.references.begin(), st_.references.end(), k) != st_.references.end()) return;
    st_.references.push_back(std::move(k));
  }
  void RefSchemaOf(const QName& q) {
    if (q.explicit_schema && q.schema != "pg_catalog") AddRef({"schema", "", q.schema});
  }
  void RefRelation(const PgQuery__RangeVar* rv, const char* kind = "relation") {
    if (!rv) return;
    QName q = Resolve(rv);
    AddRef({kind, q.schema, q.name});
  }
  void Unkeyed(StatementClass cls, const char* reason) {
    st_.cls = cls;
    st_.unkeyed_reason = reason;
  }

  // References found in expressions: nextval('seq') sequences and, for queries, relations.
  void RefNextvals(const ProtobufCMessage* m) {
    ForEachMessage(m, [&](const ProtobufCMessage* msg) {
      if (msg->descriptor != &pg_query__func_call__descriptor) return;
      const auto* fc = reinterpret_cast<const PgQuery__FuncCall*>(msg);
      std::vector<std::string> fname = Names(fc->n_funcname, fc->funcname);
      if (fname.empty() || fname.back() != "nextval" || fc->n_args != 1) return;
      std::string seq = ConstString(fc->args[0]);
      if (seq.empty()) return;
      QName q = Resolve(SplitSearchPathLikeName(seq));
      AddRef({"sequence", q.schema, q.name});
    });
  }
  // 'public."My Seq"' -> {"public", "My Seq"}: regclass text as PostgreSQL reads it.
  static std::vector<std::string> SplitSearchPathLikeName(const std::string& s) {
    std::vector<std::string> parts;
    std::string cur;
    bool quoted = false;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (quoted) {
        if (c == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            cur += '"';
            ++i;
          } else {
            quoted = false;
          }
        } else {
          cur += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '.') {
        parts.push_back(cur);
        cur.clear();
      } else {
        cur += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
    }
    parts.push_back(cur);
    return parts;
  }
  void RefQueryRelations(const ProtobufCMessage* query) {
    std::vector<std::string> ctes;
    std::vector<const PgQuery__RangeVar*> rels;
    ForEachMessage(query, [&](const ProtobufCMessage* msg) {
      if (msg->descriptor == &pg_query__range_var__descriptor) {
        rels.push_back(reinterpret_cast<const PgQuery__RangeVar*>(msg));
      } else if (msg->descriptor == &pg_query__common_table_expr__descriptor) {
        ctes.push_back(Str(reinterpret_cast<const PgQuery__CommonTableExpr*>(msg)->ctename));
      }
    });
    for (const PgQuery__RangeVar* rv : rels) {
      if ((!rv->schemaname || !*rv->schemaname) &&
          std::find(ctes.begin(), ctes.end(), Str(rv->relname)) != ctes.end())
        continue;
      RefRelation(rv);
    }
  }

  // --- constraint and index names
  static std::string FigureIndexColname(const Node* n) {
    if (!n) return {};
    switch (n->node_case) {
      case PG_QUERY__NODE__NODE_COLUMN_REF: {
        std::vector<std::string> f = Names(n->column_ref->n_fields, n->column_ref->fields);
        return f.empty() || f.back() == "*" ? std::string() : f.back();
      }
      case PG_QUERY__NODE__NODE_FUNC_CALL: {
        std::vector<std::string> f = Names(n->func_call->n_funcname, n->func_call->funcname);
        return f.empty() ? std::string() : f.back();
      }
      case PG_QUERY__NODE__NODE_TYPE_CAST: {
        std::string inner = FigureIndexColname(n->type_cast->arg);
        if (!inner.empty()) return inner;
        const PgQuery__TypeName* tn = n->type_cast->type_name;
        if (tn && tn->n_names) return Str(StringOf(tn->names[tn->n_names - 1]));
        return {};
      }
      case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
        return FigureIndexColname(n->collate_clause->arg);
      case PG_QUERY__NODE__NODE_A_INDIRECTION: {
        const PgQuery__AIndirection* ind = n->a_indirection;
        for (size_t i = ind->n_indirection; i > 0; --i) {
          if (const char* s = StringOf(ind->indirection[i - 1])) return s;
        }
        return FigureIndexColname(ind->arg);
      }
      case PG_QUERY__NODE__NODE_CASE_EXPR: {
        std::string inner = FigureIndexColname(n->case_expr->defresult);
        return inner.empty() ? "case" : inner;
      }
      case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
        return "array";
      case PG_QUERY__NODE__NODE_ROW_EXPR:
        return "row";
      case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        return "coalesce";
      case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
        return n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
      case PG_QUERY__NODE__NODE_A_EXPR:
        if (n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) return "nullif";
        return {};
      default:
        return {};
    }
  }
  static std::string IndexElemName(const Node* n) {
    if (!n || n->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM) {
      if (const char* s = StringOf(n)) return s;
      return "expr";
    }
    const PgQuery__IndexElem* e = n->index_elem;
    if (e->indexcolname && *e->indexcolname) return e->indexcolname;
    if (e->name && *e->name) return e->name;
    std::string figured = FigureIndexColname(e->expr);
    return figured.empty() ? "expr" : figured;
  }
  static void CollectColumnRefs(const Node* expr, std::vector<std::string>& cols) {
    ForEachMessage(AsMessage(expr), [&](const ProtobufCMessage* msg) {
      if (msg->descriptor != &pg_query__column_ref__descriptor) return;
      const auto* cr = reinterpret_cast<const PgQuery__ColumnRef*>(msg);
      std::vector<std::string> f = Names(cr->n_fields, cr->fields);
      if (f.empty() || f.back() == "*") return;
      if (std::find(cols.begin(), cols.end(), f.back()) == cols.end()) cols.push_back(f.back());
    });
  }

  // The name PostgreSQL gives a constraint; `column` is set for column-level constraints.
  std::string ConstraintName(const PgQuery__Constraint* c, const std::string& table,
                             const std::string& column) {
    if (c->conname && *c->conname) return c->conname;
    std::string addition;
    const char* label = nullptr;
    switch (c->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        return UniqueName(MakeObjectName(table, "", "pkey"), table, "", "pkey");
      case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
        std::vector<std::string> cols = Names(c->n_keys, c->keys);
        if (cols.empty() && !column.empty()) cols.push_back(column);
        for (std::string& inc : Names(c->n_including, c->including)) cols.push_back(inc);
        MakeColumnNamesUnique(cols);
        addition = NameAddition(cols);
        label = "key";
        break;
      }
      case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: {
        std::vector<std::string> cols = Names(c->n_fk_attrs, c->fk_attrs);
        if (cols.empty() && !column.empty()) cols.push_back(column);
        addition = NameAddition(cols);
        label = "fkey";
        break;
      }
      case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: {
        std::vector<std::string> cols;
        CollectColumnRefs(c->raw_expr, cols);
        if (cols.size() == 1) addition = cols[0];
        label = "check";
        break;
      }
      case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: {
        std::vector<std::string> cols;
        for (size_t i = 0; i < c->n_exclusions; ++i) {
          const Node* pair = c->exclusions[i];
          if (pair && pair->node_case == PG_QUERY__NODE__NODE_LIST && pair->list &&
              pair->list->n_items >= 1) {
            cols.push_back(IndexElemName(pair->list->items[0]));
          }
        }
        for (std::string& inc : Names(c->n_including, c->including)) cols.push_back(inc);
        MakeColumnNamesUnique(cols);
        addition = NameAddition(cols);
        label = "excl";
        break;
      }
      default:
        return {};
    }
    return UniqueName(MakeObjectName(table, addition, label), table, addition, label);
  }
  // Within one statement PostgreSQL appends 1, 2, … to a generated name already taken.
  std::string UniqueName(std::string name, const std::string& table, const std::string& addition,
                         const std::string& label) {
    for (int pass = 1; std::find(used_names_.begin(), used_names_.end(), name) != used_names_.end();
         ++pass) {
      name = MakeObjectName(table, addition, label + std::to_string(pass));
    }
    used_names_.push_back(name);
    return name;
  }

  // --- column references
  // Column `column` of relation `rel`; system columns are always there.
  void RefColumn(const QName& rel, const std::string& column) {
    static const char* const kSystem[] = {"ctid", "xmin",     "xmax", "cmin",
                                          "cmax", "tableoid", "oid"};
    if (column.empty() || column == "*" || rel.name.empty()) return;
    for (const char* sys : kSystem) {
      if (column == sys) return;
    }
    AddRef({"column", rel.schema, rel.name + "." + column});
  }
  void RefColumns(const QName& rel, size_t n, Node* const* names) {
    for (const std::string& c : Names(n, names)) RefColumn(rel, c);
  }
  // The columns of `rel` that expression `expr` names: column references of one field, or of
  // two whose first is one of `qualifiers` (the relation's name or alias, NEW, OLD). A
  // subquery's columns may belong to its own relations: it is not followed.
  void RefExprColumns(const ProtobufCMessage* expr, const QName& rel,
                      const std::vector<std::string>& qualifiers = {}) {
    WalkMessages(expr, [&](const ProtobufCMessage* msg) {
      if (msg->descriptor == &pg_query__sub_link__descriptor ||
          msg->descriptor == &pg_query__select_stmt__descriptor) {
        return false;
      }
      if (msg->descriptor != &pg_query__column_ref__descriptor) return true;
      const auto* cr = reinterpret_cast<const PgQuery__ColumnRef*>(msg);
      std::vector<std::string> f = Names(cr->n_fields, cr->fields);
      if (f.empty()) return false;
      bool whole_row = std::find(qualifiers.begin(), qualifiers.end(), f[0]) != qualifiers.end();
      if (f.size() == 1 && !whole_row) {
        RefColumn(rel, f[0]);
      } else if (f.size() == 2 && whole_row) {
        RefColumn(rel, f[1]);
      }
      return false;
    });
  }
  // The columns of `rel` an index element (or exclusion element) names.
  void RefIndexElemColumns(const Node* n, const QName& rel) {
    if (!n || n->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM) return;
    const PgQuery__IndexElem* e = n->index_elem;
    if (e->name && *e->name) RefColumn(rel, e->name);
    if (e->expr) RefExprColumns(AsMessage(e->expr), rel);
  }

  // References of a constraint of table `rel`: the FK's target table and columns, the columns
  // of `rel` it uses, nextval sequences in CHECK/DEFAULT.
  void RefConstraint(const PgQuery__Constraint* c, const QName& rel) {
    if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN && c->pktable) {
      RefRelation(c->pktable, "table");
      RefColumns(Resolve(c->pktable), c->n_pk_attrs, c->pk_attrs);
    }
    if (c->raw_expr) {
      RefNextvals(AsMessage(c->raw_expr));
      if (c->contype != PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) {
        RefExprColumns(AsMessage(c->raw_expr), rel);  // CHECK, GENERATED
      }
    }
    RefColumns(rel, c->n_keys, c->keys);
    RefColumns(rel, c->n_including, c->including);
    RefColumns(rel, c->n_fk_attrs, c->fk_attrs);
    for (size_t i = 0; i < c->n_exclusions; ++i) {
      const Node* pair = c->exclusions[i];
      if (pair && pair->node_case == PG_QUERY__NODE__NODE_LIST && pair->list &&
          pair->list->n_items >= 1) {
        RefIndexElemColumns(pair->list->items[0], rel);
      }
    }
    if (c->where_clause) RefExprColumns(AsMessage(c->where_clause), rel);
  }

  // A view's columns, where its query reads one relation: the columns of that relation its
  // select list, WHERE and HAVING name (GROUP BY and ORDER BY may name output columns).
  void RefViewColumns(const Node* query) {
    if (!query || query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) return;
    const PgQuery__SelectStmt* s = query->select_stmt;
    if (s->op != PG_QUERY__SET_OPERATION__SETOP_NONE || s->with_clause || s->n_from_clause != 1 ||
        !s->from_clause[0] || s->from_clause[0]->node_case != PG_QUERY__NODE__NODE_RANGE_VAR) {
      return;
    }
    const PgQuery__RangeVar* rv = s->from_clause[0]->range_var;
    QName rel = Resolve(rv);
    std::vector<std::string> qualifiers = {Str(rv->relname)};
    if (rv->alias && rv->alias->aliasname) qualifiers = {Str(rv->alias->aliasname)};
    for (size_t i = 0; i < s->n_target_list; ++i)
      RefExprColumns(AsMessage(s->target_list[i]), rel, qualifiers);
    if (s->where_clause) RefExprColumns(AsMessage(s->where_clause), rel, qualifiers);
    if (s->having_clause) RefExprColumns(AsMessage(s->having_clause), rel, qualifiers);
  }

  // --- statement kinds
  void CreateTable(const PgQuery__CreateStmt* cs, const char* kind);
  void ColumnRefs(const PgQuery__ColumnDef* cd, const QName& rel);
  void AlterTable(const PgQuery__AlterTableStmt* at);
  void AlterTableCmd(const PgQuery__AlterTableStmt* at, const QName& rel,
                     const PgQuery__AlterTableCmd* cmd, bool* alteration);
  void Grant(const PgQuery__GrantStmt* g);
  void Select(const PgQuery__SelectStmt* s);
  void Insert(const PgQuery__InsertStmt* ins);
  void CreateFunction(const PgQuery__CreateFunctionStmt* f);
  void Define(const PgQuery__DefineStmt* d);
  void Index(const PgQuery__IndexStmt* ix);

  void Defines(ObjectKey k, const QName* q = nullptr) {
    st_.cls = StatementClass::kDefinition;
    SetKey(std::move(k));
    if (q) RefSchemaOf(*q);
  }

  const KeyContext& ctx_;
  Statement& st_;
  std::vector<std::string> used_names_;
  const void* items_ = nullptr;
  std::vector<size_t> item_of_element_;
};

void Describer::ColumnRefs(const PgQuery__ColumnDef* cd, const QName& rel) {
  RefType(cd->type_name);
  if (cd->raw_default) RefNextvals(AsMessage(cd->raw_default));
  for (size_t i = 0; i < cd->n_constraints; ++i) {
    const Node* cn = cd->constraints[i];
    if (cn && cn->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) RefConstraint(cn->constraint, rel);
  }
}

void Describer::CreateTable(const PgQuery__CreateStmt* cs, const char* kind) {
  QName q = Resolve(cs->relation);
  Defines({kind, q.schema, q.name}, &q);
  for (size_t i = 0; i < cs->n_inh_relations; ++i) {
    const Node* n = cs->inh_relations[i];
    if (n && n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) RefRelation(n->range_var, "table");
  }
  RefType(cs->of_typename);

  // Elements: columns, table constraints and LIKE clauses, in source order.
  const size_t limit = st_.text.end;
  size_t from = st_.text.begin;
  if (cs->relation && cs->relation->location >= 0) {
    from = ctx_.base + static_cast<size_t>(cs->relation->location);
  }
  ListSpans list;
  if (cs->n_table_elts > 0 || cs->n_inh_relations == 0) {
    // With no elements the first '(' may belong to PARTITION OF … FOR VALUES (…).
    list = FindParenList(ctx_.text, from, limit);
    if (cs->n_table_elts == 0 && list.found && !list.items.empty()) list = ListSpans{};
  }
  bool spans_ok = list.found && list.items.size() == cs->n_table_elts;
  if (list.found && (spans_ok || cs->n_table_elts == 0)) st_.element_list = list.inner;

  if (cs->n_table_elts > 0) ElementsAreItemsOf(cs->table_elts);
  for (size_t i = 0; i < cs->n_table_elts; ++i) {
    const Node* e = cs->table_elts[i];
    if (!e) continue;
    Element el;
    if (spans_ok) el.span = list.items[i];
    if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && e->column_def) {
      const PgQuery__ColumnDef* cd = e->column_def;
      std::string col = Str(cd->colname);
      el.key = {"column", q.schema, q.name + "." + col};
      ColumnRefs(cd, q);
      // Column-level constraints stay inside the column element; their names are still
      // objects this statement defines.
      for (size_t k = 0; k < cd->n_constraints; ++k) {
        const Node* cn = cd->constraints[k];
        if (!cn || cn->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
        std::string name = ConstraintName(cn->constraint, q.name, col);
        if (!name.empty()) SetKey({"constraint", q.schema, q.name + "." + name});
      }
    } else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && e->constraint) {
      std::string name = ConstraintName(e->constraint, q.name, "");
      el.key = {"constraint", q.schema, q.name + "." + name};
      RefConstraint(e->constraint, q);
    } else if (e->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE && e->table_like_clause) {
      QName src = Resolve(e->table_like_clause->relation);
      el.key = {"like", q.schema, q.name + "." + src.schema + "." + src.name};
      RefRelation(e->table_like_clause->relation, "relation");
    } else {
      continue;
    }
    AddItemElement(std::move(el), i);
  }
  for (size_t i = 0; i < cs->n_constraints; ++i) {
    const Node* cn = cs->constraints[i];
    if (cn && cn->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) RefConstraint(cn->constraint, q);
  }
}

void Describer::AlterTableCmd(const PgQuery__AlterTableStmt* at, const QName& rel,
                              const PgQuery__AlterTableCmd* cmd, bool* alteration) {
  const std::string& s = rel.schema;
  const std::string& t = rel.name;
  std::string col = Str(cmd->name);
  bool is_index = at->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX;
  switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
      if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
        const PgQuery__Constraint* c = cmd->def->constraint;
        SetKey({"constraint", s, t + "." + ConstraintName(c, t, "")});
        RefConstraint(c, rel);
      }
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
      SetKey({"default", s, t + "." + col});
      if (cmd->def) {
        RefNextvals(AsMessage(cmd->def));
      } else {
        *alteration = true;  // DROP DEFAULT
      }
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnToView:
      if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
        const PgQuery__ColumnDef* cd = cmd->def->column_def;
        SetKey({"column", s, t + "." + Str(cd->colname)});
        ColumnRefs(cd, rel);
      }
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
      if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD &&
          cmd->def->partition_cmd) {
        QName child = Resolve(cmd->def->partition_cmd->name);
        SetKey({is_index ? "index partition" : "partition", child.schema, child.name});
        RefRelation(cmd->def->partition_cmd->name, is_index ? "index" : "table");
      }
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
      if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD &&
          cmd->def->partition_cmd) {
        QName child = Resolve(cmd->def->partition_cmd->name);
        SetKey({"partition", child.schema, child.name});
      }
      *alteration = true;
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
      SetKey({std::string("owner of ") + ObjectKindName(at->objtype), s, t});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
      SetKey({"row level security", s, t});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
      SetKey({"force row level security", s, t});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
      SetKey({"row level security", s, t});
      *alteration = true;
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
      SetKey({"force row level security", s, t});
      *alteration = true;
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
      SetKey({"not null", s, t + "." + col});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
      SetKey({"identity", s, t + "." + col});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
      SetKey({"statistics target", s, t + "." + (col.empty() ? std::to_string(cmd->num) : col)});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
      SetKey({"storage", s, t + "." + col});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
      SetKey({"compression", s, t + "." + col});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
      SetKey({"column options", s, t + "." + col});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions:
      SetKey({"storage parameters", s, t});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity:
      SetKey({"replica identity", s, t});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
      SetKey({"cluster", s, t});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
      SetKey({"inherit", s, t});
      if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
        RefRelation(cmd->def->range_var, "table");
      }
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddOf:
      SetKey({"of type", s, t});
      if (cmd->def) RefType(AsTypeName(cmd->def));
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_GenericOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions:
      SetKey({"options", s, col.empty() ? t : t + "." + col});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
      SetKey({"trigger state", s, t + "." + col});
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule:
      SetKey({"rule state", s, t + "." + col});
      return;
    // Changes to what exists: keyed by the thing they change.
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
      SetKey({"column", s, t + "." + col});
      if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType && cmd->def &&
          cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
        RefType(cmd->def->column_def->type_name);
      }
      *alteration = true;
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
      SetKey({"not null", s, t + "." + col});
      *alteration = true;
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
      SetKey({"constraint", s, t + "." + col});
      *alteration = true;
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint:
      if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
        SetKey({"constraint", s, t + "." + Str(cmd->def->constraint->conname)});
      }
      *alteration = true;
      return;
    default:
      SetKey({ObjectKindName(at->objtype), s, t});
      *alteration = true;
      return;
  }
}

void Describer::AlterTable(const PgQuery__AlterTableStmt* at) {
  QName rel = Resolve(at->relation);
  bool alteration = false;
  for (size_t i = 0; i < at->n_cmds; ++i) {
    const Node* c = at->cmds[i];
    if (c && c->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD && c->alter_table_cmd) {
      AlterTableCmd(at, rel, c->alter_table_cmd, &alteration);
    }
  }
  st_.cls = alteration ? StatementClass::kAlteration : StatementClass::kDefinition;
  bool is_index = at->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX;
  AddRef({is_index ? "index" : "relation", rel.schema, rel.name});
  RefSchemaOf(rel);
  if (st_.key.empty()) SetKey({ObjectKindName(at->objtype), rel.schema, rel.name});
}

void Describer::Grant(const PgQuery__GrantStmt* g) {
  st_.cls = StatementClass::kDefinition;
  std::string kind = ObjectKindName(g->objtype);
  std::string prefix = g->is_grant ? "grant on " : "revoke on ";
  std::vector<ObjectKey> targets;
  bool all_in_schema = g->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_ALL_IN_SCHEMA;
  bool defaults = g->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_DEFAULTS;
  for (size_t i = 0; i < g->n_objects; ++i) {
    const Node* o = g->objects[i];
    if (!o) continue;
    ObjectKey k;
    if (all_in_schema) {
      k = {"schema", "", Str(StringOf(o))};
    } else if (o->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
      QName q = Resolve(o->range_var);
      k = {IsRelationKind(g->objtype) ? "relation" : kind, q.schema, q.name};
    } else if (o->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
      k = RoutineKey(kind.c_str(), o->object_with_args,
                     g->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE);
    } else if (const char* s = StringOf(o)) {
      k = {kind, "", s};
    } else {
      QName q = Resolve(NamesOfList(o));
      k = {kind, q.schema, q.name};
    }
    targets.push_back(std::move(k));
  }
  if (all_in_schema) {
    kind = "all " + kind + "s in schema";
  }
  // Objects of one schema are listed by name with the schema in the key; otherwise qualified.
  std::string schema = targets.empty() ? std::string() : targets.front().schema;
  for (const ObjectKey& k : targets) {
    if (k.schema != schema) schema.clear();
  }
  std::vector<std::string> objects;
  for (const ObjectKey& k : targets) {
    objects.push_back(schema.empty() ? k.QualifiedName() : k.name);
    if (!defaults) AddRef(k);
  }
  std::vector<std::string> grantees;
  for (size_t i = 0; i < g->n_grantees; ++i) grantees.push_back(RoleName(g->grantees[i]));
  std::sort(objects.begin(), objects.end());
  std::sort(grantees.begin(), grantees.end());
  SetKey({prefix + kind, schema,
          Join(objects, ", ") + (g->is_grant ? " to " : " from ") + Join(grantees, ", ")});
}

void Describer::Select(const PgQuery__SelectStmt* s) {
  // SELECT pg_catalog.set_config('name', …) is how pg_dump sets session state.
  bool all_set_config = s->n_target_list > 0 && s->n_from_clause == 0 && !s->where_clause;
  std::vector<std::string> settings;
  for (size_t i = 0; all_set_config && i < s->n_target_list; ++i) {
    const Node* t = s->target_list[i];
    const Node* val = (t && t->node_case == PG_QUERY__NODE__NODE_RES_TARGET && t->res_target)
                          ? t->res_target->val
                          : nullptr;
    if (!val || val->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) {
      all_set_config = false;
      break;
    }
    std::vector<std::string> fname = Names(val->func_call->n_funcname, val->func_call->funcname);
    if (fname.empty() || fname.back() != "set_config" || val->func_call->n_args < 1) {
      all_set_config = false;
      break;
    }
    settings.push_back(ConstString(val->func_call->args[0]));
  }
  if (all_set_config) {
    st_.cls = StatementClass::kSetting;
    for (std::string& name : settings) SetKey({"setting", "", name});
    return;
  }
  Unkeyed(StatementClass::kData, "data statement");
  RefQueryRelations(AsMessage(s));
}

void Describer::Insert(const PgQuery__InsertStmt* ins) {
  QName q = Resolve(ins->relation);
  const Node* sel = ins->select_stmt;
  const PgQuery__SelectStmt* values =
      (sel && sel->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) ? sel->select_stmt : nullptr;
  bool rows = q.name == "schema_migrations" && values && values->n_values_lists > 0 &&
              !ins->on_conflict_clause && ins->n_returning_list == 0;
  for (size_t i = 0; rows && i < values->n_values_lists; ++i) {
    const Node* row = values->values_lists[i];
    if (!row || row->node_case != PG_QUERY__NODE__NODE_LIST || !row->list ||
        row->list->n_items != 1 || ConstString(row->list->items[0]).empty()) {
      rows = false;
    }
  }
  if (!rows) {
    Unkeyed(StatementClass::kData, "data statement");
    RefRelation(ins->relation, "table");
    return;
  }
  // One row per INSERT (older Rails dumps) keys the row itself, so that each statement
  // stays a distinct object; several rows key the list.
  if (values->n_values_lists == 1) {
    Defines({"row", q.schema, q.name + "." + ConstString(values->values_lists[0]->list->items[0])},
            &q);
  } else {
    Defines({"rows", q.schema, q.name}, &q);
  }
  st_.elements_are_rows = true;
  size_t after = AfterWord(ctx_.text, st_.text.begin, st_.text.end, "values");
  std::vector<Span> spans;
  if (after != std::string_view::npos) spans = FindCommaList(ctx_.text, after, st_.text.end);
  bool spans_ok = spans.size() == values->n_values_lists;
  if (spans_ok) st_.element_list = Span{spans.front().begin, spans.back().end};
  ElementsAreItemsOf(values->values_lists);
  for (size_t i = 0; i < values->n_values_lists; ++i) {
    const Node* row = values->values_lists[i];
    Element el;
    el.key = {"row", q.schema, q.name + "." + ConstString(row->list->items[0])};
    if (spans_ok) el.span = spans[i];
    AddItemElement(std::move(el), i);
  }
}

void Describer::CreateFunction(const PgQuery__CreateFunctionStmt* f) {
  QName q = Resolve(Names(f->n_funcname, f->funcname));
  std::string sig = q.name + "(" + ParamSignature(f->n_parameters, f->parameters) + ")";
  Defines({f->is_procedure ? "procedure" : "function", q.schema, sig}, &q);
  RefParamTypes(f->n_parameters, f->parameters);
  RefType(f->return_type);
}

void Describer::Define(const PgQuery__DefineStmt* d) {
  QName q = Resolve(Names(d->n_defnames, d->defnames));
  switch (d->kind) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE: {
      std::vector<std::string> types;
      bool star = false;
      if (d->n_args >= 1) {
        // New syntax: args = (parameters, number of direct args); no parameters means (*).
        const PgQuery__List* params =
            (d->args[0] && d->args[0]->node_case == PG_QUERY__NODE__NODE_LIST) ? d->args[0]->list
                                                                               : nullptr;
        size_t n = params ? params->n_items : 0;
        for (size_t i = 0; i < n; ++i) {
          const Node* p = params->items[i];
          if (p && p->node_case == PG_QUERY__NODE__NODE_FUNCTION_PARAMETER &&
              p->function_parameter && IsInputMode(p->function_parameter->mode)) {
            types.push_back(TypeSignature(p->function_parameter->arg_type));
            RefType(p->function_parameter->arg_type);
          }
        }
        star = n == 0;
      } else if (const PgQuery__DefElem* base =
                     FindOption(d->n_definition, d->definition, "basetype")) {
        // Old syntax: CREATE AGGREGATE name (BASETYPE = type, …); 'ANY' means (*).
        const PgQuery__TypeName* tn = AsTypeName(base->arg);
        std::string t = tn ? TypeSignature(tn) : ConstString(base->arg);
        if (t == "any" || t == "\"any\"") {
          star = true;
        } else {
          types.push_back(t);
          RefType(tn);
        }
      }
      if (star) types = {"*"};
      Defines({"aggregate", q.schema, q.name + "(" + Join(types, ", ") + ")"}, &q);
      return;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_OPERATOR: {
      const PgQuery__DefElem* l = FindOption(d->n_definition, d->definition, "leftarg");
      const PgQuery__DefElem* r = FindOption(d->n_definition, d->definition, "rightarg");
      const PgQuery__TypeName* lt = l ? AsTypeName(l->arg) : nullptr;
      const PgQuery__TypeName* rt = r ? AsTypeName(r->arg) : nullptr;
      RefType(lt);
      RefType(rt);
      std::string name = q.name + "(" + (lt ? TypeSignature(lt) : "NONE") + ", " +
                         (rt ? TypeSignature(rt) : "NONE") + ")";
      Defines({"operator", q.schema, name}, &q);
      return;
    }
    default:
      Defines({ObjectKindName(d->kind), q.schema, q.name}, &q);
      return;
  }
}

void Describer::Index(const PgQuery__IndexStmt* ix) {
  QName table = Resolve(ix->relation);
  std::string name = Str(ix->idxname);
  if (name.empty()) {
    std::vector<std::string> cols;
    for (size_t i = 0; i < ix->n_index_params; ++i)
      cols.push_back(IndexElemName(ix->index_params[i]));
    for (size_t i = 0; i < ix->n_index_including_params; ++i) {
      cols.push_back(IndexElemName(ix->index_including_params[i]));
    }
    MakeColumnNamesUnique(cols);
    const char* label = ix->primary                  ? "pkey"
                        : ix->n_exclude_op_names > 0 ? "excl"
                        : ix->isconstraint           ? "key"
                                                     : "idx";
    name = MakeObjectName(table.name, ix->primary ? std::string() : NameAddition(cols), label);
  }
  Defines({"index", table.schema, name}, &table);
  AddRef({"relation", table.schema, table.name});
  for (size_t i = 0; i < ix->n_index_params; ++i) {
    const Node* p = ix->index_params[i];
    if (p && p->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && p->index_elem->expr) {
      RefNextvals(AsMessage(p->index_elem->expr));
    }
    RefIndexElemColumns(p, table);
  }
  for (size_t i = 0; i < ix->n_index_including_params; ++i) {
    RefIndexElemColumns(ix->index_including_params[i], table);
  }
  if (ix->where_clause) RefExprColumns(AsMessage(ix->where_clause), table);
}

void Describer::Describe(const Node* node) {
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: {
      const PgQuery__CreateSchemaStmt* s = node->create_schema_stmt;
      std::string name = Str(s->schemaname);
      if (name.empty()) name = RoleName(s->authrole);
      Defines({"schema", "", name});
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT: {
      const PgQuery__CreateExtensionStmt* e = node->create_extension_stmt;
      Defines({"extension", "", Str(e->extname)});
      if (const PgQuery__DefElem* s = FindOption(e->n_options, e->options, "schema")) {
        AddRef({"schema", "", ConstString(s->arg)});
      }
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      CreateTable(node->create_stmt, "table");
      return;
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_TABLE_STMT: {
      const PgQuery__CreateForeignTableStmt* f = node->create_foreign_table_stmt;
      if (f->base_stmt) CreateTable(f->base_stmt, "foreign table");
      AddRef({"server", "", Str(f->servername)});
      return;
    }
    case PG_QUERY__NODE__NODE_VIEW_STMT: {
      const PgQuery__ViewStmt* v = node->view_stmt;
      QName q = Resolve(v->view);
      Defines({"view", q.schema, q.name}, &q);
      RefQueryRelations(AsMessage(v->query));
      RefViewColumns(v->query);
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
      const PgQuery__CreateTableAsStmt* c = node->create_table_as_stmt;
      QName q = Resolve(c->into ? c->into->rel : nullptr);
      bool matview = c->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
      Defines({matview ? "materialized view" : "table", q.schema, q.name}, &q);
      RefQueryRelations(AsMessage(c->query));
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT: {
      const PgQuery__CreateSeqStmt* c = node->create_seq_stmt;
      QName q = Resolve(c->sequence);
      Defines({"sequence", q.schema, q.name}, &q);
      if (const PgQuery__DefElem* o = FindOption(c->n_options, c->options, "owned_by")) {
        std::vector<std::string> parts = NamesOfList(o->arg);
        if (parts.size() >= 2) {
          QName t = ResolveWithTail(parts).first;
          AddRef({"table", t.schema, t.name});
          RefColumn(t, parts.back());
        }
      }
      if (const PgQuery__DefElem* o = FindOption(c->n_options, c->options, "as")) {
        RefType(AsTypeName(o->arg));
      }
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT: {
      const PgQuery__AlterSeqStmt* a = node->alter_seq_stmt;
      QName q = Resolve(a->sequence);
      AddRef({"sequence", q.schema, q.name});
      if (const PgQuery__DefElem* o = FindOption(a->n_options, a->options, "owned_by")) {
        Defines({"owned by", q.schema, q.name});
        std::vector<std::string> parts = NamesOfList(o->arg);
        if (parts.size() >= 2) {
          QName t = ResolveWithTail(parts).first;
          AddRef({"table", t.schema, t.name});
          RefColumn(t, parts.back());
        }
        if (a->n_options == 1) return;
      }
      st_.cls = StatementClass::kAlteration;
      SetKey({"sequence", q.schema, q.name});
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
      CreateFunction(node->create_function_stmt);
      return;
    case PG_QUERY__NODE__NODE_DEFINE_STMT:
      Define(node->define_stmt);
      return;
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT: {
      const PgQuery__CompositeTypeStmt* c = node->composite_type_stmt;
      QName q = Resolve(c->typevar);
      Defines({"type", q.schema, q.name}, &q);
      for (size_t i = 0; i < c->n_coldeflist; ++i) {
        const Node* n = c->coldeflist[i];
        if (n && n->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) RefType(n->column_def->type_name);
      }
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT: {
      const PgQuery__CreateEnumStmt* e = node->create_enum_stmt;
      QName q = Resolve(Names(e->n_type_name, e->type_name));
      Defines({"type", q.schema, q.name}, &q);
      size_t after = AfterWord(ctx_.text, st_.text.begin, st_.text.end, "enum");
      ListSpans list;
      if (after != std::string_view::npos) list = FindParenList(ctx_.text, after, st_.text.end);
      bool spans_ok = list.found && list.items.size() == e->n_vals;
      if (list.found) st_.element_list = list.inner;
      for (size_t i = 0; i < e->n_vals; ++i) {
        std::string label = Str(StringOf(e->vals[i]));
        Element el;
        el.key = {"label", q.schema, q.name + "." + label};
        if (ctx_.canonical_hashes) el.canonical = CanonicalHashOfText(label);
        if (spans_ok) el.span = list.items[i];
        st_.elements.push_back(std::move(el));
      }
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT: {
      const PgQuery__AlterEnumStmt* a = node->alter_enum_stmt;
      QName q = Resolve(Names(a->n_type_name, a->type_name));
      AddRef({"type", q.schema, q.name});
      if (a->old_val && *a->old_val) {
        st_.cls = StatementClass::kAlteration;
        SetKey({"label", q.schema, q.name + "." + Str(a->old_val)});
      } else {
        Defines({"label", q.schema, q.name + "." + Str(a->new_val)});
      }
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT: {
      const PgQuery__CreateRangeStmt* r = node->create_range_stmt;
      QName q = Resolve(Names(r->n_type_name, r->type_name));
      Defines({"type", q.schema, q.name}, &q);
      if (const PgQuery__DefElem* o = FindOption(r->n_params, r->params, "subtype")) {
        RefType(AsTypeName(o->arg));
      }
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT: {
      const PgQuery__CreateDomainStmt* d = node->create_domain_stmt;
      QName q = Resolve(Names(d->n_domainname, d->domainname));
      Defines({"domain", q.schema, q.name}, &q);
      RefType(d->type_name);
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT: {
      const PgQuery__AlterDomainStmt* a = node->alter_domain_stmt;
      QName q = Resolve(Names(a->n_type_name, a->type_name));
      AddRef({"domain", q.schema, q.name});
      if (a->subtype && a->subtype[0] == 'C' && a->def &&
          a->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
        Defines({"domain constraint", q.schema, q.name + "." + Str(a->def->constraint->conname)});
        return;
      }
      st_.cls = StatementClass::kAlteration;
      SetKey({"domain", q.schema, q.name});
      return;
    }
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      Index(node->index_stmt);
      return;
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT: {
      const PgQuery__CreateTrigStmt* t = node->create_trig_stmt;
      QName table = Resolve(t->relation);
      Defines({"trigger", table.schema, table.name + "." + Str(t->trigname)}, &table);
      AddRef({"relation", table.schema, table.name});
      QName fn = Resolve(Names(t->n_funcname, t->funcname));
      AddRef({"function", fn.schema, fn.name + "()"});
      if (t->constrrel) RefRelation(t->constrrel);
      RefColumns(table, t->n_columns, t->columns);  // UPDATE OF
      if (t->when_clause) RefExprColumns(AsMessage(t->when_clause), table, {"new", "old"});
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_EVENT_TRIG_STMT: {
      const PgQuery__CreateEventTrigStmt* t = node->create_event_trig_stmt;
      Defines({"event trigger", "", Str(t->trigname)});
      QName fn = Resolve(Names(t->n_funcname, t->funcname));
      AddRef({"function", fn.schema, fn.name + "()"});
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT: {
      const PgQuery__CreatePolicyStmt* p = node->create_policy_stmt;
      QName table = Resolve(p->table);
      Defines({"policy", table.schema, table.name + "." + Str(p->policy_name)}, &table);
      AddRef({"table", table.schema, table.name});
      if (p->qual) RefExprColumns(AsMessage(p->qual), table, {Str(p->table->relname)});
      if (p->with_check) RefExprColumns(AsMessage(p->with_check), table, {Str(p->table->relname)});
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT: {
      const PgQuery__AlterPolicyStmt* p = node->alter_policy_stmt;
      QName table = Resolve(p->table);
      st_.cls = StatementClass::kAlteration;
      SetKey({"policy", table.schema, table.name + "." + Str(p->policy_name)});
      AddRef({"table", table.schema, table.name});
      return;
    }
    case PG_QUERY__NODE__NODE_RULE_STMT: {
      const PgQuery__RuleStmt* r = node->rule_stmt;
      QName table = Resolve(r->relation);
      Defines({"rule", table.schema, table.name + "." + Str(r->rulename)}, &table);
      AddRef({"relation", table.schema, table.name});
      for (size_t i = 0; i < r->n_actions; ++i) RefQueryRelations(AsMessage(r->actions[i]));
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_CAST_STMT: {
      const PgQuery__CreateCastStmt* c = node->create_cast_stmt;
      Defines({"cast", "",
               "(" + TypeSignature(c->sourcetype) + " AS " + TypeSignature(c->targettype) + ")"});
      RefType(c->sourcetype);
      RefType(c->targettype);
      if (c->func) AddRef(RoutineKey("function", c->func, false));
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT: {
      const PgQuery__CreateStatsStmt* s = node->create_stats_stmt;
      QName q = Resolve(Names(s->n_defnames, s->defnames));
      for (size_t i = 0; i < s->n_relations; ++i) {
        const Node* r = s->relations[i];
        if (r && r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
          if (q.name.empty()) q.schema = Resolve(r->range_var).schema;
          RefRelation(r->range_var);
        }
      }
      Defines({"statistics", q.schema, q.name}, &q);
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_OP_CLASS_STMT: {
      const PgQuery__CreateOpClassStmt* c = node->create_op_class_stmt;
      QName q = Resolve(Names(c->n_opclassname, c->opclassname));
      Defines({"operator class", q.schema, q.name + " using " + Str(c->amname)}, &q);
      RefType(c->datatype);
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_OP_FAMILY_STMT: {
      const PgQuery__CreateOpFamilyStmt* c = node->create_op_family_stmt;
      QName q = Resolve(Names(c->n_opfamilyname, c->opfamilyname));
      Defines({"operator family", q.schema, q.name + " using " + Str(c->amname)}, &q);
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_OP_FAMILY_STMT: {
      const PgQuery__AlterOpFamilyStmt* c = node->alter_op_family_stmt;
      QName q = Resolve(Names(c->n_opfamilyname, c->opfamilyname));
      st_.cls = c->is_drop ? StatementClass::kAlteration : StatementClass::kDefinition;
      SetKey({"operator family members", q.schema, q.name + " using " + Str(c->amname)});
      AddRef({"operator family", q.schema, q.name + " using " + Str(c->amname)});
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_CONVERSION_STMT: {
      const PgQuery__CreateConversionStmt* c = node->create_conversion_stmt;
      QName q = Resolve(Names(c->n_conversion_name, c->conversion_name));
      Defines({"conversion", q.schema, q.name}, &q);
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_TRANSFORM_STMT: {
      const PgQuery__CreateTransformStmt* c = node->create_transform_stmt;
      Defines(
          {"transform", "", "for " + TypeSignature(c->type_name) + " language " + Str(c->lang)});
      RefType(c->type_name);
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_PLANG_STMT:
      Defines({"language", "", Str(node->create_plang_stmt->plname)});
      return;
    case PG_QUERY__NODE__NODE_CREATE_AM_STMT:
      Defines({"access method", "", Str(node->create_am_stmt->amname)});
      return;
    case PG_QUERY__NODE__NODE_CREATE_FDW_STMT:
      Defines({"foreign data wrapper", "", Str(node->create_fdw_stmt->fdwname)});
      return;
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_SERVER_STMT: {
      const PgQuery__CreateForeignServerStmt* s = node->create_foreign_server_stmt;
      Defines({"server", "", Str(s->servername)});
      AddRef({"foreign data wrapper", "", Str(s->fdwname)});
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_USER_MAPPING_STMT: {
      const PgQuery__CreateUserMappingStmt* u = node->create_user_mapping_stmt;
      Defines({"user mapping", "", RoleName(u->user) + " server " + Str(u->servername)});
      AddRef({"server", "", Str(u->servername)});
      return;
    }
    case PG_QUERY__NODE__NODE_IMPORT_FOREIGN_SCHEMA_STMT: {
      const PgQuery__ImportForeignSchemaStmt* i = node->import_foreign_schema_stmt;
      Defines({"imported foreign schema", Str(i->local_schema),
               Str(i->server_name) + "." + Str(i->remote_schema)});
      AddRef({"server", "", Str(i->server_name)});
      AddRef({"schema", "", Str(i->local_schema)});
      return;
    }
    case PG_QUERY__NODE__NODE_CREATE_PUBLICATION_STMT:
      Defines({"publication", "", Str(node->create_publication_stmt->pubname)});
      return;
    case PG_QUERY__NODE__NODE_CREATE_SUBSCRIPTION_STMT:
      Defines({"subscription", "", Str(node->create_subscription_stmt->subname)});
      return;
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
      Defines({"role", "", Str(node->create_role_stmt->role)});
      return;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_SPACE_STMT:
      Defines({"tablespace", "", Str(node->create_table_space_stmt->tablespacename)});
      return;
    case PG_QUERY__NODE__NODE_CREATEDB_STMT:
      Defines({"database", "", Str(node->createdb_stmt->dbname)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      AlterTable(node->alter_table_stmt);
      return;
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT: {
      const PgQuery__AlterOwnerStmt* a = node->alter_owner_stmt;
      ObjectKey target = a->relation
                             ? ObjectKey{ObjectKindName(a->object_type),
                                         Resolve(a->relation).schema, Resolve(a->relation).name}
                             : ObjectToKey(a->object_type, a->object);
      Defines({"owner of " + target.kind, target.schema, target.name});
      AddRef(target);
      return;
    }
    case PG_QUERY__NODE__NODE_COMMENT_STMT: {
      const PgQuery__CommentStmt* c = node->comment_stmt;
      ObjectKey target = ObjectToKey(c->objtype, c->object);
      Defines({"comment on " + target.kind, target.schema, target.name});
      if (target.kind == "constraint" || target.kind == "trigger" || target.kind == "policy" ||
          target.kind == "rule" || target.kind == "column") {
        // The table part is a relation; the sub-object itself may live in an element. The
        // names say where the table ends, even when the sub-object's name holds a dot.
        QName relation = ResolveWithTail(NamesOfList(c->object)).first;
        AddRef({"relation", relation.schema, relation.name});
      }
      AddRef(target);
      return;
    }
    case PG_QUERY__NODE__NODE_SEC_LABEL_STMT: {
      const PgQuery__SecLabelStmt* c = node->sec_label_stmt;
      ObjectKey target = ObjectToKey(c->objtype, c->object);
      Defines({"security label on " + target.kind, target.schema,
               target.name + (c->provider && *c->provider ? " for " + Str(c->provider) : "")});
      AddRef(target);
      return;
    }
    case PG_QUERY__NODE__NODE_GRANT_STMT:
      Grant(node->grant_stmt);
      return;
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT: {
      const PgQuery__GrantRoleStmt* g = node->grant_role_stmt;
      std::vector<std::string> granted, grantees;
      for (size_t i = 0; i < g->n_granted_roles; ++i) {
        const Node* r = g->granted_roles[i];
        if (r && r->node_case == PG_QUERY__NODE__NODE_ACCESS_PRIV) {
          granted.push_back(Str(r->access_priv->priv_name));
        } else {
          granted.push_back(RoleName(r));
        }
      }
      for (size_t i = 0; i < g->n_grantee_roles; ++i)
        grantees.push_back(RoleName(g->grantee_roles[i]));
      std::sort(granted.begin(), granted.end());
      std::sort(grantees.begin(), grantees.end());
      Defines({g->is_grant ? "grant role" : "revoke role", "",
               Join(granted, ", ") + (g->is_grant ? " to " : " from ") + Join(grantees, ", ")});
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT: {
      const PgQuery__AlterDefaultPrivilegesStmt* a = node->alter_default_privileges_stmt;
      std::vector<std::string> roles, schemas;
      for (size_t i = 0; i < a->n_options; ++i) {
        const Node* o = a->options[i];
        if (!o || o->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
        const PgQuery__DefElem* d = o->def_elem;
        const Node* arg = d->arg;
        if (!arg || arg->node_case != PG_QUERY__NODE__NODE_LIST) continue;
        for (size_t k = 0; k < arg->list->n_items; ++k) {
          if (Str(d->defname) == "roles") roles.push_back(RoleName(arg->list->items[k]));
          if (Str(d->defname) == "schemas") schemas.push_back(Str(StringOf(arg->list->items[k])));
        }
      }
      std::sort(roles.begin(), roles.end());
      std::sort(schemas.begin(), schemas.end());
      st_.cls = StatementClass::kDefinition;
      std::string name = "for " + (roles.empty() ? std::string("current_role") : Join(roles, ", "));
      if (!schemas.empty()) name += " in " + Join(schemas, ", ");
      if (a->action) {
        std::vector<std::string> grantees;
        for (size_t i = 0; i < a->action->n_grantees; ++i)
          grantees.push_back(RoleName(a->action->grantees[i]));
        std::sort(grantees.begin(), grantees.end());
        name += std::string(" on ") + ObjectKindName(a->action->objtype) + "s" +
                (a->action->is_grant ? " to " : " from ") + Join(grantees, ", ");
      }
      SetKey({"default privileges", "", name});
      for (const std::string& s : schemas) AddRef({"schema", "", s});
      return;
    }
    case PG_QUERY__NODE__NODE_DROP_STMT: {
      const PgQuery__DropStmt* d = node->drop_stmt;
      st_.cls = StatementClass::kDrop;
      for (size_t i = 0; i < d->n_objects; ++i) SetKey(ObjectToKey(d->remove_type, d->objects[i]));
      return;
    }
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT:
      st_.cls = StatementClass::kDrop;
      for (size_t i = 0; i < node->drop_role_stmt->n_roles; ++i)
        SetKey({"role", "", RoleName(node->drop_role_stmt->roles[i])});
      return;
    case PG_QUERY__NODE__NODE_DROPDB_STMT:
      st_.cls = StatementClass::kDrop;
      SetKey({"database", "", Str(node->dropdb_stmt->dbname)});
      return;
    case PG_QUERY__NODE__NODE_DROP_TABLE_SPACE_STMT:
      st_.cls = StatementClass::kDrop;
      SetKey({"tablespace", "", Str(node->drop_table_space_stmt->tablespacename)});
      return;
    case PG_QUERY__NODE__NODE_DROP_SUBSCRIPTION_STMT:
      st_.cls = StatementClass::kDrop;
      SetKey({"subscription", "", Str(node->drop_subscription_stmt->subname)});
      return;
    case PG_QUERY__NODE__NODE_DROP_USER_MAPPING_STMT: {
      const PgQuery__DropUserMappingStmt* u = node->drop_user_mapping_stmt;
      st_.cls = StatementClass::kDrop;
      SetKey({"user mapping", "", RoleName(u->user) + " server " + Str(u->servername)});
      return;
    }
    case PG_QUERY__NODE__NODE_DROP_OWNED_STMT:
      st_.cls = StatementClass::kDrop;
      SetKey({"owned objects", "", "by " + [&] {
                std::vector<std::string> r;
                for (size_t i = 0; i < node->drop_owned_stmt->n_roles; ++i)
                  r.push_back(RoleName(node->drop_owned_stmt->roles[i]));
                return Join(r, ", ");
              }()});
      return;
    case PG_QUERY__NODE__NODE_RENAME_STMT: {
      const PgQuery__RenameStmt* r = node->rename_stmt;
      st_.cls = StatementClass::kAlteration;
      std::string sub = Str(r->subname);
      if (r->relation) {
        QName q = Resolve(r->relation);
        switch (r->rename_type) {
          case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
          case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
          case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
          case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
          case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
            SetKey({ObjectKindName(r->rename_type), q.schema, q.name + "." + sub});
            break;
          default:
            SetKey({ObjectKindName(r->rename_type), q.schema, q.name});
        }
        AddRef({"relation", q.schema, q.name});
      } else {
        ObjectKey k = ObjectToKey(r->rename_type, r->object);
        if (!sub.empty() && r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE) {
          k.name += "." + sub;
        }
        SetKey(std::move(k));
      }
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT: {
      const PgQuery__AlterObjectSchemaStmt* a = node->alter_object_schema_stmt;
      st_.cls = StatementClass::kAlteration;
      if (a->relation) {
        QName q = Resolve(a->relation);
        SetKey({ObjectKindName(a->object_type), q.schema, q.name});
      } else {
        SetKey(ObjectToKey(a->object_type, a->object));
      }
      AddRef({"schema", "", Str(a->newschema)});
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT: {
      const PgQuery__AlterFunctionStmt* a = node->alter_function_stmt;
      st_.cls = StatementClass::kAlteration;
      const char* kind = ObjectKindName(a->objtype);
      SetKey(RoutineKey(kind, a->func, a->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE));
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"extension", "", Str(node->alter_extension_stmt->extname)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_CONTENTS_STMT: {
      const PgQuery__AlterExtensionContentsStmt* a = node->alter_extension_contents_stmt;
      st_.cls = StatementClass::kAlteration;
      SetKey({"extension", "", Str(a->extname)});
      AddRef(ObjectToKey(a->objtype, a->object));
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_TSCONFIGURATION_STMT: {
      const PgQuery__AlterTSConfigurationStmt* a = node->alter_tsconfiguration_stmt;
      QName q = Resolve(Names(a->n_cfgname, a->cfgname));
      bool adds = a->kind == PG_QUERY__ALTER_TSCONFIG_TYPE__ALTER_TSCONFIG_ADD_MAPPING;
      st_.cls = adds ? StatementClass::kDefinition : StatementClass::kAlteration;
      std::vector<std::string> tokens = Names(a->n_tokentype, a->tokentype);
      SetKey({"text search mapping", q.schema, q.name + " for " + Join(tokens, ", ")});
      AddRef({"text search configuration", q.schema, q.name});
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_TSDICTIONARY_STMT: {
      QName q = Resolve(Names(node->alter_tsdictionary_stmt->n_dictname,
                              node->alter_tsdictionary_stmt->dictname));
      st_.cls = StatementClass::kAlteration;
      SetKey({"text search dictionary", q.schema, q.name});
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_TYPE_STMT: {
      QName q =
          Resolve(Names(node->alter_type_stmt->n_type_name, node->alter_type_stmt->type_name));
      st_.cls = StatementClass::kAlteration;
      SetKey({"type", q.schema, q.name});
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_OPERATOR_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey(OperatorKey(node->alter_operator_stmt->opername));
      return;
    case PG_QUERY__NODE__NODE_ALTER_COLLATION_STMT: {
      QName q = Resolve(
          Names(node->alter_collation_stmt->n_collname, node->alter_collation_stmt->collname));
      st_.cls = StatementClass::kAlteration;
      SetKey({"collation", q.schema, q.name});
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_STATS_STMT: {
      QName q =
          Resolve(Names(node->alter_stats_stmt->n_defnames, node->alter_stats_stmt->defnames));
      st_.cls = StatementClass::kAlteration;
      SetKey({"statistics", q.schema, q.name});
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"role", "", RoleName(node->alter_role_stmt->role)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_ROLE_SET_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"role setting", "", RoleName(node->alter_role_set_stmt->role)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"database", "", Str(node->alter_database_stmt->dbname)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_SET_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"database setting", "", Str(node->alter_database_set_stmt->dbname)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_REFRESH_COLL_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"database", "", Str(node->alter_database_refresh_coll_stmt->dbname)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_EVENT_TRIG_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"event trigger", "", Str(node->alter_event_trig_stmt->trigname)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_FDW_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"foreign data wrapper", "", Str(node->alter_fdw_stmt->fdwname)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_FOREIGN_SERVER_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"server", "", Str(node->alter_foreign_server_stmt->servername)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_USER_MAPPING_STMT: {
      const PgQuery__AlterUserMappingStmt* u = node->alter_user_mapping_stmt;
      st_.cls = StatementClass::kAlteration;
      SetKey({"user mapping", "", RoleName(u->user) + " server " + Str(u->servername)});
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_PUBLICATION_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"publication", "", Str(node->alter_publication_stmt->pubname)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_SUBSCRIPTION_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"subscription", "", Str(node->alter_subscription_stmt->subname)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_SPACE_OPTIONS_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"tablespace", "", Str(node->alter_table_space_options_stmt->tablespacename)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_MOVE_ALL_STMT:
      st_.cls = StatementClass::kAlteration;
      SetKey({"tablespace", "", Str(node->alter_table_move_all_stmt->orig_tablespacename)});
      return;
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_DEPENDS_STMT: {
      const PgQuery__AlterObjectDependsStmt* a = node->alter_object_depends_stmt;
      st_.cls = StatementClass::kDefinition;
      ObjectKey k = a->relation ? ObjectKey{ObjectKindName(a->object_type),
                                            Resolve(a->relation).schema, Resolve(a->relation).name}
                                : ObjectToKey(a->object_type, a->object);
      SetKey({"extension dependency of " + k.kind, k.schema, k.name});
      AddRef(k);
      if (a->extname && a->extname->sval) AddRef({"extension", "", Str(a->extname->sval)});
      return;
    }
    case PG_QUERY__NODE__NODE_REASSIGN_OWNED_STMT:
      Unkeyed(StatementClass::kAlteration, "ownership transfer");
      return;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: {
      const PgQuery__VariableSetStmt* v = node->variable_set_stmt;
      st_.cls = StatementClass::kSetting;
      std::string name = Str(v->name);
      if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL) name = "all";
      for (char& c : name) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      SetKey({"setting", "", name});
      return;
    }
    case PG_QUERY__NODE__NODE_SELECT_STMT:
      Select(node->select_stmt);
      return;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
      Insert(node->insert_stmt);
      return;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
      Unkeyed(StatementClass::kData, "data statement");
      RefRelation(node->update_stmt->relation, "table");
      return;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
      Unkeyed(StatementClass::kData, "data statement");
      RefRelation(node->delete_stmt->relation, "table");
      return;
    case PG_QUERY__NODE__NODE_MERGE_STMT:
      Unkeyed(StatementClass::kData, "data statement");
      RefRelation(node->merge_stmt->relation, "table");
      return;
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
      Unkeyed(StatementClass::kData, "data statement");
      for (size_t i = 0; i < node->truncate_stmt->n_relations; ++i) {
        const Node* r = node->truncate_stmt->relations[i];
        if (r && r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) RefRelation(r->range_var, "table");
      }
      return;
    case PG_QUERY__NODE__NODE_COPY_STMT:
      Unkeyed(StatementClass::kData, "data statement");
      RefRelation(node->copy_stmt->relation);
      return;
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
      Unkeyed(StatementClass::kTransaction, "transaction control");
      return;
    case PG_QUERY__NODE__NODE_DO_STMT:
      Unkeyed(StatementClass::kOther, "anonymous code block");
      return;
    case PG_QUERY__NODE__NODE_CALL_STMT:
      Unkeyed(StatementClass::kOther, "procedure call");
      return;
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
    case PG_QUERY__NODE__NODE_CHECK_POINT_STMT:
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
    case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT:
      Unkeyed(StatementClass::kOther, "maintenance command");
      if (node->node_case == PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT) {
        QName q = Resolve(node->refresh_mat_view_stmt->relation);
        AddRef({"materialized view", q.schema, q.name});
      }
      return;
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
    case PG_QUERY__NODE__NODE_LOCK_STMT:
    case PG_QUERY__NODE__NODE_NOTIFY_STMT:
    case PG_QUERY__NODE__NODE_LISTEN_STMT:
    case PG_QUERY__NODE__NODE_UNLISTEN_STMT:
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
    case PG_QUERY__NODE__NODE_LOAD_STMT:
    case PG_QUERY__NODE__NODE_PREPARE_STMT:
    case PG_QUERY__NODE__NODE_EXECUTE_STMT:
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT:
    case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
    case PG_QUERY__NODE__NODE_FETCH_STMT:
    case PG_QUERY__NODE__NODE_CLOSE_PORTAL_STMT:
    case PG_QUERY__NODE__NODE_CONSTRAINTS_SET_STMT:
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
      Unkeyed(StatementClass::kOther, "session command");
      return;
    default:
      Unkeyed(StatementClass::kOther, "unsupported statement");
      return;
  }
}

}  // namespace

std::string NodeTypeName(const PgQuery__Node* node) {
  if (!node || node->node_case == PG_QUERY__NODE__NODE__NOT_SET) return {};
  const ProtobufCFieldDescriptor* f = protobuf_c_message_descriptor_get_field(
      &pg_query__node__descriptor, static_cast<unsigned>(node->node_case));
  if (!f || !f->descriptor) return {};
  return static_cast<const ProtobufCMessageDescriptor*>(f->descriptor)->short_name;
}

void DescribeStatement(const PgQuery__Node* node, const KeyContext& context, Statement& statement) {
  Describer(context, statement).Run(node);
  if (statement.key.empty() && statement.unkeyed_reason.empty()) {
    statement.unkeyed_reason = "unsupported statement";
  }
}

std::vector<std::string> SplitSearchPath(std::string_view value) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  bool any = false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < value.size() && value[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      if (any || !cur.empty()) out.push_back(cur);
      cur.clear();
      any = false;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      continue;
    } else {
      cur += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      any = true;
    }
  }
  if (any || !cur.empty()) out.push_back(cur);
  return out;
}

std::optional<std::optional<std::vector<std::string>>> SearchPathSetBy(const PgQuery__Node* node) {
  if (!node) return std::nullopt;
  if (node->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT) {
    const PgQuery__VariableSetStmt* v = node->variable_set_stmt;
    if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL) {
      return std::optional<std::vector<std::string>>();
    }
    if (!v->name || std::strcmp(v->name, "search_path") != 0) return std::nullopt;
    if (v->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
      return std::optional<std::vector<std::string>>();
    }
    std::vector<std::string> schemas;
    for (size_t i = 0; i < v->n_args; ++i) {
      // Each argument is one schema name as written (already an identifier, not a list).
      schemas.push_back(ConstString(v->args[i]));
    }
    return std::optional<std::vector<std::string>>(std::move(schemas));
  }
  if (node->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
    const PgQuery__SelectStmt* s = node->select_stmt;
    std::optional<std::optional<std::vector<std::string>>> result;
    for (size_t i = 0; i < s->n_target_list; ++i) {
      const Node* t = s->target_list[i];
      if (!t || t->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !t->res_target) continue;
      const Node* val = t->res_target->val;
      if (!val || val->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) continue;
      const PgQuery__FuncCall* fc = val->func_call;
      std::vector<std::string> fname = Names(fc->n_funcname, fc->funcname);
      if (fname.empty() || fname.back() != "set_config" || fc->n_args < 2) continue;
      if (ConstString(fc->args[0]) != "search_path") continue;
      result = std::optional<std::vector<std::string>>(SplitSearchPath(ConstString(fc->args[1])));
    }
    return result;
  }
  return std::nullopt;
}

}  // namespace pgstate::sql
