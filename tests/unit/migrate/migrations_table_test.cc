#include "migrate/migrations_table.h"

#include <gtest/gtest.h>

namespace pgstate::migrate {
namespace {

TEST(MigrationsTable, ProductionTableIsExactlyTheDesignedOne) {
  EXPECT_EQ(CreateMigrationsTableSql(Env::kProd),
            "CREATE TABLE public.migrations\n"
            "( version TIMESTAMP PRIMARY KEY\n"
            ", \"create\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp()\n"
            ");\n");
}

TEST(MigrationsTable, StagingAndDevAddAHash) {
  for (Env env : {Env::kStaging, Env::kDev}) {
    EXPECT_EQ(CreateMigrationsTableSql(env),
              "CREATE TABLE public.migrations\n"
              "( version TIMESTAMP PRIMARY KEY\n"
              ", \"create\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp()\n"
              ", hash text\n"
              ");\n");
  }
}

TEST(MigrationsTable, RecordsAVersionAsATimestamp) {
  EXPECT_EQ(RecordVersionSql("20240131093000", false, std::nullopt),
            "INSERT INTO public.migrations (version) VALUES ('2024-01-31 09:30:00')");
  EXPECT_EQ(RecordVersionSql("20240131093000", true, std::string("ab")),
            "INSERT INTO public.migrations (version, hash) VALUES ('2024-01-31 09:30:00', 'ab')");
  EXPECT_EQ(RecordVersionSql("20240131093000", true, std::nullopt),
            "INSERT INTO public.migrations (version, hash) VALUES ('2024-01-31 09:30:00', NULL)");
  EXPECT_EQ(ForgetVersionSql("20240131093000"),
            "DELETE FROM public.migrations WHERE version = '2024-01-31 09:30:00'");
}

TEST(MigrationsTable, ParsesEnvironments) {
  EXPECT_EQ(ParseEnv("prod"), Env::kProd);
  EXPECT_EQ(ParseEnv("staging"), Env::kStaging);
  EXPECT_EQ(ParseEnv("dev"), Env::kDev);
  EXPECT_EQ(ParseEnv("production"), std::nullopt);
  EXPECT_STREQ(EnvName(Env::kStaging), "staging");
}

TEST(MigrationsTable, TableMustMatchTheEnvironment) {
  TableState with_hash{true, true, {}};
  TableState without_hash{true, false, {}};
  EXPECT_TRUE(CheckTableMatchesEnv(with_hash, Env::kDev).ok());
  EXPECT_TRUE(CheckTableMatchesEnv(without_hash, Env::kProd).ok());
  EXPECT_TRUE(CheckTableMatchesEnv(TableState{}, Env::kProd).ok());
  auto prod = CheckTableMatchesEnv(with_hash, Env::kProd);
  ASSERT_FALSE(prod.ok());
  EXPECT_EQ(prod.error().message,
            "the migrations table of this database has a hash column, so it is not a production "
            "database (--env prod)");
  auto dev = CheckTableMatchesEnv(without_hash, Env::kDev);
  ASSERT_FALSE(dev.ok());
  EXPECT_EQ(dev.error().message,
            "the migrations table of this database has no hash column, so it is a production "
            "database, not dev (--env dev)");
}

}  // namespace
}  // namespace pgstate::migrate
