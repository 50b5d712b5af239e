#pragma once
// Error and Result<T>: expected failures are values, not exceptions.
//
// A function that can fail for a user-caused reason (bad SQL, missing file, unreachable
// database) returns Result<T>. Exceptions never cross a module boundary.

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "core/exit_code.h"
#include "core/source_location.h"

namespace pgstate::core {

/// What went wrong, which exit code it maps to, and where (if it is about a file).
struct Error {
  ExitCode code = kExitBadInput;
  std::string message;  ///< lowercase first word, no trailing period
  std::optional<SourceLocation> location;

  Error() = default;
  Error(ExitCode c, std::string m, std::optional<SourceLocation> loc = std::nullopt)
      : code(c), message(std::move(m)), location(std::move(loc)) {}

  /// "file:line:col: message" or just the message.
  std::string ToString() const {
    return location ? location->ToString() + ": " + message : message;
  }
};

/// Either a value or an Error. A small stand-in for std::expected (C++23).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& take_error() {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

/// Result of an operation with no value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *error_;
  }
  Error&& take_error() {
    assert(!ok());
    return std::move(*error_);
  }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace pgstate::core
