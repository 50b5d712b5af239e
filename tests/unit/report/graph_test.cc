#include "report/graph.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pgstate::report {
namespace {

config::Module Mod(std::string name, std::string path, std::string owner,
                   std::vector<std::string> required = {}) {
  return {std::move(name), std::move(path), std::move(owner), std::move(required), 0};
}

schema::Model Build(std::vector<schema::FileText> files, std::vector<config::Module> modules) {
  schema::ModelOptions options;
  options.modules = schema::Modules(modules);
  return schema::Model::Parse(std::move(files), std::move(options));
}

// accounts: users; billing: invoices with an FK to users, a comment, an index and a grant;
// reports: a view over both, requiring billing only (so accounts is reachable through it).
schema::Model Sample(bool billing_requires_accounts) {
  std::vector<std::string> billing_requires;
  if (billing_requires_accounts) billing_requires.push_back("accounts");
  return Build(
      {{"db/schema/accounts/users.sql",
        "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);\n"
        "CREATE INDEX users_email_idx ON users (email);\n"},
       {"db/schema/billing/invoices.sql",
        "CREATE TABLE invoices (id int PRIMARY KEY, user_id int);\n"
        "ALTER TABLE invoices ADD CONSTRAINT invoices_user_fk FOREIGN KEY (user_id)\n"
        "  REFERENCES users (id);\n"
        "CREATE INDEX invoices_user_idx ON invoices (user_id);\n"
        "COMMENT ON TABLE invoices IS 'one per order';\n"
        "COMMENT ON COLUMN invoices.user_id IS 'who pays';\n"
        "GRANT SELECT ON invoices TO PUBLIC;\n"
        "CREATE FUNCTION total(i invoices) RETURNS int LANGUAGE sql AS 'SELECT 1';\n"},
       {"db/schema/reports/paying.sql",
        "CREATE VIEW paying AS SELECT u.email FROM users u JOIN invoices i ON i.user_id = u.id;\n"},
       {"db/schema/setup.sql", "CREATE EXTENSION IF NOT EXISTS pgcrypto;\n"}},
      {Mod("accounts", "db/schema/accounts", "@accounts-team"),
       Mod("billing", "db/schema/billing", "@payments-team", billing_requires),
       Mod("reports", "db/schema/reports", "", {"billing"})});
}

TEST(ModuleGraph, NodesAreModulesInConfigurationOrderWithRootOnlyWhenItHasFiles) {
  ModuleGraph graph = BuildModuleGraph(Sample(true));
  ASSERT_EQ(graph.nodes.size(), 4u);
  EXPECT_EQ(graph.nodes[0].name, "(root)");
  EXPECT_EQ(graph.nodes[0].objects, 1u);  // the extension
  EXPECT_EQ(graph.nodes[1].name, "accounts");
  EXPECT_EQ(graph.nodes[1].owner, "@accounts-team");
  EXPECT_EQ(graph.nodes[1].objects, 1u);  // users, its index folded in
  EXPECT_EQ(graph.nodes[2].name, "billing");
  EXPECT_EQ(graph.nodes[2].objects, 2u);  // invoices (constraint, index, comments, grant), total
  EXPECT_EQ(graph.nodes[2].required, std::vector<std::string>{"accounts"});
  EXPECT_EQ(graph.nodes[3].objects, 1u);

  schema::Model no_root =
      Build({{"db/schema/a/t.sql", "CREATE TABLE t (id int);\n"}}, {Mod("a", "db/schema/a", "")});
  ModuleGraph only_a = BuildModuleGraph(no_root);
  ASSERT_EQ(only_a.nodes.size(), 1u);
  EXPECT_EQ(only_a.nodes[0].name, "a");
}

TEST(ModuleGraph, EdgesAreDeclaredRequiresAndCrossingReferences) {
  ModuleGraph graph = BuildModuleGraph(Sample(true));
  // billing -> accounts (declared, the FK), reports -> accounts (allowed through billing),
  // reports -> billing (declared).
  ASSERT_EQ(graph.edges.size(), 3u);
  const ModuleEdge& fk = graph.edges[0];
  EXPECT_EQ(graph.nodes[fk.from].name, "billing");
  EXPECT_EQ(graph.nodes[fk.to].name, "accounts");
  EXPECT_TRUE(fk.declared);
  EXPECT_TRUE(fk.allowed);
  EXPECT_GE(fk.references, 1u);
  const ModuleEdge& through = graph.edges[1];
  EXPECT_EQ(graph.nodes[through.from].name, "reports");
  EXPECT_EQ(graph.nodes[through.to].name, "accounts");
  EXPECT_FALSE(through.declared);
  EXPECT_TRUE(through.allowed);
  EXPECT_TRUE(graph.edges[2].declared);
}

TEST(ModuleGraph, ReferencesIntoAModuleNotRequiredAreViolations) {
  ModuleGraph graph = BuildModuleGraph(Sample(false));
  const ModuleEdge* fk = nullptr;
  for (const ModuleEdge& e : graph.edges) {
    if (graph.nodes[e.from].name == "billing" && graph.nodes[e.to].name == "accounts") fk = &e;
  }
  ASSERT_NE(fk, nullptr);
  EXPECT_FALSE(fk->declared);
  EXPECT_FALSE(fk->allowed);
  std::string dot = RenderModuleGraphDot(graph);
  EXPECT_NE(dot.find("\"billing\" -> \"accounts\" [label=\"1 reference\", color=red, "
                     "fontcolor=red, style=dashed];"),
            std::string::npos)
      << dot;
}

TEST(ModuleGraph, Dot) {
  EXPECT_EQ(RenderModuleGraphDot(BuildModuleGraph(Sample(true))),
            "digraph modules {\n"
            "  rankdir=LR;\n"
            "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
            "  edge [fontname=\"Helvetica\", fontsize=10];\n"
            "  \"(root)\" [label=\"(root)\\n1 object\"];\n"
            "  \"accounts\" [label=\"accounts\\n@accounts-team\\n1 object\"];\n"
            "  \"billing\" [label=\"billing\\n@payments-team\\n2 objects\"];\n"
            "  \"reports\" [label=\"reports\\n1 object\"];\n"
            "  \"billing\" -> \"accounts\" [label=\"1 reference\"];\n"
            "  \"reports\" -> \"accounts\" [label=\"1 reference\", color=gray50, style=dotted];\n"
            "  \"reports\" -> \"billing\" [label=\"1 reference\"];\n"
            "}\n");
}

TEST(ModuleGraph, Json) {
  auto doc = nlohmann::json::parse(RenderModuleGraphJson(BuildModuleGraph(Sample(true))));
  EXPECT_EQ(doc["version"], 1);
  ASSERT_EQ(doc["modules"].size(), 4u);
  EXPECT_EQ(doc["modules"][0]["name"], "(root)");
  EXPECT_TRUE(doc["modules"][0]["path"].is_null());
  EXPECT_TRUE(doc["modules"][0]["owner"].is_null());
  EXPECT_EQ(doc["modules"][2]["path"], "db/schema/billing");
  EXPECT_EQ(doc["modules"][2]["owner"], "@payments-team");
  EXPECT_EQ(doc["modules"][2]["requires"], nlohmann::json::array({"accounts"}));
  EXPECT_EQ(doc["modules"][2]["objects"], 2);
  EXPECT_EQ(doc["edges"][0]["from"], "billing");
  EXPECT_EQ(doc["edges"][0]["to"], "accounts");
  EXPECT_EQ(doc["edges"][0]["declared"], true);
  EXPECT_EQ(doc["edges"][0]["references"], 1);
}

TEST(ObjectGraph, FoldsPartsIntoTheirObjectAndAddsOutsideObjects) {
  auto graph = BuildObjectGraph(Sample(true), "billing");
  ASSERT_TRUE(graph.ok()) << graph.error().ToString();
  std::vector<std::string> keys;
  for (const ObjectNode& n : graph->nodes)
    keys.push_back(n.key.ToString() + (n.outside ? "*" : ""));
  EXPECT_EQ(keys, (std::vector<std::string>{"function public.total(public.invoices)",
                                            "table public.invoices", "table public.users*"}));
  EXPECT_EQ(graph->nodes[1].path, "db/schema/billing/invoices.sql");
  EXPECT_EQ(graph->nodes[1].line, 1);
  EXPECT_EQ(graph->nodes[2].module, "accounts");
  ASSERT_EQ(graph->edges.size(), 2u);
  EXPECT_EQ(graph->edges[0].from, 0u);  // total -> invoices (argument type)
  EXPECT_EQ(graph->edges[0].to, 1u);
  EXPECT_EQ(graph->edges[1].from, 1u);  // invoices -> users (the FK)
  EXPECT_EQ(graph->edges[1].to, 2u);
  EXPECT_TRUE(graph->edges[1].allowed);
}

TEST(ObjectGraph, DotHasAClusterPerModule) {
  auto graph = BuildObjectGraph(Sample(false), "billing");
  ASSERT_TRUE(graph.ok());
  std::string dot = RenderObjectGraphDot(*graph);
  EXPECT_NE(dot.find("  subgraph \"cluster_billing\" {\n    label=\"billing\";\n"
                     "    \"function public.total(public.invoices)\" [label=\"function\\n"
                     "public.total(public.invoices)\"];\n"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("  subgraph \"cluster_accounts\" {\n    label=\"accounts\";\n"
                     "    style=dashed;\n"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("  \"table public.invoices\" -> \"table public.users\" ["
                     "color=red, fontcolor=red, style=dashed];\n"),
            std::string::npos)
      << dot;
}

TEST(ObjectGraph, Json) {
  auto graph = BuildObjectGraph(Sample(true), "accounts");
  ASSERT_TRUE(graph.ok());
  auto doc = nlohmann::json::parse(RenderObjectGraphJson(*graph));
  EXPECT_EQ(doc["module"], "accounts");
  ASSERT_EQ(doc["nodes"].size(), 1u);
  EXPECT_EQ(doc["nodes"][0]["key"], "table public.users");
  EXPECT_EQ(doc["nodes"][0]["kind"], "table");
  EXPECT_EQ(doc["nodes"][0]["schema"], "public");
  EXPECT_EQ(doc["nodes"][0]["name"], "users");
  EXPECT_EQ(doc["nodes"][0]["outside"], false);
  EXPECT_TRUE(doc["edges"].empty());
}

TEST(ObjectGraph, RootAndUnknownModules) {
  auto root = BuildObjectGraph(Sample(true), "(root)");
  ASSERT_TRUE(root.ok());
  ASSERT_EQ(root->nodes.size(), 1u);
  EXPECT_EQ(root->nodes[0].key.ToString(), "extension pgcrypto");
  auto unknown = BuildObjectGraph(Sample(true), "bililng");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, core::kExitBadInput);
  EXPECT_EQ(unknown.error().message,
            "unknown module 'bililng' (modules: (root), accounts, billing, reports)");
}

TEST(Dot, QuotesIdentifiers) {
  EXPECT_EQ(DotQuote("plain"), "\"plain\"");
  EXPECT_EQ(DotQuote("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(DotQuote("two\nlines"), "\"two\\nlines\"");
  schema::Model model = Build({{"db/schema/q/t.sql", "CREATE TABLE \"we\"\"ird\" (id int);\n"}},
                              {Mod("q\"m", "db/schema/q", "@o\\p")});
  std::string dot = RenderModuleGraphDot(BuildModuleGraph(model));
  EXPECT_NE(dot.find("  \"q\\\"m\" [label=\"q\\\"m\\n@o\\\\p\\n1 object\"];"), std::string::npos)
      << dot;
}

TEST(Svg, MissingDotIsAnEnvironmentError) {
  auto svg = RenderSvg("digraph {}\n", "/nonexistent");
  ASSERT_FALSE(svg.ok());
  EXPECT_EQ(svg.error().code, core::kExitEnvironment);
  EXPECT_EQ(svg.error().message,
            "Graphviz 'dot' is not installed (apt-get install graphviz), or use --format dot");
}

}  // namespace
}  // namespace pgstate::report
