#pragma once
// Runs a callable when the scope ends: one-off cleanup on every exit path.

#include <utility>

namespace pgstate::core {

template <typename F>
class Defer {
 public:
  explicit Defer(F f) : f_(std::move(f)) {}
  Defer(const Defer&) = delete;
  Defer& operator=(const Defer&) = delete;
  ~Defer() {
    if (active_) f_();
  }
  void Cancel() { active_ = false; }

 private:
  F f_;
  bool active_ = true;
};

}  // namespace pgstate::core
