#pragma once

// Counted nouns as people write them: "1 file", "2 files", never "1 files".

#include <cstdint>
#include <string>
#include <string_view>

namespace gpx::cli {

// "1 file", "0 files", "3 entries" (with plural "entries").
std::string
count(std::uint64_t n, std::string_view singular, std::string_view plural = {});

} // namespace gpx::cli
