#include "parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace gpx::cli {

void
run_parallel(std::size_t count,
             int jobs,
             const std::function<void(std::size_t)>& task)
{
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr first_error;
  std::vector<std::thread> threads;
  auto n = std::max<std::size_t>(
    1,
    std::min<std::size_t>(static_cast<std::size_t>(std::max(jobs, 1)), count));
  for (std::size_t t = 0; t < n; ++t) {
    threads.emplace_back([&] {
      try {
        for (std::size_t i = next++; i < count; i = next++) {
          task(i);
        }
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first_error) {
          first_error = std::current_exception();
        }
        next = count; // the others stop at their next task
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  if (first_error) {
    std::rethrow_exception(first_error);
  }
}

} // namespace gpx::cli
