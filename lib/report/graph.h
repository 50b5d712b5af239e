#pragma once
// report/graph: the module and object graphs of a desired state (`pgstate graph`), and their
// renderings as Graphviz DOT, SVG (through Graphviz's `dot`) and JSON (docs/graph-json.md).
//
// Building is pure: a graph comes from a schema::Model and the modules in its options, so it is
// testable without git. Every list is in a stable order (modules in configuration order, objects
// by module then key), so the same files always render the same text.
//
// An *object* is what a statement defines as a whole: a table, view, sequence, type, domain,
// function, schema, extension, … Parts and attachments of an object are folded into it:
// columns, constraints, defaults, indexes, triggers, policies, rules, enum labels, comments,
// grants, owners, ALTER TABLE settings. Their references become the object's references.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "schema/model.h"
#include "sql/object_key.h"

namespace pgstate::report {

/// One module of the module graph.
struct ModuleNode {
  size_t module = 0;                  ///< index in schema::Modules
  std::string name;                   ///< "(root)" for the root module
  std::string path;                   ///< "" for the root module
  std::string owner;                  ///< "" when none is configured
  std::vector<std::string> required;  ///< direct requirements, in configuration order
  size_t objects = 0;                 ///< objects defined in the module's files
  size_t files = 0;                   ///< desired-state files of the module
};

/// A dependency between two modules: declared (`requires`), used by references, or both.
struct ModuleEdge {
  size_t from = 0;  ///< index into ModuleGraph::nodes
  size_t to = 0;
  bool declared = false;  ///< `from` requires `to` directly
  /// `from` may use `to` (declared, required through a chain, or `to` is the root); false makes
  /// every reference a module-boundary violation.
  bool allowed = false;
  size_t references = 0;  ///< references from statements of `from` to objects of `to`
};

struct ModuleGraph {
  std::vector<ModuleNode> nodes;  ///< module order; the root only when it has files
  std::vector<ModuleEdge> edges;  ///< by `from`, then `to`
};

/// One object of an object graph.
struct ObjectNode {
  sql::ObjectKey key;
  std::string module;  ///< the module of the file that defines it
  std::string path;    ///< where it is defined (first definition)
  int line = 0;
  bool outside = false;  ///< defined in another module than the graph's; shown because used
};

/// `from` references `to`: some statement of `from` (or of its folded parts) needs `to`.
struct ObjectEdge {
  size_t from = 0;  ///< index into ObjectGraph::nodes
  size_t to = 0;
  size_t references = 0;  ///< how many references make this edge
  bool allowed = true;    ///< false: crosses into a module that `from`'s module does not require
};

struct ObjectGraph {
  std::string module;             ///< the module whose objects these are
  std::vector<ObjectNode> nodes;  ///< the module's objects by key, then the outside ones by
                                  ///< module order and key
  std::vector<ObjectEdge> edges;  ///< by `from`, then `to`
};

/// The module graph of `model` (modules from model.options().modules).
ModuleGraph BuildModuleGraph(const schema::Model& model);

/// The objects of module `module` ("(root)" for the root module), the references between them,
/// and the objects of other modules they reference. Error (kExitBadInput): "unknown module 'x'"
/// with the configured names.
core::Result<ObjectGraph> BuildObjectGraph(const schema::Model& model, std::string_view module);

/// Graphviz DOT text: a digraph with quoted identifiers, one line per node and edge.
std::string RenderModuleGraphDot(const ModuleGraph& graph);
std::string RenderObjectGraphDot(const ObjectGraph& graph);

/// The JSON documents of docs/graph-json.md, indented, ending in a newline.
std::string RenderModuleGraphJson(const ModuleGraph& graph);
std::string RenderObjectGraphJson(const ObjectGraph& graph);

/// `text` as a DOT quoted string, quotes included: "a \"b\"".
std::string DotQuote(std::string_view text);

/// Runs Graphviz's `dot -Tsvg` (found in `path_env`, a $PATH list) on `dot` and returns the SVG.
/// Errors: kExitEnvironment "Graphviz 'dot' is not installed (apt-get install graphviz), or use
/// --format dot" when it is not found; kExitEnvironment when it fails, with its stderr.
core::Result<std::string> RenderSvg(const std::string& dot, const std::string& path_env);

}  // namespace pgstate::report
