#include "sql/names.h"

#include <algorithm>
#include <iterator>

namespace pgstate::sql {

namespace {

// The pg_type rows of pg_catalog in PostgreSQL 15's postgres.bki, sorted bytewise.
constexpr std::string_view kBuiltinTypes[] = {
    "aclitem",
    "any",
    "anyarray",
    "anycompatible",
    "anycompatiblearray",
    "anycompatiblemultirange",
    "anycompatiblenonarray",
    "anycompatiblerange",
    "anyelement",
    "anyenum",
    "anymultirange",
    "anynonarray",
    "anyrange",
    "bigserial",
    "bit",
    "bool",
    "box",
    "bpchar",
    "bytea",
    "char",
    "cid",
    "cidr",
    "circle",
    "cstring",
    "date",
    "datemultirange",
    "daterange",
    "event_trigger",
    "fdw_handler",
    "float4",
    "float8",
    "gtsvector",
    "index_am_handler",
    "inet",
    "int2",
    "int2vector",
    "int4",
    "int4multirange",
    "int4range",
    "int8",
    "int8multirange",
    "int8range",
    "internal",
    "interval",
    "json",
    "jsonb",
    "jsonpath",
    "language_handler",
    "line",
    "lseg",
    "macaddr",
    "macaddr8",
    "money",
    "name",
    "numeric",
    "nummultirange",
    "numrange",
    "oid",
    "oidvector",
    "path",
    "pg_brin_bloom_summary",
    "pg_brin_minmax_multi_summary",
    "pg_ddl_command",
    "pg_dependencies",
    "pg_lsn",
    "pg_mcv_list",
    "pg_ndistinct",
    "pg_node_tree",
    "pg_snapshot",
    "point",
    "polygon",
    "record",
    "refcursor",
    "regclass",
    "regcollation",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regoper",
    "regoperator",
    "regproc",
    "regprocedure",
    "regrole",
    "regtype",
    "serial",
    "serial2",
    "serial4",
    "serial8",
    "smallserial",
    "table_am_handler",
    "text",
    "tid",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "trigger",
    "tsm_handler",
    "tsmultirange",
    "tsquery",
    "tsrange",
    "tstzmultirange",
    "tstzrange",
    "tsvector",
    "txid_snapshot",
    "unknown",
    "uuid",
    "varbit",
    "varchar",
    "void",
    "xid",
    "xid8",
    "xml",
};

// Bytes of `s` that fit in `limit` without splitting a UTF-8 character (pg_mbcliplen).
size_t ClipLength(std::string_view s, size_t limit) {
  if (s.size() <= limit) return s.size();
  size_t n = limit;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return n;
}

}  // namespace

bool IsBuiltinTypeName(std::string_view name) {
  return std::binary_search(std::begin(kBuiltinTypes), std::end(kBuiltinTypes), name);
}

std::string MakeObjectName(std::string_view name1, std::string_view name2, std::string_view label) {
  size_t name1chars = name1.size();
  size_t name2chars = name2.size();
  size_t overhead = (label.empty() ? 0 : label.size() + 1) + (name2.empty() ? 0 : 1);
  size_t avail = kMaxIdentifierLength > overhead ? kMaxIdentifierLength - overhead : 0;
  while (name1chars + name2chars > avail) {
    if (name1chars > name2chars) {
      --name1chars;
    } else {
      --name2chars;
    }
  }
  name1chars = ClipLength(name1, name1chars);
  name2chars = ClipLength(name2, name2chars);
  std::string result(name1.substr(0, name1chars));
  if (!name2.empty()) {
    result += '_';
    result += name2.substr(0, name2chars);
  }
  if (!label.empty()) {
    result += '_';
    result += label;
  }
  return result;
}

std::string NameAddition(const std::vector<std::string>& names) {
  std::string buf;
  for (const std::string& name : names) {
    if (!buf.empty()) buf += '_';
    buf += name.substr(0, kMaxIdentifierLength);
    if (buf.size() >= kMaxIdentifierLength + 1) break;
  }
  return buf;
}

void MakeColumnNamesUnique(std::vector<std::string>& names) {
  std::vector<std::string> seen;
  for (std::string& name : names) {
    std::string candidate = name;
    for (int i = 1; std::find(seen.begin(), seen.end(), candidate) != seen.end(); ++i) {
      std::string suffix = std::to_string(i);
      candidate = name.substr(0, ClipLength(name, kMaxIdentifierLength - suffix.size())) + suffix;
    }
    name = candidate;
    seen.push_back(candidate);
  }
}

}  // namespace pgstate::sql
