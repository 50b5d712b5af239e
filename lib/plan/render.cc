#include "plan/render.h"

#include "plan/quote.h"

namespace pgstate::plan {

namespace {

bool SlowByDesign(const std::string& sql) {
  return sql.find(" CONCURRENTLY ") != std::string::npos ||
         sql.find(" VALIDATE CONSTRAINT ") != std::string::npos;
}

}  // namespace

std::vector<MigrationText> RenderPlan(const Plan& plan, const RenderOptions& options) {
  std::vector<MigrationText> out;
  for (bool online : {false, true}) {
    std::string body;
    std::string lock, statement;  // the values in force
    for (const Step& step : plan.steps) {
      if (step.online != online) continue;
      if (!body.empty()) body += "\n";
      if (step.locks_existing) {
        std::string want_lock = options.lock_timeout;
        std::string want_statement = options.statement_timeout;
        if (!want_statement.empty() && SlowByDesign(step.sql)) want_statement = "0";
        if (!want_lock.empty() && want_lock != lock) {
          body += "SET lock_timeout = " + QuoteLiteral(want_lock) + ";\n";
          lock = want_lock;
        }
        if (!want_statement.empty() && want_statement != statement) {
          body += "SET statement_timeout = " + QuoteLiteral(want_statement) + ";\n";
          statement = want_statement;
        }
      }
      for (const Hazard& h : step.hazards) body += "-- hazard " + h.id + ": " + h.message + "\n";
      body += step.sql + ";\n";
    }
    if (body.empty()) continue;
    MigrationText text;
    text.no_transaction = online;
    if (online) {
      text.sql =
          "-- pgstate:no-transaction\n"
          "-- Each statement runs in a transaction of its own (CREATE INDEX CONCURRENTLY,\n"
          "-- VALIDATE CONSTRAINT), after the migration before this one.\n\n" +
          body;
    } else {
      text.sql = body;
    }
    out.push_back(std::move(text));
  }
  return out;
}

std::vector<std::string> HazardLines(const Plan& plan) {
  std::vector<std::string> lines;
  for (const Step& step : plan.steps) {
    for (const Hazard& h : step.hazards) lines.push_back(h.id + ": " + h.message);
  }
  return lines;
}

}  // namespace pgstate::plan
