#pragma once
// Move-only owners for libpg_query results and unpacked protobuf-c messages. Each destructor
// calls the matching free function; copy what you need (e.g. an error message) before the
// owner dies.

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

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

/// Memory for unpacked protobuf-c messages, released all at once. Unpacking a parse tree
/// makes one allocation per node; an arena makes both the unpacking and the release cheap.
class Arena {
 public:
  explicit Arena(size_t first_block = 64 * 1024) : next_block_(first_block) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() {
    // Keep the biggest block for the next arena: parsing file after file then reuses memory
    // that is already mapped instead of faulting fresh pages in.
    Spare& spare = TheSpare();
    std::lock_guard<std::mutex> lock(spare.mu);
    for (size_t i = 0; i < blocks_.size(); ++i) {
      if (sizes_[i] > spare.size) {
        spare.block = std::move(blocks_[i]);
        spare.size = sizes_[i];
      }
    }
  }

  void* Alloc(size_t size) {
    size = (size + 15) & ~size_t{15};
    if (size > left_) {
      size_t block = std::max(size, next_block_);
      std::unique_ptr<unsigned char[]> reused;
      if (blocks_.empty()) {
        Spare& spare = TheSpare();
        std::lock_guard<std::mutex> lock(spare.mu);
        if (spare.block && spare.size >= block) {
          block = spare.size;
          reused = std::move(spare.block);
          spare.size = 0;
        }
      }
      if (reused) {
        blocks_.push_back(std::move(reused));
      } else {
        // Not value-initialised: zeroing would cost as much as the parse writes into it.
        blocks_.push_back(std::unique_ptr<unsigned char[]>(new unsigned char[block]));
      }
      sizes_.push_back(block);
      cursor_ = blocks_.back().get();
      left_ = block;
      next_block_ = block * 2;
    }
    void* p = cursor_;
    cursor_ += size;
    left_ -= size;
    return p;
  }
  /// A protobuf-c allocator drawing from this arena (its free is a no-op).
  ProtobufCAllocator* allocator() { return &allocator_; }

 private:
  struct Spare {
    std::mutex mu;
    std::unique_ptr<unsigned char[]> block;
    size_t size = 0;
  };
  static Spare& TheSpare() {
    static Spare spare;
    return spare;
  }
  static void* AllocThunk(void* self, size_t size) {
    return static_cast<Arena*>(self)->Alloc(size);
  }
  static void FreeThunk(void*, void*) {}

  std::vector<std::unique_ptr<unsigned char[]>> blocks_;
  std::vector<size_t> sizes_;
  unsigned char* cursor_ = nullptr;
  size_t left_ = 0;
  size_t next_block_;
  ProtobufCAllocator allocator_{&Arena::AllocThunk, &Arena::FreeThunk, this};
};

}  // namespace pgstate::sql
