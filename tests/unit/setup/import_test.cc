// SplitDump: a database's dump regrouped into desired-state files, nothing lost or repeated.

#include "setup/import.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/file.h"
#include "sql/source_file.h"
#include "unit/sql/test_paths.h"

namespace pgstate::setup {
namespace {

std::map<std::string, std::string> Split(const std::string& dump, bool split) {
  SplitDumpOptions options;
  options.split = split;
  auto files = SplitDump(dump, options);
  EXPECT_TRUE(files.ok()) << files.error().ToString();
  std::map<std::string, std::string> by_path;
  if (!files.ok()) return by_path;
  for (const auto& f : *files) by_path[f.path] = f.text;
  return by_path;
}

// Canonical texts of the statements a desired state keeps (settings and meta-commands go).
std::multiset<std::string> Kept(const std::string& text) {
  std::multiset<std::string> kept;
  sql::SourceFile file = sql::SourceFile::Parse("f.sql", text);
  for (const auto& s : file.statements()) {
    if (s.cls == sql::StatementClass::kSetting || s.cls == sql::StatementClass::kMetaCommand) {
      continue;
    }
    kept.insert(std::string(file.TextOf(s.text)));
  }
  return kept;
}

constexpr char kDump[] = R"sql(SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

CREATE SCHEMA billing;

COMMENT ON SCHEMA billing IS 'money';

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

CREATE TYPE billing.state AS ENUM ('draft', 'paid');

CREATE TABLE public.customers (
    id bigint NOT NULL,
    email public.citext NOT NULL
);

CREATE SEQUENCE public.customers_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;

ALTER SEQUENCE public.customers_id_seq OWNED BY public.customers.id;

CREATE TABLE billing.invoices (
    id bigint NOT NULL,
    customer_id bigint NOT NULL,
    state billing.state NOT NULL
);

CREATE FUNCTION billing.total(c bigint) RETURNS bigint LANGUAGE sql AS $$SELECT c$$;

CREATE FUNCTION billing.total(c bigint, s billing.state) RETURNS bigint LANGUAGE sql AS $$SELECT c$$;

ALTER TABLE ONLY public.customers ALTER COLUMN id SET DEFAULT nextval('public.customers_id_seq'::regclass);

ALTER TABLE ONLY public.customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id);

CREATE INDEX invoices_customer_idx ON billing.invoices USING btree (customer_id);

COMMENT ON INDEX billing.invoices_customer_idx IS 'lookups';

ALTER TABLE ONLY billing.invoices
    ADD CONSTRAINT invoices_customer_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id);

COMMENT ON COLUMN billing.invoices.state IS 'where it is';

GRANT SELECT ON TABLE billing.invoices TO reporting;
)sql";

TEST(SplitDumpTest, OneFilePerSchemaKeepsEveryStatementOnce) {
  auto files = Split(kDump, /*split=*/false);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_TRUE(files.count("db/schema/billing.sql"));
  EXPECT_TRUE(files.count("db/schema/public.sql"));
  EXPECT_NE(files["db/schema/database.sql"].find("CREATE EXTENSION"), std::string::npos);
  EXPECT_EQ(files["db/schema/billing.sql"].find("SET "), std::string::npos);
  std::string all;
  for (const auto& [path, text] : files) all += text;
  EXPECT_EQ(Kept(all), Kept(kDump));
}

TEST(SplitDumpTest, SplitPutsWhatIsAttachedWithItsObject) {
  auto files = Split(kDump, /*split=*/true);
  const std::string& customers = files["db/schema/public/customers.sql"];
  EXPECT_NE(customers.find("CREATE SEQUENCE public.customers_id_seq"), std::string::npos);
  EXPECT_NE(customers.find("OWNED BY"), std::string::npos);
  EXPECT_NE(customers.find("SET DEFAULT nextval"), std::string::npos);
  EXPECT_NE(customers.find("customers_pkey"), std::string::npos);
  const std::string& invoices = files["db/schema/billing/invoices.sql"];
  EXPECT_NE(invoices.find("CREATE INDEX invoices_customer_idx"), std::string::npos);
  EXPECT_NE(invoices.find("COMMENT ON INDEX"), std::string::npos);
  EXPECT_NE(invoices.find("invoices_customer_fkey"), std::string::npos);
  EXPECT_NE(invoices.find("COMMENT ON COLUMN"), std::string::npos);
  EXPECT_NE(invoices.find("GRANT SELECT"), std::string::npos);
  // Overloads share their name's file; the schema's own statements go beside its folder.
  EXPECT_EQ(Kept(files["db/schema/billing/total.sql"]).size(), 2u);
  EXPECT_NE(files["db/schema/billing.sql"].find("COMMENT ON SCHEMA billing"), std::string::npos);
  EXPECT_TRUE(files.count("db/schema/billing/state.sql"));
  std::string all;
  for (const auto& [path, text] : files) all += text;
  EXPECT_EQ(Kept(all), Kept(kDump));
}

TEST(SplitDumpTest, ARealDumpLosesNothing) {
  auto text = core::ReadFile(sql::testing::TestDataDir() + "/sql/real/e_petitions_structure.sql");
  ASSERT_TRUE(text.ok());
  for (bool split : {false, true}) {
    auto files = Split(*text, split);
    ASSERT_FALSE(files.empty());
    std::string all;
    for (const auto& [path, body] : files) {
      EXPECT_EQ(path.rfind("db/schema/", 0), 0u) << path;
      EXPECT_EQ(body.back(), '\n') << path;
      all += body;
    }
    EXPECT_EQ(Kept(all), Kept(*text)) << (split ? "split" : "per schema");
  }
}

TEST(SplitDumpTest, ADumpThatDoesNotParseIsAnError) {
  SplitDumpOptions options;
  auto files = SplitDump("CREATE TABLE t (id int);\nCREATE TABEL u ();\n", options);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code, core::kExitBadInput);
  EXPECT_NE(files.error().message.find("line 2"), std::string::npos) << files.error().message;
}

}  // namespace
}  // namespace pgstate::setup
