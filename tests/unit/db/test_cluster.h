#pragma once
// One ephemeral PostgreSQL server per test process, started on first use (the plan and migrate
// tests share it). Without PostgreSQL binaries on the machine the process exits 125, which
// CTest reports as skipped.

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "db/binaries.h"
#include "db/ephemeral_cluster.h"

namespace pgstate::testing {

inline db::EphemeralCluster& Cluster() {
  static std::unique_ptr<db::EphemeralCluster> cluster = [] {
    if (!db::FindPostgresBinaries().ok()) {
      std::fprintf(stderr, "skipped: no PostgreSQL server binaries\n");
      std::exit(125);
    }
    auto started = db::EphemeralCluster::Start();
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start PostgreSQL: %s\n", started.error().ToString().c_str());
      std::abort();
    }
    return std::move(*started);
  }();
  return *cluster;
}

}  // namespace pgstate::testing
