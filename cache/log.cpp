#include "log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace gpx::cache::log {

namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mutex;

constexpr const char* k_names[] = {"error", "warn", "info", "debug"};

} // namespace

void
set_level(Level level)
{
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

Result<Level>
parse_level(std::string_view text)
{
  for (int i = 0; i < 4; ++i) {
    if (text == k_names[i]) {
      return static_cast<Level>(i);
    }
  }
  return Error::invalid(
    format("{:?} is not a level (use error, warn, info or debug)", text));
}

bool
enabled(Level level)
{
  return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed);
}

void
write(Level level, std::string_view message)
{
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  // One write per line under a lock, so lines from threads never interleave.
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr,
               "%s level=%s %.*s\n",
               stamp,
               k_names[static_cast<int>(level)],
               static_cast<int>(message.size()),
               message.data());
  std::fflush(stderr);
}

} // namespace gpx::cache::log
