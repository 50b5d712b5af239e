#include "sql/large_stack.h"

#include <pthread.h>

#include <condition_variable>
#include <exception>
#include <mutex>

namespace pgstate::sql {

namespace {

constexpr size_t kStackBytes = size_t{512} << 20;

thread_local bool on_helper = false;

class Helper {
 public:
  Helper() {
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return;
    if (pthread_attr_setstacksize(&attr, kStackBytes) == 0) {
      started_ = pthread_create(&thread_, &attr, &Helper::Main, this) == 0;
    }
    pthread_attr_destroy(&attr);
  }
  Helper(const Helper&) = delete;
  Helper& operator=(const Helper&) = delete;
  ~Helper() {
    if (!started_) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    pthread_join(thread_, nullptr);
  }

  void Run(const std::function<void()>& fn) {
    if (!started_) {
      fn();
      return;
    }
    std::unique_lock<std::mutex> lock(mu_);
    job_ = &fn;
    error_ = nullptr;
    done_ = false;
    cv_.notify_all();
    cv_.wait(lock, [&] { return done_; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static void* Main(void* self) {
    on_helper = true;
    static_cast<Helper*>(self)->Loop();
    return nullptr;
  }
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || job_ != nullptr; });
      if (stop_) return;
      const std::function<void()>* job = job_;
      lock.unlock();
      std::exception_ptr error;
      try {
        (*job)();
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      job_ = nullptr;
      error_ = error;
      done_ = true;
      cv_.notify_all();
    }
  }

  pthread_t thread_{};
  bool started_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  const std::function<void()>* job_ = nullptr;
  std::exception_ptr error_;
  bool done_ = false;
  bool stop_ = false;
};

}  // namespace

void RunWithLargeStack(const std::function<void()>& fn) {
  if (on_helper) {
    fn();
    return;
  }
  thread_local Helper helper;
  helper.Run(fn);
}

}  // namespace pgstate::sql
