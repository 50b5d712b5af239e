#pragma once
// Move-only owners for libpg_query results and unpacked protobuf-c messages. Each destructor
// calls the matching free function; copy what you need (e.g. an error message) before the
// owner dies.

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <memory>
#include <utility>

namespace pgstate::sql {

/// Owns one result struct of libpg_query (PgQueryProtobufParseResult, PgQueryDeparseResult, …)
/// and frees it with `Free` on destruction.
template <typename R, void (*Free)(R)>
class PgQueryOwner {
 public:
  explicit PgQueryOwner(R result) : result_(result), owned_(true) {}
  PgQueryOwner(PgQueryOwner&& other) noexcept : result_(other.result_), owned_(other.owned_) {
    other.owned_ = false;
  }
  PgQueryOwner& operator=(PgQueryOwner&& other) noexcept {
    if (this != &other) {
      Reset();
      result_ = other.result_;
      owned_ = std::exchange(other.owned_, false);
    }
    return *this;
  }
  PgQueryOwner(const PgQueryOwner&) = delete;
  PgQueryOwner& operator=(const PgQueryOwner&) = delete;
  ~PgQueryOwner() { Reset(); }

  const R& get() const { return result_; }
  const R* operator->() const { return &result_; }

 private:
  void Reset() {
    if (owned_) Free(result_);
    owned_ = false;
  }
  R result_;
  bool owned_ = false;
};

using ProtobufParseResult =
    PgQueryOwner<PgQueryProtobufParseResult, pg_query_free_protobuf_parse_result>;
using DeparseResult = PgQueryOwner<PgQueryDeparseResult, pg_query_free_deparse_result>;
using SplitResult = PgQueryOwner<PgQuerySplitResult, pg_query_free_split_result>;
using PlainParseResult = PgQueryOwner<PgQueryParseResult, pg_query_free_parse_result>;

struct UnpackedParseResultDeleter {
  void operator()(PgQuery__ParseResult* p) const {
    pg_query__parse_result__free_unpacked(p, nullptr);
  }
};
/// A parse tree unpacked from libpg_query's protobuf output.
using UnpackedParseResult = std::unique_ptr<PgQuery__ParseResult, UnpackedParseResultDeleter>;

}  // namespace pgstate::sql
