#include "wording.hpp"

#include <gomod/format.hpp>

namespace gpx::cli {

std::string
count(std::uint64_t n, std::string_view singular, std::string_view plural)
{
  if (n == 1) {
    return format("1 {}", singular);
  }
  return plural.empty() ? format("{} {}s", n, singular)
                        : format("{} {}", n, plural);
}

} // namespace gpx::cli
