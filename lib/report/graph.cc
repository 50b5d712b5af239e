#include "report/graph.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "core/subprocess.h"

namespace pgstate::report {

using schema::Model;
using schema::Modules;
using schema::Provider;
using schema::Reference;
using schema::StatementId;
using json = nlohmann::ordered_json;

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Kinds "about" another object, whose key names it after the prefix: "comment on table s.t".
constexpr std::string_view kAboutPrefixes[] = {"comment on ", "owner of ", "security label on ",
                                               "extension dependency of "};

// Parts of an object, named "<object>.<part>" in the object's schema: "constraint s.t.c".
const std::set<std::string, std::less<>> kPartKinds = {"column",
                                                       "constraint",
                                                       "default",
                                                       "not null",
                                                       "identity",
                                                       "trigger",
                                                       "policy",
                                                       "rule",
                                                       "label",
                                                       "domain constraint",
                                                       "statistics target",
                                                       "storage",
                                                       "compression",
                                                       "column options",
                                                       "trigger state",
                                                       "rule state",
                                                       "row",
                                                       "like"};

// Settings of a whole object, named like the object itself: "replica identity s.t".
const std::set<std::string, std::less<>> kWholeKinds = {"partition",
                                                        "row level security",
                                                        "force row level security",
                                                        "replica identity",
                                                        "cluster",
                                                        "storage parameters",
                                                        "inherit",
                                                        "of type",
                                                        "owned by",
                                                        "rows",
                                                        "index partition",
                                                        "text search mapping",
                                                        "operator family members"};

// Kinds that attach to another object but name only themselves: found through references.
const std::set<std::string, std::less<>> kAttachedKinds = {"index"};

// The kinds an object named by a part or setting may have, most likely first.
constexpr std::string_view kContainerKinds[] = {
    "table",  "view",  "materialized view",         "foreign table",  "sequence", "type",
    "domain", "index", "text search configuration", "operator family"};

bool IsFolded(std::string_view kind) {
  for (std::string_view prefix : kAboutPrefixes) {
    if (StartsWith(kind, prefix)) return true;
  }
  return kPartKinds.count(kind) || kWholeKinds.count(kind) || kAttachedKinds.count(kind) ||
         StartsWith(kind, "grant ") || StartsWith(kind, "revoke ") ||
         StartsWith(kind, "default privileges");
}

// Which statement stands for the object each statement belongs to.
class Folding {
 public:
  explicit Folding(const Model& model) : model_(model) {
    for (const Reference& r : model.references()) by_statement_[r.from].push_back(&r);
  }

  /// The object statement `id` belongs to (itself for an object), or nullopt (unkeyed, a
  /// setting, a part whose object the files do not define).
  std::optional<StatementId> ObjectOf(StatementId id) {
    auto it = memo_.find(id);
    if (it != memo_.end()) return it->second;
    memo_[id] = std::nullopt;  // a statement caught in its own folding chain has no object
    std::optional<StatementId> object = Resolve(id);
    memo_[id] = object;
    return object;
  }

 private:
  std::optional<StatementId> Resolve(StatementId id) {
    const sql::Statement& s = model_.statement(id);
    if (s.key.empty() || s.cls == sql::StatementClass::kSetting ||
        s.cls == sql::StatementClass::kData || s.cls == sql::StatementClass::kInvalid) {
      return std::nullopt;
    }
    if (!IsFolded(s.key.kind)) {
      return s.cls == sql::StatementClass::kDefinition ? std::optional(id) : ByKey(s.key, id);
    }
    if (auto by_key = ByKey(s.key, id)) return by_key;
    // What the statement references first that is an object: an index's table, a grant's object.
    auto refs = by_statement_.find(id);
    if (refs == by_statement_.end()) return std::nullopt;
    for (bool schemas : {false, true}) {
      for (const Reference* r : refs->second) {
        if ((r->key.kind == "schema") != schemas) continue;
        for (StatementId target : r->targets) {
          if (auto object = ObjectOf(target)) return object;
        }
      }
    }
    return std::nullopt;
  }

  // The object a key names, directly or as its part or subject.
  std::optional<StatementId> ByKey(const sql::ObjectKey& key, StatementId self) {
    for (std::string_view prefix : kAboutPrefixes) {
      if (StartsWith(key.kind, prefix)) {
        return ByKey({key.kind.substr(prefix.size()), key.schema, key.name}, self);
      }
    }
    std::string name = key.name;
    if (kPartKinds.count(key.kind)) {
      size_t dot = name.find('.');
      if (dot == std::string::npos) return std::nullopt;
      name.resize(dot);
    } else if (!kWholeKinds.count(key.kind)) {
      if (const schema::Object* o = model_.Find(key)) return Defined(*o, self);
      if (key.kind != "table") return std::nullopt;  // ALTER TABLE also names views, sequences
    }
    for (std::string_view kind : kContainerKinds) {
      if (const schema::Object* o = model_.Find({std::string(kind), key.schema, name})) {
        return Defined(*o, self);
      }
    }
    return std::nullopt;
  }

  std::optional<StatementId> Defined(const schema::Object& o, StatementId self) {
    for (const schema::Definition& d : o.definitions) {
      if (d.element >= 0 || d.statement == self) continue;
      if (auto object = ObjectOf(d.statement)) return object;
    }
    for (const schema::Definition& d : o.definitions) {
      if (d.statement == self && d.element < 0 && !IsFolded(o.key.kind)) return self;
    }
    return std::nullopt;
  }

  const Model& model_;
  std::map<StatementId, std::vector<const Reference*>> by_statement_;
  std::map<StatementId, std::optional<StatementId>> memo_;
};

// A reference between objects the files define, counted once per statement and target.
bool Resolved(const Reference& r) {
  return (r.provider == Provider::kModel || r.provider == Provider::kImplicit) &&
         !schema::CoveredByRelation(r);
}

size_t ModuleOfStatement(const Model& model, StatementId id) {
  return model.options().modules.ModuleOf(model.file_of(id).path());
}

// Every object of the model: its statement's key, module, and where it is defined.
struct ObjectInfo {
  StatementId statement;
  size_t module = 0;
};

std::map<sql::ObjectKey, ObjectInfo> Objects(const Model& model, Folding& folding) {
  std::map<sql::ObjectKey, ObjectInfo> objects;
  for (uint32_t f = 0; f < model.files().size(); ++f) {
    for (uint32_t i = 0; i < model.files()[f].statements().size(); ++i) {
      StatementId id{f, i};
      if (folding.ObjectOf(id) != id) continue;
      const sql::ObjectKey& key = model.statement(id).key;
      if (!objects.count(key)) objects[key] = {id, ModuleOfStatement(model, id)};
    }
  }
  return objects;
}

std::string Plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

ModuleGraph BuildModuleGraph(const Model& model) {
  const Modules& modules = model.options().modules;
  Folding folding(model);
  std::vector<size_t> objects(modules.size(), 0), files(modules.size(), 0);
  for (const auto& [key, info] : Objects(model, folding)) ++objects[info.module];
  for (const sql::SourceFile& file : model.files()) ++files[modules.ModuleOf(file.path())];

  ModuleGraph graph;
  std::vector<size_t> node_of(modules.size(), modules.size());
  for (size_t m = 0; m < modules.size(); ++m) {
    if (m == Modules::kRoot && files[m] == 0) continue;
    ModuleNode node;
    node.module = m;
    node.name = modules[m].name;
    node.path = modules[m].path;
    node.owner = modules[m].owner;
    for (size_t r : modules[m].required) node.required.push_back(modules[r].name);
    node.objects = objects[m];
    node.files = files[m];
    node_of[m] = graph.nodes.size();
    graph.nodes.push_back(std::move(node));
  }

  std::map<std::pair<size_t, size_t>, ModuleEdge> edges;  // by module indexes
  auto edge = [&](size_t from, size_t to) -> ModuleEdge& {
    ModuleEdge& e = edges[{from, to}];
    e.from = node_of[from];
    e.to = node_of[to];
    e.allowed = modules.MayUse(from, to);
    return e;
  };
  for (size_t m = 1; m < modules.size(); ++m) {
    for (size_t r : modules[m].required) edge(m, r).declared = true;
  }
  for (const Reference& r : model.references()) {
    if (!Resolved(r)) continue;
    size_t from = ModuleOfStatement(model, r.from);
    std::set<size_t> to_modules;
    for (StatementId target : r.targets) to_modules.insert(ModuleOfStatement(model, target));
    for (size_t to : to_modules) {
      if (to != from) ++edge(from, to).references;
    }
  }
  for (auto& [modules_pair, e] : edges) graph.edges.push_back(e);
  return graph;
}

core::Result<ObjectGraph> BuildObjectGraph(const Model& model, std::string_view module) {
  const Modules& modules = model.options().modules;
  size_t chosen = module == modules[Modules::kRoot].name ? Modules::kRoot : modules.Find(module);
  if (chosen >= modules.size()) {
    std::string names;
    for (const Modules::Info& m : modules.all()) names += (names.empty() ? "" : ", ") + m.name;
    return core::Error(core::kExitBadInput,
                       "unknown module '" + std::string(module) + "' (modules: " + names + ")");
  }
  Folding folding(model);
  std::map<sql::ObjectKey, ObjectInfo> objects = Objects(model, folding);

  // Edges between objects, by key, counting references; then the outside objects they reach.
  std::map<std::pair<sql::ObjectKey, sql::ObjectKey>, size_t> counts;
  for (const Reference& r : model.references()) {
    if (!Resolved(r)) continue;
    std::optional<StatementId> from = folding.ObjectOf(r.from);
    if (!from || ModuleOfStatement(model, *from) != chosen) continue;
    std::set<sql::ObjectKey> to_keys;
    for (StatementId target : r.targets) {
      std::optional<StatementId> to = folding.ObjectOf(target);
      if (to) to_keys.insert(model.statement(*to).key);
    }
    const sql::ObjectKey& from_key = model.statement(*from).key;
    for (const sql::ObjectKey& to_key : to_keys) {
      if (to_key != from_key) ++counts[{from_key, to_key}];
    }
  }

  ObjectGraph graph;
  graph.module = modules[chosen].name;
  std::map<sql::ObjectKey, size_t> index;
  auto add = [&](const sql::ObjectKey& key, const ObjectInfo& info) {
    ObjectNode node;
    node.key = key;
    node.module = modules[info.module].name;
    core::SourceLocation location = model.LocationOf(info.statement);
    node.path = location.file;
    node.line = location.line;
    node.outside = info.module != chosen;
    index[key] = graph.nodes.size();
    graph.nodes.push_back(std::move(node));
  };
  for (const auto& [key, info] : objects) {
    if (info.module == chosen) add(key, info);
  }
  std::set<std::pair<size_t, sql::ObjectKey>> outside;
  for (const auto& [pair, n] : counts) {
    const ObjectInfo& info = objects.at(pair.second);
    if (info.module != chosen) outside.insert({info.module, pair.second});
  }
  for (const auto& [m, key] : outside) add(key, objects.at(key));

  for (const auto& [pair, n] : counts) {
    ObjectEdge e;
    e.from = index.at(pair.first);
    e.to = index.at(pair.second);
    e.references = n;
    e.allowed = modules.MayUse(chosen, objects.at(pair.second).module);
    graph.edges.push_back(e);
  }
  std::sort(graph.edges.begin(), graph.edges.end(), [](const ObjectEdge& a, const ObjectEdge& b) {
    return std::tie(a.from, a.to) < std::tie(b.from, b.to);
  });
  return graph;
}

std::string DotQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

namespace {

// A label of several lines: each line quoted for DOT, joined by DOT's centered line break.
std::string DotLabel(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string quoted = DotQuote(lines[i]);
    out += (i ? "\\n" : "") + quoted.substr(1, quoted.size() - 2);
  }
  return out + "\"";
}

constexpr const char kDotHeader[] =
    "  rankdir=LR;\n"
    "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
    "  edge [fontname=\"Helvetica\", fontsize=10];\n";

std::string EdgeAttributes(bool allowed, bool declared, size_t references) {
  std::vector<std::string> attributes;
  if (references > 0) {
    attributes.push_back("label=" + DotQuote(Plural(references, "reference", "references")));
  }
  if (!allowed) {
    attributes.push_back("color=red");
    attributes.push_back("fontcolor=red");
    attributes.push_back("style=dashed");
  } else if (!declared) {
    attributes.push_back("color=gray50");
    attributes.push_back("style=dotted");
  }
  if (attributes.empty()) return "";
  std::string out = " [";
  for (size_t i = 0; i < attributes.size(); ++i) out += (i ? ", " : "") + attributes[i];
  return out + "]";
}

std::string ObjectId(const ObjectNode& node) { return DotQuote(node.key.ToString()); }

}  // namespace

std::string RenderModuleGraphDot(const ModuleGraph& graph) {
  std::string out = "digraph modules {\n";
  out += kDotHeader;
  for (const ModuleNode& n : graph.nodes) {
    std::vector<std::string> label = {n.name};
    if (!n.owner.empty()) label.push_back(n.owner);
    label.push_back(Plural(n.objects, "object", "objects"));
    out += "  " + DotQuote(n.name) + " [label=" + DotLabel(label) + "];\n";
  }
  for (const ModuleEdge& e : graph.edges) {
    out += "  " + DotQuote(graph.nodes[e.from].name) + " -> " + DotQuote(graph.nodes[e.to].name) +
           EdgeAttributes(e.allowed || e.references == 0, e.declared, e.references) + ";\n";
  }
  return out + "}\n";
}

std::string RenderObjectGraphDot(const ObjectGraph& graph) {
  std::string out = "digraph objects {\n";
  out += kDotHeader;
  // One cluster per module, in node order (the graph's module first).
  std::vector<std::string> order;
  std::map<std::string, std::vector<const ObjectNode*>> clusters;
  for (const ObjectNode& n : graph.nodes) {
    if (!clusters.count(n.module)) order.push_back(n.module);
    clusters[n.module].push_back(&n);
  }
  if (order.empty()) order.push_back(graph.module);
  for (const std::string& module : order) {
    out += "  subgraph " + DotQuote("cluster_" + module) + " {\n";
    out += "    label=" + DotQuote(module) + ";\n";
    if (module != graph.module) out += "    style=dashed;\n    color=gray50;\n";
    for (const ObjectNode* n : clusters[module]) {
      out += "    " + ObjectId(*n) + " [label=" + DotLabel({n->key.kind, n->key.QualifiedName()}) +
             "];\n";
    }
    out += "  }\n";
  }
  for (const ObjectEdge& e : graph.edges) {
    out += "  " + ObjectId(graph.nodes[e.from]) + " -> " + ObjectId(graph.nodes[e.to]) +
           EdgeAttributes(e.allowed, true, e.references > 1 ? e.references : 0) + ";\n";
  }
  return out + "}\n";
}

std::string RenderModuleGraphJson(const ModuleGraph& graph) {
  json doc = {{"version", 1}, {"modules", json::array()}, {"edges", json::array()}};
  for (const ModuleNode& n : graph.nodes) {
    doc["modules"].push_back({{"name", n.name},
                              {"path", OrNull(n.path)},
                              {"owner", OrNull(n.owner)},
                              {"requires", n.required},
                              {"objects", n.objects},
                              {"files", n.files}});
  }
  for (const ModuleEdge& e : graph.edges) {
    doc["edges"].push_back({{"from", graph.nodes[e.from].name},
                            {"to", graph.nodes[e.to].name},
                            {"declared", e.declared},
                            {"allowed", e.allowed},
                            {"references", e.references}});
  }
  return doc.dump(2) + "\n";
}

std::string RenderObjectGraphJson(const ObjectGraph& graph) {
  json doc = {
      {"version", 1}, {"module", graph.module}, {"nodes", json::array()}, {"edges", json::array()}};
  for (const ObjectNode& n : graph.nodes) {
    doc["nodes"].push_back({{"key", n.key.ToString()},
                            {"kind", n.key.kind},
                            {"schema", OrNull(n.key.schema)},
                            {"name", n.key.name},
                            {"module", n.module},
                            {"path", n.path},
                            {"line", n.line},
                            {"outside", n.outside}});
  }
  for (const ObjectEdge& e : graph.edges) {
    doc["edges"].push_back({{"from", graph.nodes[e.from].key.ToString()},
                            {"to", graph.nodes[e.to].key.ToString()},
                            {"allowed", e.allowed},
                            {"references", e.references}});
  }
  return doc.dump(2) + "\n";
}

core::Result<std::string> RenderSvg(const std::string& dot, const std::string& path_env) {
  std::optional<std::string> program = core::FindExecutable("dot", path_env);
  if (!program) {
    return core::Error(core::kExitEnvironment,
                       "Graphviz 'dot' is not installed (apt-get install graphviz), or use "
                       "--format dot");
  }
  core::SubprocessOptions options;
  options.argv = {*program, "-Tsvg"};
  options.stdin_data = dot;
  auto run = core::RunSubprocess(options);
  if (!run.ok()) return run.error();
  if (!run->ok()) {
    std::string err = run->err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return core::Error(core::kExitEnvironment, "'" + *program + " -Tsvg' " + run->Describe() +
                                                   (err.empty() ? "" : ": ") + err);
  }
  return std::move(run->out);
}

}  // namespace pgstate::report
