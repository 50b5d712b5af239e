#include "migrate/rebaseline.h"

#include <gtest/gtest.h>

namespace pgstate::migrate {
namespace {

TEST(NormalizeDump, DropsWhatChangesFromRunToRunAndPutsTheHeaderFirst) {
  std::string dump =
      "--\n"
      "-- PostgreSQL database dump\n"
      "--\n"
      "\\restrict 4f8a1b\n"
      "\n"
      "-- Dumped from database version 15.18\n"
      "-- Dumped by pg_dump version 17.6\n"
      "\n"
      "SET statement_timeout = 0;\n"
      "SELECT pg_catalog.set_config('search_path', '', false);\n"
      "SET check_function_bodies = false;\n"
      "\n"
      "\n"
      "\n"
      "CREATE TABLE public.users (\r\n"
      "    id bigint NOT NULL\n"
      ");\n"
      "\n"
      "\\unrestrict 4f8a1b\n"
      "\n";
  EXPECT_EQ(NormalizeDump(dump, "-- pgstate:baseline version=20240102000000"),
            "-- pgstate:baseline version=20240102000000\n"
            "--\n"
            "-- PostgreSQL database dump\n"
            "--\n"
            "\n"
            "SET statement_timeout = 0;\n"
            "SET check_function_bodies = false;\n"
            "\n"
            "CREATE TABLE public.users (\n"
            "    id bigint NOT NULL\n"
            ");\n");
}

TEST(NormalizeDump, IsIdempotentOnItsOwnOutput) {
  std::string once = NormalizeDump("CREATE SCHEMA a;\n\n\nCREATE SCHEMA b;\n", "-- h");
  EXPECT_EQ(NormalizeDump(once, ""), once);
}

}  // namespace
}  // namespace pgstate::migrate
