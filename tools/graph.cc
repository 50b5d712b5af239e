// pgstate-graph: the modules of the desired state and their dependencies, or the objects of one
// module, as Graphviz DOT, SVG or JSON.

#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "core/file.h"
#include "git/libgit2.h"
#include "report/graph.h"
#include "setup/work_tree.h"

int main(int argc, char** argv) {
  using namespace pgstate;
  CLI::App app{
      "Draw the modules of the desired state and their dependencies, or the objects of "
      "one module, as Graphviz DOT, SVG or JSON",
      "pgstate-graph"};
  tools::AddVersion(app);
  bool modules = false;
  std::string objects;
  std::string format = "dot";
  std::string output;
  auto* modules_flag =
      app.add_flag("--modules", modules, "modules, requires and crossing references (default)");
  app.add_option("--objects", objects,
                 "the objects of MODULE, their references, and the outside objects they use")
      ->option_text("MODULE")
      ->excludes(modules_flag);
  app.add_option("--format", format, "dot (default), svg (runs Graphviz's dot) or json")
      ->check(CLI::IsMember({"dot", "svg", "json"}));
  app.add_option("-o,--output", output, "write to FILE instead of standard output")
      ->option_text("FILE");
  app.footer(
      "--modules: a box per module (name, owner, objects); solid edges are declared requires,\n"
      "red dashed ones references into a module that is not required (module-boundary\n"
      "violations), gray dotted ones references allowed through a chain of requires or into\n"
      "the root module. The root module is drawn only when it has files.\n"
      "--objects MODULE: tables, views, functions, types, … with their columns, constraints,\n"
      "indexes, triggers, comments and grants folded in; outside objects in a cluster per module.\n"
      "JSON: docs/graph-json.md.\n"
      "exit status: 0 done, 2 not in a repository, invalid .pgstate or unknown module,\n"
      "3 Graphviz 'dot' missing for --format svg, 129 usage.\n\n"
      "examples:\n"
      "  pgstate graph | dot -Tpng > modules.png\n"
      "  pgstate graph --format svg -o modules.svg\n"
      "  pgstate graph --objects billing --format json");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  return tools::RunGuarded("pgstate-graph", [&]() -> int {
    git::LibGit2Guard guard;
    auto model = setup::WorkTreeModel(".");
    if (!model.ok()) return tools::ReportError("pgstate-graph", model.error());
    std::string text;
    if (objects.empty()) {
      report::ModuleGraph graph = report::BuildModuleGraph(*model);
      text = format == "json" ? report::RenderModuleGraphJson(graph)
                              : report::RenderModuleGraphDot(graph);
    } else {
      auto graph = report::BuildObjectGraph(*model, objects);
      if (!graph.ok()) return tools::ReportError("pgstate-graph", graph.error());
      text = format == "json" ? report::RenderObjectGraphJson(*graph)
                              : report::RenderObjectGraphDot(*graph);
    }
    if (format == "svg") {
      const char* path = std::getenv("PATH");
      auto svg = report::RenderSvg(text, path ? path : "");
      if (!svg.ok()) return tools::ReportError("pgstate-graph", svg.error());
      text = std::move(*svg);
    }
    if (output.empty()) {
      std::cout << text;
      return core::kExitOk;
    }
    auto written = core::WriteFileAtomic(output, text);
    if (!written.ok()) return tools::ReportError("pgstate-graph", written.error());
    return core::kExitOk;
  });
}
