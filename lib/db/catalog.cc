#include "db/catalog.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace pgstate::db {

namespace {

// System catalog OIDs (fixed by PostgreSQL's genbki since forever).
constexpr unsigned kPgClass = 1259;
constexpr unsigned kPgType = 1247;
constexpr unsigned kPgProc = 1255;
constexpr unsigned kPgNamespace = 2615;
constexpr unsigned kPgConstraint = 2606;
constexpr unsigned kPgTrigger = 2620;
constexpr unsigned kPgPolicy = 3256;
constexpr unsigned kPgCollation = 3456;
constexpr unsigned kPgExtension = 3079;
constexpr unsigned kPgRewrite = 2618;
constexpr unsigned kPgStatisticExt = 3381;

// Separator for lists returned as one text value (names may contain commas).
constexpr char kSep = '\x1f';

// Object address as pg_depend and pg_description write it.
struct Addr {
  unsigned classid = 0;
  unsigned long long objid = 0;
  int subid = 0;
  friend bool operator<(const Addr& a, const Addr& b) {
    return std::tie(a.classid, a.objid, a.subid) < std::tie(b.classid, b.objid, b.subid);
  }
};

// What comments, grants and owners need to know about an object of the model.
struct AddrInfo {
  std::string key;
  std::string target;  // "TABLE public.users"
};

std::string UserSchema(const std::string& n) {
  return n + ".nspname NOT IN ('pg_catalog', 'information_schema') AND " + n +
         ".nspname NOT LIKE 'pg\\_toast%' AND " + n + ".nspname NOT LIKE 'pg\\_temp\\_%'";
}

std::string NotInExtension(const std::string& catalog, const std::string& oid) {
  return "NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = '" + catalog +
         "'::regclass AND x.objid = " + oid + " AND x.deptype = 'e')";
}

// Objects PostgreSQL made as part of another (a range type's constructor functions and
// multirange cast) have an internal dependency on it and are not objects of their own.
std::string NotInternal(const std::string& catalog, const std::string& oid) {
  return "NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = '" + catalog +
         "'::regclass AND x.objid = " + oid + " AND x.deptype = 'i')";
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(kSep, start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// Named access to one row of a QueryResult.
class Row {
 public:
  Row(const QueryResult& r, size_t i) : r_(r), i_(i) {}
  bool Null(const char* col) const { return !Cell(col).has_value(); }
  std::string Str(const char* col) const { return Cell(col).value_or(""); }
  bool Bool(const char* col) const { return Str(col) == "t"; }
  long long Int(const char* col) const { return std::atoll(Str(col).c_str()); }
  unsigned long long Oid(const char* col) const {
    return std::strtoull(Str(col).c_str(), nullptr, 10);
  }
  char Char(const char* col) const {
    std::string s = Str(col);
    return s.empty() ? 0 : s[0];
  }

 private:
  const std::optional<std::string>& Cell(const char* col) const {
    size_t c = r_.Column(col);
    static const std::optional<std::string> kNone;
    if (c == std::string::npos) return kNone;
    return r_.rows[i_][c];
  }
  const QueryResult& r_;
  size_t i_;
};

// "table", "view" … for a pg_class relkind.
std::string RelationKind(char relkind) {
  switch (relkind) {
    case 'v':
      return "view";
    case 'm':
      return "materialized view";
    case 'f':
      return "foreign table";
    case 'c':
      return "type";
    default:
      return "table";
  }
}

std::string Suffix(const std::string& prefix, const std::string& value) {
  return value.empty() ? std::string() : prefix + value;
}

std::string StripSemicolon(std::string s) {
  while (!s.empty() && (s.back() == ';' || s.back() == ' ' || s.back() == '\n')) s.pop_back();
  size_t start = 0;
  while (start < s.size() && (s[start] == ' ' || s[start] == '\n')) ++start;
  return s.substr(start);
}

std::string StorageName(char c) {
  switch (c) {
    case 'p':
      return "PLAIN";
    case 'e':
      return "EXTERNAL";
    case 'm':
      return "MAIN";
    case 'x':
      return "EXTENDED";
    default:
      return {};
  }
}

class Introspector {
 public:
  Introspector(Connection& conn, Catalog& cat) : conn_(conn), cat_(cat) {}

  core::Status Run() {
    cat_.server_version = conn_.server_version();
    // One snapshot for every query, and settings that make the rendered SQL independent of the
    // caller's session: everything schema-qualified, ISO dates, UTC.
    SqlStatus begun = conn_.Execute(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
        "SET LOCAL search_path = '';"
        "SET LOCAL DateStyle = 'ISO, YMD';"
        "SET LOCAL IntervalStyle = 'postgres';"
        "SET LOCAL TimeZone = 'UTC';"
        "SET LOCAL extra_float_digits = 3;"
        "SET LOCAL lc_monetary = 'C'");
    if (!begun.ok()) return Fail("session settings", begun.error().ToError());
    core::Status s = ReadAll();
    (void)conn_.Execute("ROLLBACK");
    return s;
  }

 private:
  core::Status ReadAll() {
    using Step = core::Status (Introspector::*)();
    const Step steps[] = {&Introspector::Schemas,
                          &Introspector::Extensions,
                          &Introspector::Sequences,
                          &Introspector::Tables,
                          &Introspector::Types,
                          &Introspector::Views,
                          &Introspector::Columns,
                          &Introspector::Constraints,
                          &Introspector::Indexes,
                          &Introspector::Routines,
                          &Introspector::Triggers,
                          &Introspector::Domains,
                          &Introspector::Policies,
                          &Introspector::Collations,
                          &Introspector::Rules,
                          &Introspector::Statistics,
                          &Introspector::Comments,
                          &Introspector::Grants,
                          &Introspector::DefaultPrivileges,
                          &Introspector::ExtensionMembers,
                          &Introspector::Uncovered,
                          &Introspector::Dependencies};
    for (Step step : steps) {
      core::Status s = (this->*step)();
      if (!s.ok()) return s;
    }
    return {};
  }

  core::Error Fail(const std::string& what, const core::Error& e) {
    core::ExitCode code =
        e.code == core::kExitEnvironment ? core::kExitEnvironment : core::kExitFatal;
    return core::Error(code, "cannot read the " + what + " of the database: " + e.message);
  }

  core::Result<QueryResult> Run(const std::string& what, const std::string& sql) {
    core::Result<QueryResult> r = conn_.Query(sql);
    if (!r) return Fail(what, r.error());
    return r;
  }

  void AddOwner(const std::string& key, const std::string& target, const std::string& owner,
                const std::string& owner_q) {
    if (owner.empty()) return;
    CatalogOwner o;
    o.key = "owner of " + key;
    o.object_key = key;
    o.parent = key;
    o.owner = owner;
    o.definition = "ALTER " + target + " OWNER TO " + owner_q;
    cat_.owners.push_back(std::move(o));
  }

  std::string SqlOwner(const std::string& expr) {
    return "pg_get_userbyid(" + expr + ") AS owner, quote_ident(pg_get_userbyid(" + expr +
           ")) AS owner_q";
  }

  core::Status Schemas() {
    core::Result<QueryResult> r = Run(
        "schemas", "SELECT n.oid, n.nspname AS name, quote_ident(n.nspname) AS q, " +
                       SqlOwner("n.nspowner") + " FROM pg_namespace n WHERE " + UserSchema("n") +
                       " AND " + NotInExtension("pg_namespace", "n.oid") + " ORDER BY n.nspname");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogSchema s;
      s.name = row.Str("name");
      s.owner = row.Str("owner");
      s.key = "schema " + s.name;
      s.definition = "CREATE SCHEMA " + row.Str("q");
      std::string target = "SCHEMA " + row.Str("q");
      addr_[{kPgNamespace, row.Oid("oid"), 0}] = {s.key, target};
      AddOwner(s.key, target, s.owner, row.Str("owner_q"));
      cat_.schemas.push_back(std::move(s));
    }
    return {};
  }

  core::Status Extensions() {
    core::Result<QueryResult> r =
        Run("extensions",
            "SELECT e.oid, e.extname AS name, quote_ident(e.extname) AS q, n.nspname AS schema, "
            "quote_ident(n.nspname) AS schema_q, e.extversion AS version FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace ORDER BY e.extname");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogExtension e;
      e.name = row.Str("name");
      e.schema = row.Str("schema");
      e.version = row.Str("version");
      e.key = "extension " + e.name;
      e.definition = "CREATE EXTENSION " + row.Str("q") + " SCHEMA " + row.Str("schema_q") +
                     " VERSION " + QuoteLiteral(e.version);
      addr_[{kPgExtension, row.Oid("oid"), 0}] = {e.key, "EXTENSION " + row.Str("q")};
      cat_.extensions.push_back(std::move(e));
    }
    return {};
  }

  // Sequences come first: identity sequences become part of their column's definition.
  core::Status Sequences() {
    core::Result<QueryResult> r = Run(
        "sequences",
        "SELECT c.oid, n.nspname AS schema, c.relname AS name, "
        "quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q, "
        "format_type(s.seqtypid, NULL) AS type, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, "
        "s.seqcache, s.seqcycle, " +
            SqlOwner("c.relowner") +
            ", d.deptype AS dep, d.refobjid AS dep_rel, d.refobjsubid AS dep_att, "
            "CASE WHEN d.refobjid IS NOT NULL THEN d.refobjid::regclass::text || '.' || "
            "quote_ident(a.attname) END AS owned_by "
            "FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid "
            "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "AND d.refobjsubid > 0 "
            "LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
            "WHERE " +
            UserSchema("n") + " AND " + NotInExtension("pg_class", "c.oid") + " ORDER BY 2, 3");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogSequence s;
      s.schema = row.Str("schema");
      s.name = row.Str("name");
      s.qualified = row.Str("q");
      s.type = row.Str("type");
      s.start = row.Int("seqstart");
      s.increment = row.Int("seqincrement");
      s.min_value = row.Int("seqmin");
      s.max_value = row.Int("seqmax");
      s.cache = row.Int("seqcache");
      s.cycle = row.Bool("seqcycle");
      s.owner = row.Str("owner");
      std::string options =
          "START WITH " + std::to_string(s.start) + " INCREMENT BY " + std::to_string(s.increment) +
          " MINVALUE " + std::to_string(s.min_value) + " MAXVALUE " + std::to_string(s.max_value) +
          " CACHE " + std::to_string(s.cache) + (s.cycle ? " CYCLE" : "");
      Addr seq_addr{kPgClass, row.Oid("oid"), 0};
      if (row.Str("dep") == "i") {
        Addr column{kPgClass, row.Oid("dep_rel"), static_cast<int>(row.Int("dep_att"))};
        identity_options_[column] = options;
        continue;
      }
      s.owned_by = row.Str("owned_by");
      s.key = "sequence " + s.schema + "." + s.name;
      s.definition = "CREATE SEQUENCE " + s.qualified + " AS " + s.type + " " + options +
                     Suffix(" OWNED BY ", s.owned_by);
      std::string target = "SEQUENCE " + s.qualified;
      addr_[seq_addr] = {s.key, target};
      AddOwner(s.key, target, s.owner, row.Str("owner_q"));
      cat_.sequences.push_back(std::move(s));
    }
    return {};
  }

  core::Status Tables() {
    core::Result<QueryResult> r = Run(
        "tables",
        "SELECT c.oid, n.nspname AS schema, c.relname AS name, "
        "quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q, c.relkind, "
        "c.relpersistence, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS "
        "partkey, c.relispartition, pg_get_expr(c.relpartbound, c.oid) AS bound, "
        "(SELECT string_agg(p.oid::regclass::text, ', ' ORDER BY i.inhseqno) FROM pg_inherits i "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid) AS parents, "
        "array_to_string(c.reloptions, ', ') AS options, "
        "(SELECT a.amname FROM pg_am a WHERE a.oid = c.relam AND a.amname <> 'heap') AS am, "
        "(SELECT quote_ident(t.spcname) FROM pg_tablespace t WHERE t.oid = c.reltablespace) AS "
        "tablespace, c.relreplident, "
        "(SELECT quote_ident(ic.relname) FROM pg_index i JOIN pg_class ic ON ic.oid = "
        "i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident) AS replident_index, "
        "c.relrowsecurity, c.relforcerowsecurity, " +
            SqlOwner("c.relowner") +
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND " +
            UserSchema("n") + " AND " + NotInExtension("pg_class", "c.oid") + " ORDER BY 2, 3");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogTable t;
      t.schema = row.Str("schema");
      t.name = row.Str("name");
      t.qualified = row.Str("q");
      t.partitioned = row.Char("relkind") == 'p';
      t.unlogged = row.Char("relpersistence") == 'u';
      t.partition_key = row.Str("partkey");
      std::string parents = row.Str("parents");
      if (row.Bool("relispartition")) {
        t.partition_of = parents;
        t.partition_bound = row.Str("bound");
      } else if (!parents.empty()) {
        size_t start = 0;
        for (;;) {
          size_t comma = parents.find(", ", start);
          t.inherits.push_back(parents.substr(start, comma - start));
          if (comma == std::string::npos) break;
          start = comma + 2;
        }
      }
      t.options = row.Str("options");
      t.access_method = row.Str("am");
      t.tablespace = row.Str("tablespace");
      switch (row.Char("relreplident")) {
        case 'f':
          t.replica_identity = "FULL";
          break;
        case 'n':
          t.replica_identity = "NOTHING";
          break;
        case 'i':
          t.replica_identity = "USING INDEX " + row.Str("replident_index");
          break;
        default:
          break;
      }
      t.row_security = row.Bool("relrowsecurity");
      t.force_row_security = row.Bool("relforcerowsecurity");
      t.owner = row.Str("owner");
      t.key = "table " + t.schema + "." + t.name;
      std::string def =
          std::string("CREATE ") + (t.unlogged ? "UNLOGGED " : "") + "TABLE " + t.qualified;
      if (!t.partition_of.empty()) {
        def += " PARTITION OF " + t.partition_of + " " + t.partition_bound;
      } else if (!t.inherits.empty()) {
        def += " INHERITS (" + Join(t.inherits, ", ") + ")";
      }
      def += Suffix(" PARTITION BY ", t.partition_key) + Suffix(" USING ", t.access_method);
      if (!t.options.empty()) def += " WITH (" + t.options + ")";
      def += Suffix(" TABLESPACE ", t.tablespace);
      if (!t.replica_identity.empty()) {
        def += "; ALTER TABLE " + t.qualified + " REPLICA IDENTITY " + t.replica_identity;
      }
      if (t.row_security) def += "; ALTER TABLE " + t.qualified + " ENABLE ROW LEVEL SECURITY";
      if (t.force_row_security) {
        def += "; ALTER TABLE " + t.qualified + " FORCE ROW LEVEL SECURITY";
      }
      t.definition = def;
      std::string target = "TABLE " + t.qualified;
      Addr a{kPgClass, row.Oid("oid"), 0};
      addr_[a] = {t.key, target};
      table_index_[a.objid] = cat_.tables.size();
      AddOwner(t.key, target, t.owner, row.Str("owner_q"));
      cat_.tables.push_back(std::move(t));
    }
    return {};
  }

  core::Status Types() {
    bool multirange = cat_.server_version >= 140000;
    core::Result<QueryResult> r = Run(
        "types",
        "SELECT t.oid, n.nspname AS schema, t.typname AS name, "
        "quote_ident(n.nspname) || '.' || quote_ident(t.typname) AS q, t.typtype, t.typrelid, " +
            SqlOwner("t.typowner") +
            ", (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) "
            "FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels_q, "
            "(SELECT string_agg(e.enumlabel, chr(31) ORDER BY e.enumsortorder) FROM pg_enum e "
            "WHERE e.enumtypid = t.oid) AS labels, "
            "format_type(r.rngsubtype, NULL) AS subtype, "
            "CASE WHEN NOT oc.opcdefault THEN quote_ident(ocn.nspname) || '.' || "
            "quote_ident(oc.opcname) END AS opclass, "
            "CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN "
            "quote_ident(rcn.nspname) || '.' || quote_ident(rc.collname) END AS collation, "
            "CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::text END AS canonical, "
            "CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::text END AS subdiff, " +
            (multirange ? "format_type(r.rngmultitypid, NULL)" : "NULL") +
            " AS multirange "
            "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "LEFT JOIN pg_range r ON r.rngtypid = t.oid "
            "LEFT JOIN pg_opclass oc ON oc.oid = r.rngsubopc "
            "LEFT JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace "
            "LEFT JOIN pg_type st ON st.oid = r.rngsubtype "
            "LEFT JOIN pg_collation rc ON rc.oid = r.rngcollation "
            "LEFT JOIN pg_namespace rcn ON rcn.oid = rc.collnamespace "
            "WHERE t.typtype IN ('e', 'c', 'r') AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM "
            "pg_class k WHERE k.oid = t.typrelid AND k.relkind = 'c')) AND " +
            UserSchema("n") + " AND " + NotInExtension("pg_type", "t.oid") + " ORDER BY 2, 3");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogType t;
      t.schema = row.Str("schema");
      t.name = row.Str("name");
      t.qualified = row.Str("q");
      t.kind = row.Char("typtype");
      t.owner = row.Str("owner");
      t.key = "type " + t.schema + "." + t.name;
      if (t.kind == 'e') {
        t.labels = SplitList(row.Str("labels"));
        t.definition = "CREATE TYPE " + t.qualified + " AS ENUM (" + row.Str("labels_q") + ")";
      } else if (t.kind == 'r') {
        std::vector<std::string> opts = {"SUBTYPE = " + row.Str("subtype")};
        if (!row.Null("opclass")) opts.push_back("SUBTYPE_OPCLASS = " + row.Str("opclass"));
        if (!row.Null("collation")) opts.push_back("COLLATION = " + row.Str("collation"));
        if (!row.Null("canonical")) opts.push_back("CANONICAL = " + row.Str("canonical"));
        if (!row.Null("subdiff")) opts.push_back("SUBTYPE_DIFF = " + row.Str("subdiff"));
        if (!row.Null("multirange")) {
          opts.push_back("MULTIRANGE_TYPE_NAME = " + row.Str("multirange"));
        }
        t.definition = "CREATE TYPE " + t.qualified + " AS RANGE (" + Join(opts, ", ") + ")";
      } else {
        composite_index_[row.Oid("typrelid")] = cat_.types.size();  // definition after Columns
      }
      std::string target = "TYPE " + t.qualified;
      addr_[{kPgType, row.Oid("oid"), 0}] = {t.key, target};
      if (t.kind == 'c') alias_[{kPgClass, row.Oid("typrelid"), 0}] = {kPgType, row.Oid("oid"), 0};
      AddOwner(t.key, target, t.owner, row.Str("owner_q"));
      cat_.types.push_back(std::move(t));
    }
    return {};
  }

  core::Status Columns() {
    bool compression = cat_.server_version >= 140000;
    core::Result<QueryResult> r = Run(
        "columns",
        "SELECT a.attrelid AS relid, c.relkind, a.attnum, "
        "row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS position, "
        "a.attname AS name, quote_ident(a.attname) AS q, "
        "format_type(a.atttypid, a.atttypmod) AS type, "
        "CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN CASE WHEN "
        "cn.nspname = 'pg_catalog' THEN quote_ident(co.collname) ELSE quote_ident(cn.nspname) || "
        "'.' || quote_ident(co.collname) END END AS collation, "
        "pg_get_expr(ad.adbin, ad.adrelid) AS default_expr, a.attnotnull, a.attidentity, "
        "a.attgenerated, (NOT a.attislocal OR a.attinhcount > 0) AS inherited, "
        "a.attstattarget, CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END AS "
        "storage, " +
            std::string(compression ? "NULLIF(a.attcompression, '')::text" : "NULL") +
            // pg_attver is the server's own bookkeeping (PostgreSQL 15.20 and later set it on
            // columns whose type changed); pg_dump leaves it out, so does the model.
            " AS compression, array_to_string(ARRAY(SELECT o FROM unnest(a.attoptions) o "
            "WHERE o NOT LIKE 'pg\\_attver=%'), ', ') AS options "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_type t ON t.oid = a.atttypid "
            "LEFT JOIN pg_collation co ON co.oid = a.attcollation "
            "LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace "
            "LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
            "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'c', 'v', 'm') "
            "AND " +
            UserSchema("n") + " AND " + NotInExtension("pg_class", "c.oid") +
            " ORDER BY a.attrelid, a.attnum");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      unsigned long long relid = row.Oid("relid");
      CatalogColumn col;
      col.name = row.Str("name");
      col.position = static_cast<int>(row.Int("position"));
      col.type = row.Str("type");
      col.collation = row.Str("collation");
      col.default_expr = row.Str("default_expr");
      col.not_null = row.Bool("attnotnull");
      col.identity = row.Char("attidentity");
      col.generated = row.Char("attgenerated") == 's' ? col.default_expr : std::string();
      if (!col.generated.empty()) col.default_expr.clear();
      col.inherited = row.Bool("inherited");
      col.statistics = row.Null("attstattarget") ? -1 : static_cast<int>(row.Int("attstattarget"));
      col.storage = StorageName(row.Char("storage"));
      col.compression = row.Str("compression") == "p"   ? "pglz"
                        : row.Str("compression") == "l" ? "lz4"
                                                        : row.Str("compression");
      col.options = row.Str("options");
      Addr addr{kPgClass, relid, static_cast<int>(row.Int("attnum"))};
      if (col.identity != 0) {
        auto it = identity_options_.find(addr);
        if (it != identity_options_.end()) col.identity_options = it->second;
      }
      std::string def = row.Str("q") + " " + col.type + Suffix(" COLLATE ", col.collation);
      if (col.identity != 0) {
        def += std::string(" GENERATED ") + (col.identity == 'a' ? "ALWAYS" : "BY DEFAULT") +
               " AS IDENTITY";
        if (!col.identity_options.empty()) def += " (" + col.identity_options + ")";
      }
      if (!col.generated.empty()) def += " GENERATED ALWAYS AS (" + col.generated + ") STORED";
      if (col.not_null) def += " NOT NULL";
      def += Suffix(" DEFAULT ", col.default_expr) + Suffix(" STORAGE ", col.storage) +
             Suffix(" COMPRESSION ", col.compression);
      if (col.statistics >= 0) def += " STATISTICS " + std::to_string(col.statistics);
      if (!col.options.empty()) def += " OPTIONS (" + col.options + ")";
      col.definition = def;

      char relkind = row.Char("relkind");
      if (relkind != 'r' && relkind != 'p') {
        // Attributes of composite types and columns of views are part of their object's
        // definition; they are known here only so comments and grants on them can be named.
        auto owner = addr_.find({kPgClass, relid, 0});
        if (auto alias = alias_.find({kPgClass, relid, 0}); alias != alias_.end()) {
          owner = addr_.find(alias->second);  // a composite type's relation
        }
        if (owner != addr_.end()) {
          std::string relation = owner->second.key.substr(owner->second.key.find(' ') + 1);
          std::string target = owner->second.target.substr(owner->second.target.rfind(' ') + 1);
          if (relkind == 'm') relation = owner->second.key.substr(18);
          named_[addr] = {"column " + relation + "." + col.name,
                          "COLUMN " + target + "." + row.Str("q")};
          column_q_[addr] = row.Str("q");
        }
        auto it = composite_index_.find(relid);
        if (relkind == 'c' && it != composite_index_.end()) {
          cat_.types[it->second].attributes.push_back(col);
        }
        continue;
      }
      auto it = table_index_.find(relid);
      if (it == table_index_.end()) continue;
      CatalogTable& table = cat_.tables[it->second];
      col.key = "column " + table.schema + "." + table.name + "." + col.name;
      col.parent = table.key;
      addr_[addr] = {col.key, "COLUMN " + table.qualified + "." + row.Str("q")};
      column_q_[addr] = row.Str("q");
      table.columns.push_back(std::move(col));
    }
    // Composite types get their definition now that their attributes are known.
    for (CatalogType& t : cat_.types) {
      if (t.kind != 'c') continue;
      std::vector<std::string> attrs;
      for (const CatalogColumn& a : t.attributes) {
        // An attribute has only a name, a type and a collation.
        size_t cut = a.definition.find(" GENERATED ");
        attrs.push_back(cut == std::string::npos ? a.definition : a.definition.substr(0, cut));
      }
      t.definition = "CREATE TYPE " + t.qualified + " AS (" + Join(attrs, ", ") + ")";
    }
    return {};
  }

  core::Status Constraints() {
    core::Result<QueryResult> r = Run(
        "constraints",
        "SELECT con.oid, n.nspname AS schema, c.relname AS table_name, "
        "quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table_q, con.conname AS name, "
        "quote_ident(con.conname) AS q, con.contype, pg_get_constraintdef(con.oid) AS def, "
        "con.condeferrable, con.condeferred, con.convalidated, "
        "(con.conparentid <> 0 OR NOT con.conislocal) AS inherited, "
        "CASE WHEN con.contype = 'f' THEN con.confrelid::regclass::text END AS ref_table, "
        "CASE WHEN con.contype IN ('p', 'u', 'x') THEN con.conindid END AS index_oid, "
        "CASE WHEN con.contype IN ('p', 'u', 'x') THEN (SELECT quote_ident(i.relname) FROM "
        "pg_class i WHERE i.oid = con.conindid) END AS index_q, "
        "CASE WHEN con.contype IN ('p', 'u', 'x') THEN (SELECT i.relname FROM pg_class i WHERE "
        "i.oid = con.conindid) END AS index_name, quote_ident(n.nspname) AS schema_q, "
        "(SELECT string_agg(a.attname, chr(31) ORDER BY k.ord) FROM unnest(con.conkey) WITH "
        "ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid AND "
        "a.attnum = k.attnum) AS columns "
        "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND c.relkind IN ('r', 'p') AND " +
            UserSchema("n") + " AND " + NotInExtension("pg_constraint", "con.oid") + " AND " +
            NotInExtension("pg_class", "c.oid") + " ORDER BY 2, 3, con.conname");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogConstraint c;
      c.schema = row.Str("schema");
      c.table = row.Str("table_name");
      c.table_qualified = row.Str("table_q");
      c.name = row.Str("name");
      c.type = row.Char("contype");
      c.definition = row.Str("def");
      c.columns = SplitList(row.Str("columns"));
      c.referenced_table = row.Str("ref_table");
      c.deferrable = row.Bool("condeferrable");
      c.deferred = row.Bool("condeferred");
      c.validated = row.Bool("convalidated");
      c.inherited = row.Bool("inherited");
      c.index = row.Str("index_q");
      c.key = "constraint " + c.schema + "." + c.table + "." + c.name;
      c.parent = "table " + c.schema + "." + c.table;
      Addr a{kPgConstraint, row.Oid("oid"), 0};
      addr_[a] = {c.key, "CONSTRAINT " + row.Str("q") + " ON " + c.table_qualified};
      if (!row.Null("index_oid")) {
        Addr index{kPgClass, row.Oid("index_oid"), 0};
        alias_[index] = a;  // what depends on the index depends on the constraint
        named_[index] = {"index " + c.schema + "." + row.Str("index_name"),
                         "INDEX " + row.Str("schema_q") + "." + c.index};
      }
      cat_.constraints.push_back(std::move(c));
    }
    return {};
  }

  core::Status Indexes() {
    core::Result<QueryResult> r = Run(
        "indexes",
        "SELECT i.indexrelid AS oid, n.nspname AS schema, ic.relname AS name, "
        "quote_ident(n.nspname) || '.' || quote_ident(ic.relname) AS q, tc.relname AS "
        "table_name, tc.relkind, pg_get_indexdef(i.indexrelid) AS def, i.indisunique, "
        "i.indisvalid, "
        "(SELECT p.inhparent::regclass::text FROM pg_inherits p WHERE p.inhrelid = "
        "i.indexrelid) AS parent, (SELECT quote_ident(t.spcname) FROM pg_tablespace t WHERE "
        "t.oid = ic.reltablespace) AS tablespace "
        "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
        "JOIN pg_class tc ON tc.oid = i.indrelid JOIN pg_namespace n ON n.oid = ic.relnamespace "
        "WHERE tc.relkind IN ('r', 'p', 'm') AND " +
            UserSchema("n") + " AND " + NotInExtension("pg_class", "ic.oid") + " AND " +
            NotInExtension("pg_class", "tc.oid") +
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND "
            "k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) ORDER BY 2, 3");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogIndex x;
      x.schema = row.Str("schema");
      x.name = row.Str("name");
      x.qualified = row.Str("q");
      x.table = row.Str("table_name");
      x.unique = row.Bool("indisunique");
      x.valid = row.Bool("indisvalid");
      x.attached_to = row.Str("parent");
      x.tablespace = row.Str("tablespace");
      x.key = "index " + x.schema + "." + x.name;
      x.parent = RelationKind(row.Char("relkind")) + " " + x.schema + "." + x.table;
      x.definition =
          row.Str("def") + Suffix(" TABLESPACE ", x.tablespace) + (x.valid ? "" : " -- invalid");
      addr_[{kPgClass, row.Oid("oid"), 0}] = {x.key, "INDEX " + x.qualified};
      cat_.indexes.push_back(std::move(x));
    }
    return {};
  }

  core::Status Views() {
    core::Result<QueryResult> r =
        Run("views",
            "SELECT c.oid, n.nspname AS schema, c.relname AS name, "
            "quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q, c.relkind, "
            "pg_get_viewdef(c.oid) AS query, array_to_string(c.reloptions, ', ') AS options, "
            "(SELECT a.amname FROM pg_am a WHERE a.oid = c.relam AND a.amname <> 'heap') AS am, "
            "c.relispopulated, " +
                SqlOwner("c.relowner") +
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('v', 'm') AND " +
                UserSchema("n") + " AND " + NotInExtension("pg_class", "c.oid") + " ORDER BY 2, 3");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogView v;
      v.schema = row.Str("schema");
      v.name = row.Str("name");
      v.qualified = row.Str("q");
      v.materialized = row.Char("relkind") == 'm';
      v.query = StripSemicolon(row.Str("query"));
      v.options = row.Str("options");
      v.access_method = row.Str("am");
      v.populated = row.Bool("relispopulated");
      v.owner = row.Str("owner");
      std::string kind = v.materialized ? "materialized view" : "view";
      std::string kind_sql = v.materialized ? "MATERIALIZED VIEW" : "VIEW";
      v.key = kind + " " + v.schema + "." + v.name;
      std::string def =
          "CREATE " + kind_sql + " " + v.qualified + Suffix(" USING ", v.access_method);
      if (!v.options.empty()) def += " WITH (" + v.options + ")";
      def += " AS " + v.query;
      if (v.materialized && !v.populated) def += " WITH NO DATA";
      v.definition = def;
      std::string target = kind_sql + " " + v.qualified;
      addr_[{kPgClass, row.Oid("oid"), 0}] = {v.key, target};
      AddOwner(v.key, target, v.owner, row.Str("owner_q"));
      cat_.views.push_back(std::move(v));
    }
    return {};
  }

  core::Status Routines() {
    // Argument types the way sql/ writes them in keys: the internal name of a built-in type,
    // schema.name otherwise, "[]" for arrays.
    const std::string type_name =
        "CASE WHEN %n.nspname = 'pg_catalog' THEN %t.typname ELSE %n.nspname || '.' || "
        "%t.typname END";
    auto name_of = [&](const std::string& t, const std::string& n) {
      std::string s = type_name;
      for (size_t p; (p = s.find("%t")) != std::string::npos;) s.replace(p, 2, t);
      for (size_t p; (p = s.find("%n")) != std::string::npos;) s.replace(p, 2, n);
      return s;
    };
    core::Result<QueryResult> r =
        Run("functions",
            "SELECT p.oid, n.nspname AS schema, p.proname AS name, "
            "quote_ident(n.nspname) || '.' || quote_ident(p.proname) AS q, p.prokind, "
            "pg_get_function_identity_arguments(p.oid) AS identity_args, "
            "pg_get_function_arguments(p.oid) AS args, "
            "(SELECT string_agg(CASE WHEN et.oid IS NOT NULL THEN " +
                name_of("et", "etn") + " || '[]' ELSE " + name_of("t", "tn") +
                " END, ', ' ORDER BY a.ord) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY "
                "a(typ, ord) JOIN pg_type t ON t.oid = a.typ JOIN pg_namespace tn ON tn.oid = "
                "t.typnamespace LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' "
                "LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace) AS signature, "
                "CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS def, "
                "ag.aggtransfn::text AS sfunc, format_type(ag.aggtranstype, NULL) AS stype, "
                "CASE WHEN ag.aggfinalfn <> 0 THEN ag.aggfinalfn::text END AS finalfunc, "
                "ag.aggfinalextra, ag.aggfinalmodify, ag.agginitval, "
                "CASE WHEN ag.aggcombinefn <> 0 THEN ag.aggcombinefn::text END AS combinefunc, "
                "CASE WHEN ag.aggserialfn <> 0 THEN ag.aggserialfn::text END AS serialfunc, "
                "CASE WHEN ag.aggdeserialfn <> 0 THEN ag.aggdeserialfn::text END AS deserialfunc, "
                "CASE WHEN ag.aggmtransfn <> 0 THEN ag.aggmtransfn::text END AS msfunc, "
                "CASE WHEN ag.aggminvtransfn <> 0 THEN ag.aggminvtransfn::text END AS minvfunc, "
                "CASE WHEN ag.aggmtranstype <> 0 THEN format_type(ag.aggmtranstype, NULL) END AS "
                "mstype, ag.aggminitval, "
                "CASE WHEN ag.aggmfinalfn <> 0 THEN ag.aggmfinalfn::text END AS mfinalfunc, "
                "CASE WHEN ag.aggsortop <> 0 THEN ag.aggsortop::regoperator::text END AS sortop, "
                "ag.aggkind, p.proparallel, " +
                SqlOwner("p.proowner") +
                " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid WHERE " +
                UserSchema("n") + " AND " + NotInExtension("pg_proc", "p.oid") + " AND " +
                NotInternal("pg_proc", "p.oid") + " ORDER BY 2, 3, 6");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogRoutine f;
      f.schema = row.Str("schema");
      f.name = row.Str("name");
      f.kind = row.Char("prokind");
      f.signature = row.Str("signature");
      f.identity_arguments = row.Str("identity_args");
      f.owner = row.Str("owner");
      std::string q = row.Str("q");
      std::string kind = f.kind == 'p' ? "procedure" : f.kind == 'a' ? "aggregate" : "function";
      if (f.kind == 'a' && f.signature.empty()) f.signature = "*";
      f.key = kind + " " + f.schema + "." + f.name + "(" + f.signature + ")";
      if (f.kind == 'a') {
        std::string args = row.Str("args");
        f.target = "AGGREGATE " + q + "(" +
                   (f.identity_arguments.empty() ? "*" : f.identity_arguments) + ")";
        std::vector<std::string> opts = {"SFUNC = " + row.Str("sfunc"),
                                         "STYPE = " + row.Str("stype")};
        if (!row.Null("finalfunc")) {
          opts.push_back("FINALFUNC = " + row.Str("finalfunc"));
          if (row.Bool("aggfinalextra")) opts.push_back("FINALFUNC_EXTRA");
          char m = row.Char("aggfinalmodify");
          opts.push_back(std::string("FINALFUNC_MODIFY = ") + (m == 's'   ? "SHAREABLE"
                                                               : m == 'w' ? "READ_WRITE"
                                                                          : "READ_ONLY"));
        }
        if (!row.Null("agginitval"))
          opts.push_back("INITCOND = " + QuoteLiteral(row.Str("agginitval")));
        if (!row.Null("combinefunc")) opts.push_back("COMBINEFUNC = " + row.Str("combinefunc"));
        if (!row.Null("serialfunc")) opts.push_back("SERIALFUNC = " + row.Str("serialfunc"));
        if (!row.Null("deserialfunc")) {
          opts.push_back("DESERIALFUNC = " + row.Str("deserialfunc"));
        }
        if (!row.Null("msfunc")) {
          opts.push_back("MSFUNC = " + row.Str("msfunc"));
          opts.push_back("MINVFUNC = " + row.Str("minvfunc"));
          opts.push_back("MSTYPE = " + row.Str("mstype"));
          if (!row.Null("mfinalfunc")) opts.push_back("MFINALFUNC = " + row.Str("mfinalfunc"));
          if (!row.Null("aggminitval")) {
            opts.push_back("MINITCOND = " + QuoteLiteral(row.Str("aggminitval")));
          }
        }
        if (!row.Null("sortop")) opts.push_back("SORTOP = " + row.Str("sortop"));
        if (row.Char("aggkind") == 'h') opts.push_back("HYPOTHETICAL");
        char par = row.Char("proparallel");
        if (par == 's') opts.push_back("PARALLEL = SAFE");
        if (par == 'r') opts.push_back("PARALLEL = RESTRICTED");
        f.definition = "CREATE AGGREGATE " + q + "(" + (args.empty() ? "*" : args) + ") (" +
                       Join(opts, ", ") + ")";
      } else {
        f.target = std::string(f.kind == 'p' ? "PROCEDURE " : "FUNCTION ") + q + "(" +
                   f.identity_arguments + ")";
        f.definition = StripSemicolon(row.Str("def"));
      }
      addr_[{kPgProc, row.Oid("oid"), 0}] = {f.key, f.target};
      AddOwner(f.key, f.target, f.owner, row.Str("owner_q"));
      cat_.routines.push_back(std::move(f));
    }
    return {};
  }

  core::Status Triggers() {
    bool parentid = cat_.server_version >= 130000;
    core::Result<QueryResult> r = Run(
        "triggers",
        "SELECT t.oid, n.nspname AS schema, c.relname AS table_name, "
        "quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table_q, t.tgname AS name, "
        "quote_ident(t.tgname) AS q, pg_get_triggerdef(t.oid) AS def, t.tgenabled, c.relkind, " +
            std::string(parentid ? "t.tgparentid <> 0" : "false") +
            " AS inherited FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND " +
            UserSchema("n") + " AND " + NotInExtension("pg_trigger", "t.oid") + " AND " +
            NotInExtension("pg_class", "c.oid") + " ORDER BY 2, 3, 5");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogTrigger t;
      t.schema = row.Str("schema");
      t.table = row.Str("table_name");
      t.name = row.Str("name");
      t.enabled = row.Char("tgenabled");
      t.inherited = row.Bool("inherited");
      t.key = "trigger " + t.schema + "." + t.table + "." + t.name;
      t.parent = RelationKind(row.Char("relkind")) + " " + t.schema + "." + t.table;
      std::string table_q = row.Str("table_q");
      std::string def = row.Str("def");
      const char* state = t.enabled == 'D'   ? " DISABLE TRIGGER "
                          : t.enabled == 'R' ? " ENABLE REPLICA TRIGGER "
                          : t.enabled == 'A' ? " ENABLE ALWAYS TRIGGER "
                                             : nullptr;
      if (state) def += "; ALTER TABLE " + table_q + state + row.Str("q");
      t.definition = def;
      addr_[{kPgTrigger, row.Oid("oid"), 0}] = {t.key,
                                                "TRIGGER " + row.Str("q") + " ON " + table_q};
      cat_.triggers.push_back(std::move(t));
    }
    return {};
  }

  core::Status Domains() {
    core::Result<QueryResult> r = Run(
        "domains",
        "SELECT t.oid, n.nspname AS schema, t.typname AS name, "
        "quote_ident(n.nspname) || '.' || quote_ident(t.typname) AS q, "
        "format_type(t.typbasetype, t.typtypmod) AS base, "
        "CASE WHEN t.typcollation <> bt.typcollation AND t.typcollation <> 0 THEN CASE WHEN "
        "cn.nspname = 'pg_catalog' THEN quote_ident(co.collname) ELSE quote_ident(cn.nspname) || "
        "'.' || quote_ident(co.collname) END END AS collation, "
        "pg_get_expr(t.typdefaultbin, 0) AS default_expr, t.typnotnull, " +
            SqlOwner("t.typowner") +
            ", (SELECT string_agg('CONSTRAINT ' || quote_ident(k.conname) || ' ' || "
            "pg_get_constraintdef(k.oid), chr(31) ORDER BY k.conname) FROM pg_constraint k "
            "WHERE k.contypid = t.oid AND k.contype = 'c') AS constraints "
            "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "JOIN pg_type bt ON bt.oid = t.typbasetype "
            "LEFT JOIN pg_collation co ON co.oid = t.typcollation "
            "LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace "
            "WHERE t.typtype = 'd' AND " +
            UserSchema("n") + " AND " + NotInExtension("pg_type", "t.oid") + " ORDER BY 2, 3");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogDomain d;
      d.schema = row.Str("schema");
      d.name = row.Str("name");
      d.qualified = row.Str("q");
      d.base_type = row.Str("base");
      d.default_expr = row.Str("default_expr");
      d.not_null = row.Bool("typnotnull");
      d.constraints = SplitList(row.Str("constraints"));
      d.owner = row.Str("owner");
      d.key = "domain " + d.schema + "." + d.name;
      std::string def = "CREATE DOMAIN " + d.qualified + " AS " + d.base_type +
                        Suffix(" COLLATE ", row.Str("collation")) +
                        Suffix(" DEFAULT ", d.default_expr) + (d.not_null ? " NOT NULL" : "");
      for (const std::string& c : d.constraints) def += " " + c;
      d.definition = def;
      std::string target = "DOMAIN " + d.qualified;
      addr_[{kPgType, row.Oid("oid"), 0}] = {d.key, target};
      AddOwner(d.key, target, d.owner, row.Str("owner_q"));
      cat_.domains.push_back(std::move(d));
    }
    return {};
  }

  core::Status Policies() {
    const std::string roles =
        "(SELECT string_agg(x, %s ORDER BY x) FROM (SELECT CASE WHEN r = 0 THEN %p ELSE %f END "
        "AS x FROM unnest(pol.polroles) r) s)";
    auto role_list = [&](const char* sep, const char* pub, const char* fn) {
      std::string s = roles;
      s.replace(s.find("%s"), 2, sep);
      s.replace(s.find("%p"), 2, pub);
      s.replace(s.find("%f"), 2, fn);
      return s;
    };
    core::Result<QueryResult> r = Run(
        "policies",
        "SELECT pol.oid, n.nspname AS schema, c.relname AS table_name, "
        "quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table_q, pol.polname AS "
        "name, quote_ident(pol.polname) AS q, pol.polpermissive, pol.polcmd, " +
            role_list("chr(31)", "'public'", "pg_get_userbyid(r)::text") + " AS roles, " +
            role_list("', '", "'PUBLIC'", "quote_ident(pg_get_userbyid(r))") +
            " AS roles_q, pg_get_expr(pol.polqual, pol.polrelid) AS using_expr, "
            "pg_get_expr(pol.polwithcheck, pol.polrelid) AS check_expr "
            "FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " +
            UserSchema("n") + " AND " + NotInExtension("pg_class", "c.oid") + " ORDER BY 2, 3, 5");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogPolicy p;
      p.schema = row.Str("schema");
      p.table = row.Str("table_name");
      p.name = row.Str("name");
      p.permissive = row.Bool("polpermissive");
      switch (row.Char("polcmd")) {
        case 'r':
          p.command = "SELECT";
          break;
        case 'a':
          p.command = "INSERT";
          break;
        case 'w':
          p.command = "UPDATE";
          break;
        case 'd':
          p.command = "DELETE";
          break;
        default:
          p.command = "ALL";
      }
      p.roles = SplitList(row.Str("roles"));
      p.using_expr = row.Str("using_expr");
      p.check_expr = row.Str("check_expr");
      p.key = "policy " + p.schema + "." + p.table + "." + p.name;
      p.parent = "table " + p.schema + "." + p.table;
      std::string table_q = row.Str("table_q");
      p.definition = "CREATE POLICY " + row.Str("q") + " ON " + table_q + " AS " +
                     (p.permissive ? "PERMISSIVE" : "RESTRICTIVE") + " FOR " + p.command + " TO " +
                     row.Str("roles_q") +
                     (p.using_expr.empty() ? "" : " USING (" + p.using_expr + ")") +
                     (p.check_expr.empty() ? "" : " WITH CHECK (" + p.check_expr + ")");
      addr_[{kPgPolicy, row.Oid("oid"), 0}] = {p.key, "POLICY " + row.Str("q") + " ON " + table_q};
      cat_.policies.push_back(std::move(p));
    }
    return {};
  }

  core::Status Collations() {
    int v = cat_.server_version;
    std::string locale = v >= 170000   ? "co.colllocale"
                         : v >= 150000 ? "co.colliculocale"
                                       : "NULL::text";
    core::Result<QueryResult> r =
        Run("collations",
            "SELECT co.oid, n.nspname AS schema, co.collname AS name, "
            "quote_ident(n.nspname) || '.' || quote_ident(co.collname) AS q, co.collprovider, "
            "co.collcollate, co.collctype, " +
                locale + " AS locale, co.collisdeterministic, " + SqlOwner("co.collowner") +
                " FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE " +
                UserSchema("n") + " AND " + NotInExtension("pg_collation", "co.oid") +
                " ORDER BY 2, 3");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogCollation c;
      c.schema = row.Str("schema");
      c.name = row.Str("name");
      c.owner = row.Str("owner");
      c.key = "collation " + c.schema + "." + c.name;
      char provider = row.Char("collprovider");
      std::vector<std::string> opts = {std::string("PROVIDER = ") + (provider == 'i'   ? "icu"
                                                                     : provider == 'b' ? "builtin"
                                                                                       : "libc")};
      if (!row.Null("locale")) opts.push_back("LOCALE = " + QuoteLiteral(row.Str("locale")));
      if (!row.Null("collcollate") && !row.Str("collcollate").empty()) {
        opts.push_back("LC_COLLATE = " + QuoteLiteral(row.Str("collcollate")));
      }
      if (!row.Null("collctype") && !row.Str("collctype").empty()) {
        opts.push_back("LC_CTYPE = " + QuoteLiteral(row.Str("collctype")));
      }
      if (!row.Bool("collisdeterministic")) opts.push_back("DETERMINISTIC = false");
      c.definition = "CREATE COLLATION " + row.Str("q") + " (" + Join(opts, ", ") + ")";
      std::string target = "COLLATION " + row.Str("q");
      addr_[{kPgCollation, row.Oid("oid"), 0}] = {c.key, target};
      AddOwner(c.key, target, c.owner, row.Str("owner_q"));
      cat_.collations.push_back(std::move(c));
    }
    return {};
  }

  core::Status Rules() {
    core::Result<QueryResult> r = Run(
        "rules",
        "SELECT r.oid, n.nspname AS schema, c.relname AS table_name, "
        "quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table_q, r.rulename AS name, "
        "quote_ident(r.rulename) AS q, pg_get_ruledef(r.oid) AS def, c.relkind "
        "FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN' AND " +
            UserSchema("n") + " AND " + NotInExtension("pg_rewrite", "r.oid") + " AND " +
            NotInExtension("pg_class", "c.oid") + " ORDER BY 2, 3, 5");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogRule rule;
      rule.schema = row.Str("schema");
      rule.table = row.Str("table_name");
      rule.name = row.Str("name");
      rule.key = "rule " + rule.schema + "." + rule.table + "." + rule.name;
      rule.parent = RelationKind(row.Char("relkind")) + " " + rule.schema + "." + rule.table;
      rule.definition = StripSemicolon(row.Str("def"));
      addr_[{kPgRewrite, row.Oid("oid"), 0}] = {
          rule.key, "RULE " + row.Str("q") + " ON " + row.Str("table_q")};
      cat_.rules.push_back(std::move(rule));
    }
    return {};
  }

  core::Status Statistics() {
    core::Result<QueryResult> r =
        Run("statistics objects",
            "SELECT s.oid, n.nspname AS schema, s.stxname AS name, "
            "quote_ident(n.nspname) || '.' || quote_ident(s.stxname) AS q, "
            "pg_get_statisticsobjdef(s.oid) AS def, "
            // The definition lists plain columns by position; the same list by name makes it
            // independent of column order (which the statistics do not depend on).
            "(SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM "
            "unnest(s.stxkeys::int2[]) k JOIN pg_attribute a ON a.attrelid = s.stxrelid AND "
            "a.attnum = k) AS by_position, "
            "(SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attname) FROM "
            "unnest(s.stxkeys::int2[]) k JOIN pg_attribute a ON a.attrelid = s.stxrelid AND "
            "a.attnum = k) AS by_name FROM pg_statistic_ext s "
            "JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE " +
                UserSchema("n") + " AND " + NotInExtension("pg_statistic_ext", "s.oid") +
                " ORDER BY 2, 3");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogStatistics s;
      s.schema = row.Str("schema");
      s.name = row.Str("name");
      s.key = "statistics " + s.schema + "." + s.name;
      s.definition = row.Str("def");
      if (!row.Null("by_position")) {
        const std::string from = " ON " + row.Str("by_position");
        const size_t at = s.definition.find(from);
        if (at != std::string::npos)
          s.definition.replace(at, from.size(), " ON " + row.Str("by_name"));
      }
      addr_[{kPgStatisticExt, row.Oid("oid"), 0}] = {s.key, "STATISTICS " + row.Str("q")};
      cat_.statistics.push_back(std::move(s));
    }
    return {};
  }

  core::Status Comments() {
    core::Result<QueryResult> r =
        Run("comments",
            "SELECT d.classoid, d.objoid, d.objsubid, d.description FROM pg_description d "
            "WHERE d.classoid IN ('pg_namespace'::regclass, 'pg_extension'::regclass, "
            "'pg_class'::regclass, 'pg_constraint'::regclass, 'pg_proc'::regclass, "
            "'pg_trigger'::regclass, 'pg_type'::regclass, 'pg_policy'::regclass, "
            "'pg_collation'::regclass, 'pg_rewrite'::regclass, 'pg_statistic_ext'::regclass) "
            "AND (d.objoid >= 16384 OR d.classoid = 'pg_namespace'::regclass)");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      const AddrInfo* info = Named({static_cast<unsigned>(row.Oid("classoid")), row.Oid("objoid"),
                                    static_cast<int>(row.Int("objsubid"))});
      if (info == nullptr) continue;  // a comment on something outside the model
      CatalogComment c;
      c.object_key = info->key;
      c.parent = info->key;
      c.target = info->target;
      c.text = row.Str("description");
      c.key = "comment on " + c.object_key;
      c.definition = "COMMENT ON " + c.target + " IS " + QuoteLiteral(c.text);
      cat_.comments.push_back(std::move(c));
    }
    std::sort(cat_.comments.begin(), cat_.comments.end(),
              [](const CatalogComment& a, const CatalogComment& b) { return a.key < b.key; });
    return {};
  }

  // Privileges as differences from the defaults PostgreSQL assumes for a NULL ACL.
  core::Status Grants() {
    core::Result<QueryResult> r = Run(
        "privileges",
        "WITH objs(classid, objid, subid, defkind, owner, acl) AS ("
        " SELECT 'pg_class'::regclass::oid, c.oid, 0, CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' "
        "END::\"char\", c.relowner, c.relacl FROM pg_class c WHERE c.relacl IS NOT NULL AND "
        "c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.oid >= 16384"
        " UNION ALL SELECT 'pg_class'::regclass::oid, a.attrelid, a.attnum, 'c'::\"char\", "
        "c.relowner, a.attacl FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE "
        "a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND c.oid >= 16384"
        " UNION ALL SELECT 'pg_namespace'::regclass::oid, n.oid, 0, 'n'::\"char\", n.nspowner, "
        "n.nspacl FROM pg_namespace n WHERE n.nspacl IS NOT NULL"
        " UNION ALL SELECT 'pg_proc'::regclass::oid, p.oid, 0, 'f'::\"char\", p.proowner, "
        "p.proacl FROM pg_proc p WHERE p.proacl IS NOT NULL AND p.oid >= 16384"
        " UNION ALL SELECT 'pg_type'::regclass::oid, t.oid, 0, 'T'::\"char\", t.typowner, "
        "t.typacl FROM pg_type t WHERE t.typacl IS NOT NULL AND t.oid >= 16384), "
        "granted AS (SELECT o.classid, o.objid, o.subid, a.grantee, a.privilege_type, "
        "a.is_grantable FROM objs o, aclexplode(o.acl) a), "
        "defaults AS (SELECT o.classid, o.objid, o.subid, a.grantee, a.privilege_type, "
        "a.is_grantable FROM objs o, aclexplode(acldefault(o.defkind, o.owner)) a) "
        "SELECT DISTINCT false AS revoke, g.classid, g.objid, g.subid, g.grantee, "
        "g.privilege_type, g.is_grantable FROM granted g WHERE NOT EXISTS (SELECT 1 FROM "
        "defaults d WHERE d.classid = g.classid AND d.objid = g.objid AND d.subid = g.subid AND "
        "d.grantee = g.grantee AND d.privilege_type = g.privilege_type AND d.is_grantable = "
        "g.is_grantable) "
        "UNION SELECT true, d.classid, d.objid, d.subid, d.grantee, d.privilege_type, false "
        "FROM defaults d WHERE NOT EXISTS (SELECT 1 FROM granted g WHERE d.classid = g.classid "
        "AND d.objid = g.objid AND d.subid = g.subid AND d.grantee = g.grantee AND "
        "d.privilege_type = g.privilege_type)");
    if (!r) return r.error();
    // Role names for the grantees, quoted and not.
    core::Result<QueryResult> roles =
        Run("roles", "SELECT oid, rolname, quote_ident(rolname) AS q FROM pg_roles");
    if (!roles) return roles.error();
    std::map<unsigned long long, std::pair<std::string, std::string>> role_names;
    for (size_t i = 0; i < roles->rows.size(); ++i) {
      Row row(*roles, i);
      role_names[row.Oid("oid")] = {row.Str("rolname"), row.Str("q")};
    }
    // (object key, grantee, revoke) -> grant being assembled
    std::map<std::tuple<std::string, std::string, bool>, CatalogGrant> grants;
    std::map<std::tuple<std::string, std::string, bool>, std::string> grantee_q;
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      Addr a{static_cast<unsigned>(row.Oid("classid")), row.Oid("objid"),
             static_cast<int>(row.Int("subid"))};
      const AddrInfo* info = Named(a);
      if (info == nullptr) continue;
      unsigned long long grantee_oid = row.Oid("grantee");
      std::string grantee = "public", quoted = "PUBLIC";
      if (grantee_oid != 0) {
        auto role = role_names.find(grantee_oid);
        grantee = role != role_names.end() ? role->second.first
                                           : "unknown role " + std::to_string(grantee_oid);
        quoted = role != role_names.end() ? role->second.second : grantee;
      }
      bool revoke = row.Bool("revoke");
      auto k = std::make_tuple(info->key, grantee, revoke);
      CatalogGrant& g = grants[k];
      g.object_key = info->key;
      g.parent = info->key;
      g.grantee = grantee;
      g.revoke = revoke;
      g.target = info->target;
      if (a.classid == kPgClass && a.subid != 0) g.target = "COLUMN";  // resolved below
      std::string privilege = row.Str("privilege_type");
      if (std::find(g.privileges.begin(), g.privileges.end(), privilege) == g.privileges.end()) {
        g.privileges.push_back(privilege);
      }
      if (!revoke && row.Bool("is_grantable")) g.grantable.push_back(privilege);
      grantee_q[k] = quoted;
      if (a.classid == kPgClass && a.subid != 0) {
        column_grants_[k] = {a.objid, a.subid};
      }
    }
    for (auto& [k, g] : grants) {
      std::sort(g.privileges.begin(), g.privileges.end());
      std::sort(g.grantable.begin(), g.grantable.end());
      std::string target = g.target;
      std::string columns;
      auto col = column_grants_.find(k);
      if (col != column_grants_.end()) {
        // GRANT SELECT (email) ON TABLE public.users …
        const AddrInfo& table = addr_[{kPgClass, col->second.first, 0}];
        target = table.target;
        columns = " (" + column_q_[{kPgClass, col->second.first, col->second.second}] + ")";
      }
      // GRANT names every relation but a sequence TABLE, and an aggregate a ROUTINE.
      if (target.rfind("VIEW ", 0) == 0 || target.rfind("MATERIALIZED VIEW ", 0) == 0) {
        target = "TABLE " + target.substr(target.find("VIEW ") + 5);
      } else if (target.rfind("AGGREGATE ", 0) == 0) {
        target = "ROUTINE " + target.substr(10);
      }
      const std::string& who = grantee_q[k];
      std::string kind = g.object_key.substr(0, g.object_key.find(' '));
      std::string name = g.object_key.substr(g.object_key.find(' ') + 1);
      if (g.object_key.rfind("materialized view ", 0) == 0) {
        kind = "materialized view";
        name = g.object_key.substr(18);
      }
      if (g.revoke) {
        g.key = "revoke on " + kind + " " + name + " from " + g.grantee;
        std::vector<std::string> privs;
        for (const std::string& p : g.privileges) privs.push_back(p + columns);
        g.definition = "REVOKE " + Join(privs, ", ") + " ON " + target + " FROM " + who;
      } else {
        g.key = "grant on " + kind + " " + name + " to " + g.grantee;
        std::vector<std::string> plain, with_option;
        for (const std::string& p : g.privileges) {
          bool option = std::find(g.grantable.begin(), g.grantable.end(), p) != g.grantable.end();
          (option ? with_option : plain).push_back(p + columns);
        }
        std::string def;
        if (!plain.empty()) def = "GRANT " + Join(plain, ", ") + " ON " + target + " TO " + who;
        if (!with_option.empty()) {
          def += (def.empty() ? "" : "; ") + std::string("GRANT ") + Join(with_option, ", ") +
                 " ON " + target + " TO " + who + " WITH GRANT OPTION";
        }
        g.definition = def;
      }
      g.target = target;
      cat_.grants.push_back(std::move(g));
    }
    std::sort(cat_.grants.begin(), cat_.grants.end(),
              [](const CatalogGrant& a, const CatalogGrant& b) { return a.key < b.key; });
    return {};
  }

  core::Status DefaultPrivileges() {
    core::Result<QueryResult> r = Run(
        "default privileges",
        "WITH d AS (SELECT da.defaclrole, da.defaclnamespace, da.defaclobjtype, da.defaclacl, "
        "CASE WHEN da.defaclnamespace = 0 THEN acldefault(CASE da.defaclobjtype WHEN 'S' THEN "
        "'s' ELSE da.defaclobjtype END::\"char\", da.defaclrole) ELSE NULL::aclitem[] END AS "
        "base FROM pg_default_acl da), "
        "rows AS (SELECT false AS revoke, d.defaclrole, d.defaclnamespace, d.defaclobjtype, "
        "a.grantee, a.privilege_type FROM d, aclexplode(d.defaclacl) a WHERE NOT EXISTS "
        "(SELECT 1 FROM aclexplode(d.base) b WHERE b.grantee = a.grantee AND b.privilege_type = "
        "a.privilege_type) UNION SELECT true, d.defaclrole, d.defaclnamespace, d.defaclobjtype, "
        "b.grantee, b.privilege_type FROM d, aclexplode(d.base) b WHERE NOT EXISTS (SELECT 1 "
        "FROM aclexplode(d.defaclacl) a WHERE a.grantee = b.grantee AND a.privilege_type = "
        "b.privilege_type)) "
        "SELECT r.revoke, pg_get_userbyid(r.defaclrole) AS role, "
        "quote_ident(pg_get_userbyid(r.defaclrole)) AS role_q, n.nspname AS schema, "
        "quote_ident(n.nspname) AS schema_q, r.defaclobjtype AS objtype, "
        "CASE WHEN r.grantee = 0 THEN 'public' ELSE pg_get_userbyid(r.grantee)::text END AS "
        "grantee, CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid("
        "r.grantee)) END AS grantee_q, string_agg(r.privilege_type, ', ' ORDER BY "
        "r.privilege_type) AS privileges FROM rows r LEFT JOIN pg_namespace n ON n.oid = "
        "r.defaclnamespace GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 2, 4, 6, 7, 1");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      CatalogDefaultPrivilege p;
      p.revoke = row.Bool("revoke");
      p.role = row.Str("role");
      p.schema = row.Str("schema");
      switch (row.Char("objtype")) {
        case 'r':
          p.object_type = "TABLES";
          break;
        case 'S':
          p.object_type = "SEQUENCES";
          break;
        case 'f':
          p.object_type = "FUNCTIONS";
          break;
        case 'T':
          p.object_type = "TYPES";
          break;
        case 'n':
          p.object_type = "SCHEMAS";
          break;
        default:
          p.object_type = row.Str("objtype");
      }
      p.grantee = row.Str("grantee");
      std::string privileges = row.Str("privileges");
      for (size_t start = 0;;) {
        size_t comma = privileges.find(", ", start);
        p.privileges.push_back(privileges.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 2;
      }
      std::string lower;
      for (char c : p.object_type) lower += static_cast<char>(std::tolower(c));
      p.key = std::string(p.revoke ? "default privileges revoked for role "
                                   : "default privileges for role ") +
              p.role + (p.schema.empty() ? "" : " in schema " + p.schema) + " on " + lower +
              (p.revoke ? " from " : " to ") + p.grantee;
      p.definition = "ALTER DEFAULT PRIVILEGES FOR ROLE " + row.Str("role_q") +
                     (p.schema.empty() ? "" : " IN SCHEMA " + row.Str("schema_q")) +
                     (p.revoke ? " REVOKE " : " GRANT ") + privileges + " ON " + p.object_type +
                     (p.revoke ? " FROM " : " TO ") + row.Str("grantee_q");
      cat_.default_privileges.push_back(std::move(p));
    }
    return {};
  }

  core::Status ExtensionMembers() {
    core::Result<QueryResult> r =
        Run("extension members",
            "SELECT e.extname, o.type, o.identity FROM pg_depend d "
            "JOIN pg_extension e ON e.oid = d.refobjid, "
            "LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) o "
            "WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' "
            "ORDER BY 1, 2, 3");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      cat_.extension_members.push_back({row.Str("extname"), row.Str("type"), row.Str("identity")});
    }
    return {};
  }

  core::Status Uncovered() {
    // Each line: a kind the model does not cover, its catalog, and which rows count.
    struct Kind {
      const char* name;
      const char* catalog;
      const char* where;
    };
    const Kind kinds[] = {
        {"foreign data wrapper", "pg_foreign_data_wrapper", "true"},
        {"foreign server", "pg_foreign_server", "true"},
        {"foreign table", "pg_class", "c.relkind = 'f'"},
        {"publication", "pg_publication", "true"},
        {"text search configuration", "pg_ts_config", "c.oid >= 16384"},
        {"text search dictionary", "pg_ts_dict", "c.oid >= 16384"},
        {"text search parser", "pg_ts_parser", "c.oid >= 16384"},
        {"text search template", "pg_ts_template", "c.oid >= 16384"},
        {"operator", "pg_operator", "c.oid >= 16384"},
        {"operator class", "pg_opclass", "c.oid >= 16384"},
        {"operator family", "pg_opfamily", "c.oid >= 16384"},
        {"cast", "pg_cast", "c.oid >= 16384"},
        {"conversion", "pg_conversion", "c.oid >= 16384"},
        {"language", "pg_language", "c.oid >= 16384"},
        {"access method", "pg_am", "c.oid >= 16384"},
        {"transform", "pg_transform", "true"},
        {"event trigger", "pg_event_trigger", "true"},
        {"base type", "pg_type",
         "c.typtype = 'b' AND c.oid >= 16384 AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE "
         "i.classid = 'pg_type'::regclass AND i.objid = c.oid AND i.deptype = 'i')"},
        {"shell type", "pg_type", "c.typtype = 'p' AND c.oid >= 16384"},
    };
    std::string sql;
    for (const Kind& k : kinds) {
      if (!sql.empty()) sql += " UNION ALL ";
      sql += std::string("SELECT '") + k.name + "' AS kind, (pg_identify_object('" + k.catalog +
             "'::regclass, c.oid, 0)).identity AS identity FROM " + k.catalog + " c WHERE " +
             k.where + " AND " + NotInExtension(k.catalog, "c.oid") + " AND " +
             NotInternal(k.catalog, "c.oid");
    }
    // pg_user_mapping is for superusers only; its view is for everyone (and a mapping belongs
    // to no extension).
    sql +=
        " UNION ALL SELECT 'user mapping', (pg_identify_object('pg_user_mapping'::regclass, "
        "m.umid, 0)).identity FROM pg_user_mappings m";
    // Subscriptions live in a shared catalog; only those of this database count.
    sql +=
        " UNION ALL SELECT 'subscription', quote_ident(s.subname) FROM pg_subscription s "
        "WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())";
    core::Result<QueryResult> r = Run("object kinds", sql + " ORDER BY 1, 2");
    if (!r) return r.error();
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      cat_.uncovered.push_back({row.Str("kind"), row.Str("identity")});
    }
    return {};
  }

  // How comments and grants name an address: an object of the model, or one that is part of
  // another (a column of a view, the index of a constraint).
  const AddrInfo* Named(Addr a) const {
    auto it = addr_.find(a);
    if (it != addr_.end()) return &it->second;
    auto named = named_.find(a);
    return named == named_.end() ? nullptr : &named->second;
  }

  // The model key of an address: the object itself, else what it is part of (a column's table,
  // a view's rewrite rule, a default's column, a row type's table, an array's element type …).
  const std::string* Resolve(Addr a, int depth = 0) {
    if (depth > 4) return nullptr;
    auto it = addr_.find(a);
    if (it != addr_.end()) return &it->second.key;
    auto alias = alias_.find(a);
    if (alias != alias_.end()) return Resolve(alias->second, depth + 1);
    if (a.subid != 0) return Resolve({a.classid, a.objid, 0}, depth + 1);
    return nullptr;
  }

  core::Status Dependencies() {
    bool multirange = cat_.server_version >= 140000;
    core::Result<QueryResult> aliases =
        Run("dependencies",
            "SELECT 'pg_attrdef'::regclass::oid AS classid, ad.oid AS objid, 0 AS objsubid, "
            "'pg_class'::regclass::oid AS to_class, ad.adrelid AS to_id, ad.adnum::int AS to_sub "
            "FROM pg_attrdef ad WHERE ad.oid >= 16384"
            " UNION ALL SELECT 'pg_rewrite'::regclass::oid, r.oid, 0, 'pg_class'::regclass::oid, "
            "r.ev_class, 0 FROM pg_rewrite r WHERE r.rulename = '_RETURN' AND r.oid >= 16384"
            " UNION ALL SELECT 'pg_type'::regclass::oid, t.oid, 0, 'pg_class'::regclass::oid, "
            "t.typrelid, 0 FROM pg_type t WHERE t.typrelid <> 0 AND t.oid >= 16384"
            " UNION ALL SELECT 'pg_type'::regclass::oid, t.oid, 0, 'pg_type'::regclass::oid, "
            "t.typelem, 0 FROM pg_type t WHERE t.typelem <> 0 AND t.typcategory = 'A' AND "
            "t.oid >= 16384"
            " UNION ALL SELECT 'pg_constraint'::regclass::oid, k.oid, 0, 'pg_type'::regclass::oid, "
            "k.contypid, 0 FROM pg_constraint k WHERE k.contypid <> 0 AND k.oid >= 16384" +
                std::string(multirange
                                ? " UNION ALL SELECT 'pg_type'::regclass::oid, r.rngmultitypid, 0, "
                                  "'pg_type'::regclass::oid, r.rngtypid, 0 FROM pg_range r WHERE "
                                  "r.rngtypid >= 16384"
                                : ""));
    if (!aliases) return aliases.error();
    for (size_t i = 0; i < aliases->rows.size(); ++i) {
      Row row(*aliases, i);
      Addr from{static_cast<unsigned>(row.Oid("classid")), row.Oid("objid"),
                static_cast<int>(row.Int("objsubid"))};
      if (alias_.count(from)) continue;
      alias_[from] = {static_cast<unsigned>(row.Oid("to_class")), row.Oid("to_id"),
                      static_cast<int>(row.Int("to_sub"))};
    }
    core::Result<QueryResult> r =
        Run("dependencies",
            "SELECT classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype "
            "FROM pg_depend WHERE deptype IN ('n', 'a') AND objid >= 16384 AND "
            "(refobjid >= 16384 OR refclassid = 'pg_namespace'::regclass)");
    if (!r) return r.error();
    std::set<CatalogDependency> edges;
    for (size_t i = 0; i < r->rows.size(); ++i) {
      Row row(*r, i);
      const std::string* from = Resolve({static_cast<unsigned>(row.Oid("classid")),
                                         row.Oid("objid"), static_cast<int>(row.Int("objsubid"))});
      const std::string* to =
          Resolve({static_cast<unsigned>(row.Oid("refclassid")), row.Oid("refobjid"),
                   static_cast<int>(row.Int("refobjsubid"))});
      if (!from || !to || *from == *to) continue;
      // OWNED BY: the sequence goes when the column goes, but the column's default needs the
      // sequence first; keep only the latter so the graph stays acyclic.
      if (row.Char("deptype") == 'a' && from->rfind("sequence ", 0) == 0 &&
          to->rfind("column ", 0) == 0) {
        continue;
      }
      edges.insert({*from, *to});
    }
    cat_.dependencies.assign(edges.begin(), edges.end());
    return {};
  }

  Connection& conn_;
  Catalog& cat_;
  std::map<Addr, AddrInfo> addr_;
  std::map<Addr, AddrInfo> named_;  // not objects of the model, but comments may name them
  std::map<Addr, Addr> alias_;
  std::map<Addr, std::string> identity_options_;
  std::map<Addr, std::string> column_q_;
  std::map<unsigned long long, size_t> table_index_;
  std::map<unsigned long long, size_t> composite_index_;
  std::map<std::tuple<std::string, std::string, bool>, std::pair<unsigned long long, int>>
      column_grants_;
};

void Add(std::vector<CatalogObject>& out, const CatalogEntry& e, const std::string& kind,
         int position = 0) {
  out.push_back({e.key, kind, e.parent, e.definition, position});
}

}  // namespace

std::vector<CatalogObject> Catalog::Objects() const {
  std::vector<CatalogObject> out;
  for (const auto& x : schemas) Add(out, x, "schema");
  for (const auto& x : extensions) Add(out, x, "extension");
  for (const auto& t : tables) {
    Add(out, t, "table");
    for (const auto& c : t.columns) Add(out, c, "column", c.position);
  }
  for (const auto& x : constraints) Add(out, x, "constraint");
  for (const auto& x : indexes) Add(out, x, "index");
  for (const auto& x : sequences) Add(out, x, "sequence");
  for (const auto& x : views) Add(out, x, x.materialized ? "materialized view" : "view");
  for (const auto& x : routines) {
    Add(out, x, x.kind == 'p' ? "procedure" : x.kind == 'a' ? "aggregate" : "function");
  }
  for (const auto& x : triggers) Add(out, x, "trigger");
  for (const auto& x : types) Add(out, x, "type");
  for (const auto& x : domains) Add(out, x, "domain");
  for (const auto& x : policies) Add(out, x, "policy");
  for (const auto& x : collations) Add(out, x, "collation");
  for (const auto& x : rules) Add(out, x, "rule");
  for (const auto& x : statistics) Add(out, x, "statistics");
  for (const auto& x : comments) Add(out, x, "comment");
  for (const auto& x : grants) Add(out, x, x.revoke ? "revoke" : "grant");
  for (const auto& x : default_privileges) Add(out, x, "default privileges");
  for (const auto& x : owners) Add(out, x, "owner");
  std::sort(out.begin(), out.end(),
            [](const CatalogObject& a, const CatalogObject& b) { return a.key < b.key; });
  return out;
}

core::Result<Catalog> Introspect(Connection& connection) {
  Catalog catalog;
  Introspector introspector(connection, catalog);
  core::Status s = introspector.Run();
  if (!s.ok()) return s.error();
  return catalog;
}

}  // namespace pgstate::db
