#include "migrate/migration_files.h"

#include <gtest/gtest.h>

#include "core/file.h"
#include "core/temp_dir.h"

namespace pgstate::migrate {
namespace {

TEST(MigrationNameTest, ParsesVersionAndSlug) {
  auto name = ParseMigrationName("20240131093000_add_users_email.sql");
  ASSERT_TRUE(name.ok()) << name.error().message;
  EXPECT_EQ(name->version, "20240131093000");
  EXPECT_EQ(name->slug, "add_users_email");
}

TEST(MigrationNameTest, RejectsShapesWithExactMessages) {
  const char* kShape = "' does not match <yyyymmddHHMMSS>_<slug>.sql";
  for (const char* bad :
       {"2024_x.sql", "20240131093000.sql", "20240131093000_.sql", "20240131093000-add.sql",
        "20240131093000_add.SQL", "x20240131093000_a.sql", "2024013109300a_add.sql"}) {
    auto name = ParseMigrationName(bad);
    ASSERT_FALSE(name.ok()) << bad;
    EXPECT_EQ(name.error().message, std::string("migration name '") + bad + kShape);
    EXPECT_EQ(name.error().code, core::kExitBadInput);
  }
  auto upper = ParseMigrationName("20240131093000_AddUsers.sql");
  ASSERT_FALSE(upper.ok());
  EXPECT_EQ(upper.error().message,
            "migration name '20240131093000_AddUsers.sql': slug 'AddUsers' may only contain a-z, "
            "0-9 and '_'");
}

TEST(MigrationNameTest, RejectsImpossibleDates) {
  auto feb30 = ParseMigrationName("20240230120000_x.sql");
  ASSERT_FALSE(feb30.ok());
  EXPECT_EQ(feb30.error().message,
            "migration version '20240230120000' is not a valid date and time");
  EXPECT_TRUE(IsValidVersion("20240229235959"));   // leap year
  EXPECT_FALSE(IsValidVersion("20230229000000"));  // not a leap year
  EXPECT_TRUE(IsValidVersion("20000229000000"));   // divisible by 400
  EXPECT_FALSE(IsValidVersion("19000229000000"));  // divisible by 100
  EXPECT_FALSE(IsValidVersion("20241301000000"));
  EXPECT_FALSE(IsValidVersion("20241200000000"));
  EXPECT_FALSE(IsValidVersion("20241231240000"));
  EXPECT_FALSE(IsValidVersion("20241231236000"));
  EXPECT_FALSE(IsValidVersion("20241231235960"));
  EXPECT_FALSE(IsValidVersion("00001231000000"));
  EXPECT_FALSE(IsValidVersion("2024123100000"));
  EXPECT_TRUE(IsValidVersion("20241130000000"));
  EXPECT_FALSE(IsValidVersion("20241131000000"));
}

TEST(MigrationNameTest, VersionTimestamp) {
  EXPECT_EQ(VersionTimestamp("20240131093005"), "2024-01-31 09:30:05");
}

TEST(MigrationListingTest, SortsByVersionAndSeparatesInvalidNames) {
  auto listing =
      ClassifyMigrationPaths({"m/20240201000000_b.sql", "m/README.md", "m/20240101000000_a.sql",
                              "m/oops.sql", "m/20240101000000_0.sql"});
  ASSERT_EQ(listing.migrations.size(), 3u);
  EXPECT_EQ(listing.migrations[0].path, "m/20240101000000_0.sql");
  EXPECT_EQ(listing.migrations[1].name, "20240101000000_a.sql");
  EXPECT_EQ(listing.migrations[2].version, "20240201000000");
  EXPECT_EQ(listing.migrations[2].slug, "b");
  ASSERT_EQ(listing.invalid.size(), 1u);
  EXPECT_EQ(listing.invalid[0].path, "m/oops.sql");
}

TEST(MigrationListingTest, ReportsEveryLaterFileThatRepeatsAVersion) {
  auto listing = ClassifyMigrationPaths({"m/20240101000000_c.sql", "m/20240101000000_a.sql",
                                         "m/20240102000000_d.sql", "m/20240101000000_b.sql"});
  ASSERT_EQ(listing.duplicates.size(), 2u);
  EXPECT_EQ(listing.duplicates[0].path, "m/20240101000000_b.sql");
  EXPECT_EQ(listing.duplicates[0].first_path, "m/20240101000000_a.sql");
  EXPECT_EQ(listing.duplicates[1].path, "m/20240101000000_c.sql");
  EXPECT_EQ(listing.duplicates[1].first_path, "m/20240101000000_a.sql");
  EXPECT_EQ(DuplicateVersionMessage(listing.duplicates[0]),
            "migration version '20240101000000' is also used by 'm/20240101000000_a.sql'");
}

TEST(MigrationListingTest, ListsADirectoryAndToleratesAMissingOne) {
  auto dir = core::ScopedTempDir::Create("pgstate-migrations-");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(core::WriteFileAtomic(dir->path() + "/20240102000000_second.sql", "").ok());
  ASSERT_TRUE(core::WriteFileAtomic(dir->path() + "/20240101000000_first.sql", "").ok());
  ASSERT_TRUE(core::WriteFileAtomic(dir->path() + "/notes.txt", "").ok());
  auto listing = ListMigrations(dir->path());
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  ASSERT_EQ(listing->migrations.size(), 2u);
  EXPECT_EQ(listing->migrations[0].path, dir->path() + "/20240101000000_first.sql");
  EXPECT_EQ(listing->migrations[1].slug, "second");
  EXPECT_TRUE(listing->invalid.empty());

  auto missing = ListMigrations(dir->path() + "/nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->migrations.empty());
}

TEST(MigrationContentTest, SplitsUpAndDown) {
  std::string text =
      "-- pgstate:no-transaction\r\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- pgstate:down  \n"
      "DROP INDEX CONCURRENTLY i;\n";
  MigrationContent c = SplitMigration(text);
  EXPECT_TRUE(c.no_transaction);
  EXPECT_EQ(c.up, "-- pgstate:no-transaction\r\nCREATE INDEX CONCURRENTLY i ON t (a);\n");
  ASSERT_TRUE(c.down.has_value());
  EXPECT_EQ(*c.down, "DROP INDEX CONCURRENTLY i;\n");
  EXPECT_EQ(c.down_line, 3);
}

TEST(MigrationContentTest, NoMarkersMeansAllUp) {
  std::string text = "SELECT 1; -- pgstate:down\n  -- pgstate:down\n-- pgstate:downgrade\n";
  MigrationContent c = SplitMigration(text);
  EXPECT_FALSE(c.no_transaction);
  EXPECT_EQ(c.up, text);
  EXPECT_FALSE(c.down.has_value());
  EXPECT_EQ(c.down_line, 0);
  // The header only counts on the first line.
  EXPECT_FALSE(SplitMigration("\n-- pgstate:no-transaction\n").no_transaction);
}

TEST(MigrationContentTest, MarkerOnTheLastLineWithoutNewline) {
  MigrationContent c = SplitMigration("SELECT 1;\n-- pgstate:down");
  EXPECT_EQ(c.up, "SELECT 1;\n");
  ASSERT_TRUE(c.down.has_value());
  EXPECT_EQ(*c.down, "");
}

TEST(BaselineHeaderTest, RoundTrips) {
  std::string text = BaselineHeader("20240131093000") + "\nCREATE TABLE t ();\n";
  EXPECT_EQ(text.substr(0, text.find('\n')), "-- pgstate:baseline version=20240131093000");
  auto v = ParseBaselineVersion(text);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->value_or(""), "20240131093000");
}

TEST(BaselineHeaderTest, ReservedWordsAndAbsentHeader) {
  auto extra = ParseBaselineVersion("-- pgstate:baseline version=20240131093000 source=prod\r\n");
  ASSERT_TRUE(extra.ok());
  EXPECT_EQ(extra->value_or(""), "20240131093000");
  auto none = ParseBaselineVersion("--\n-- PostgreSQL database dump\n");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto empty = ParseBaselineVersion("");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_value());
}

TEST(BaselineHeaderTest, MalformedHeaderIsAnError) {
  for (const char* bad :
       {"-- pgstate:baseline version=2024", "-- pgstate:baseline",
        "-- pgstate:baseline 20240131093000", "-- pgstate:baseline version=20240131093000 junk",
        "-- pgstate:baseline version=20241331093000"}) {
    auto v = ParseBaselineVersion(std::string(bad) + "\n");
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.error().message, std::string("malformed baseline header '") + bad +
                                     "' (expected '-- pgstate:baseline version=<yyyymmddHHMMSS>')");
  }
}

TEST(Sha256Test, KnownVectors) {
  // FIPS 180-4 examples and block-boundary lengths (55, 56, 64 bytes pad differently).
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(Sha256Hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(Sha256Hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(Sha256Hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

}  // namespace
}  // namespace pgstate::migrate
