#include <cli/parallel.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using gpx::cli::run_parallel;

TEST_SUITE("cli")
{
  TEST_CASE("run_parallel runs every task once, on no more threads than asked")
  {
    for (int jobs : {1, 3, 64}) {
      CAPTURE(jobs);
      std::vector<std::atomic<int>> runs(100);
      std::mutex mutex;
      std::set<std::thread::id> threads;
      run_parallel(runs.size(), jobs, [&](std::size_t i) {
        ++runs[i];
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
      });
      for (const auto& r : runs) {
        CHECK(r == 1);
      }
      CHECK(threads.size() <= static_cast<std::size_t>(jobs));
    }
    int none = 0;
    run_parallel(0, 8, [&](std::size_t) { ++none; });
    CHECK(none == 0);
  }

  TEST_CASE(
    "run_parallel rethrows a task's exception once every thread stopped")
  {
    std::atomic<int> ran{0};
    CHECK_THROWS_AS(run_parallel(1000,
                                 4,
                                 [&](std::size_t i) {
                                   ++ran;
                                   if (i == 10) {
                                     throw std::runtime_error("boom");
                                   }
                                 }),
                    std::runtime_error);
  }
}
