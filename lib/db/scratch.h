#pragma once
// db/: everything pgstate does with a live PostgreSQL server.
//
// - binaries.h: find initdb/postgres of a major version on this machine.
// - ephemeral_cluster.h: a private, throwaway server (template cluster cached per major
//   version, copied per run, cleaned up on every exit path and on the next run after a kill).
// - scratch_server.h: the interface verify and plan use to get throwaway databases, and
//   DevServer for --dev-url / PGSTATE_DEV_URL.
// - connection.h: libpqxx connections whose failures are values (SQLSTATE, error position).
// - catalog.h, catalog_diff.h: what PostgreSQL made of the SQL, as a plain model, and the
//   differences between two such models.
//
// This header is the entry point: OpenScratchServer picks a DevServer when a URL is configured
// and starts an EphemeralCluster otherwise.

#include <memory>
#include <string>

#include "core/error.h"
#include "db/ephemeral_cluster.h"
#include "db/scratch_server.h"

namespace pgstate::db {

struct ScratchServerOptions {
  /// --dev-url; when empty, PGSTATE_DEV_URL; when both are empty, an ephemeral cluster.
  std::string dev_url;
  ClusterOptions cluster;
};

/// The server verify and plan use: an existing one when a URL is configured, otherwise a fresh
/// ephemeral cluster. Errors are kExitEnvironment (no binaries, cannot connect, cannot start).
core::Result<std::unique_ptr<ScratchServer>> OpenScratchServer(const ScratchServerOptions& options);

}  // namespace pgstate::db
