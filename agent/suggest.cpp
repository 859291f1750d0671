#include "suggest.hpp"

#include <algorithm>
#include <vector>

namespace gpx::agent {

std::size_t
edit_distance(std::string_view a, std::string_view b, std::size_t limit)
{
  std::size_t longer = std::max(a.size(), b.size());
  std::size_t shorter = std::min(a.size(), b.size());
  if (longer - shorter > limit) {
    return limit + 1;
  }
  // Three rows of the dynamic programme: the one two back is needed for a
  // swap of neighbours.
  std::vector<std::size_t> back(b.size() + 1), prev(b.size() + 1),
    row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    prev[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    std::size_t best = row[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], back[j - 2] + 1);
      }
      best = std::min(best, row[j]);
    }
    if (best > limit) {
      return limit + 1;
    }
    std::swap(back, prev);
    std::swap(prev, row);
  }
  return std::min(prev[b.size()], limit + 1);
}

std::optional<std::string>
closest(std::string_view word, std::span<const std::string> candidates)
{
  constexpr std::size_t k_max_distance = 2;
  // A one-letter word is one edit from every other one-letter flag.
  if (word.size() < 2
      || std::find(candidates.begin(), candidates.end(), word)
           != candidates.end()) {
    return std::nullopt;
  }
  const std::string* best = nullptr;
  std::size_t best_distance = k_max_distance + 1;
  for (const auto& c : candidates) {
    auto d = edit_distance(word, c, k_max_distance);
    // Most of a short word edited away is no longer a typo of it.
    if (d < best_distance && d < c.size() / 2 + 1) {
      best = &c;
      best_distance = d;
    }
  }
  if (best != nullptr) {
    return *best;
  }
  if (word.size() >= 3) {
    for (const auto& c : candidates) {
      if (c.starts_with(word)) {
        return c;
      }
    }
  }
  return std::nullopt;
}

} // namespace gpx::agent
