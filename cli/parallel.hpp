#pragma once

// A fixed number of threads working through a list of tasks.

#include <cstddef>
#include <functional>

namespace gpx::cli {

// Runs task(i) for every i below count on up to jobs threads and returns
// when all are done. An exception thrown by a task is rethrown here, after
// every thread stopped, so it reaches main's handler instead of terminate.
void run_parallel(std::size_t count,
                  int jobs,
                  const std::function<void(std::size_t)>& task);

} // namespace gpx::cli
