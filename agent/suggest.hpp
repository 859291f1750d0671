#pragma once

// Did-you-mean for names a user types: commands, flags, config keys. Here,
// not in cli/, because config keys are read in agent/ and cli/ sits above.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gpx::agent {

// Optimal string alignment distance (Damerau-Levenshtein where no substring
// is edited twice): insertions, deletions, substitutions and swaps of two
// neighbours cost 1 each, so "max_sise" is 1 from "max_size" and "strat" 1
// from "start". Stops counting past `limit` and returns limit + 1, so a long
// hostile word costs no more than the limit's band.
std::size_t
edit_distance(std::string_view a, std::string_view b, std::size_t limit);

// The candidate closest to `word` within distance 2, or one that `word` is
// a prefix of (at least 3 characters), or nothing. Ties go to the first
// candidate; a word that is itself a candidate has no suggestion.
std::optional<std::string> closest(std::string_view word,
                                   std::span<const std::string> candidates);

} // namespace gpx::agent
