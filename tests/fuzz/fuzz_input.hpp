#pragma once

// Splitting one fuzz input into the several strings a target needs: a
// mutation of one line leaves the others as they were, so libFuzzer can
// work on each field of a seed separately.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gpx::fuzz {

inline std::string
text(const std::uint8_t* data, std::size_t size)
{
  return std::string(reinterpret_cast<const char*>(data), size);
}

// The input's lines, without their '\n'; at least `min` of them (missing
// ones are ""), at most `max` (the last keeps the rest, newlines and all).
inline std::vector<std::string>
lines(const std::string& in, std::size_t min, std::size_t max)
{
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= in.size() && out.size() + 1 < max) {
    auto nl = in.find('\n', pos);
    if (nl == std::string::npos) {
      break;
    }
    out.push_back(in.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (pos <= in.size()) {
    out.push_back(in.substr(pos));
  }
  while (out.size() < min) {
    out.emplace_back();
  }
  return out;
}

} // namespace gpx::fuzz
