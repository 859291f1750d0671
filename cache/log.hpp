#pragma once

// One key=value line per event on stderr (the service units send stderr to
// the journal or a log file). The level is checked before the message is
// formatted, so a disabled debug line costs a load and a compare.
// Never log credentials: log redacted URLs only.

#include <gomod/format.hpp>
#include <gomod/result.hpp>

#include <atomic>
#include <string_view>

namespace gpx::cache::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3 };

void set_level(Level level);
Result<Level> parse_level(std::string_view text);
bool enabled(Level level);
void write(Level level, std::string_view message);

} // namespace gpx::cache::log

#define GPX_LOG(level_, ...)                                                   \
  do {                                                                         \
    if (::gpx::cache::log::enabled(::gpx::cache::log::Level::level_)) {        \
      ::gpx::cache::log::write(::gpx::cache::log::Level::level_,               \
                               ::gpx::format(__VA_ARGS__));                    \
    }                                                                          \
  } while (false)
