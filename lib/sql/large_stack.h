#pragma once
// Runs work on a thread with a large stack. libpg_query and the walks over its trees recurse
// once per nesting level, and a long operator chain (`SELECT 1+1+…`, 50,000 terms) nests
// deeply enough to overflow a default 8 MB stack. Parsing on a 512 MB stack (address space
// only; pages are touched as used) turns that crash into an ordinary parse.

#include <functional>

namespace pgstate::sql {

/// Runs `fn` to completion on this thread's large-stack helper thread (created on first use,
/// reused, joined when this thread ends) and rethrows what it throws. Runs `fn` directly when
/// called from the helper itself or when no thread can be created.
void RunWithLargeStack(const std::function<void()>& fn);

}  // namespace pgstate::sql
