#pragma once

// Go toolchain versions as the go and toolchain lines write them
// (internal/gover): "1.21" (the language), "1.21rc1", "1.21.0". Not
// semver: 1.21 < 1.21rc1 < 1.21.0 < 1.21.1.

#include <string>
#include <string_view>

namespace gpx::gomod::gover {

// <0, 0, >0, as internal/gover.Compare: "1" = "1.0.0", "1.20" = "1.20.0"
// but "1.21" < "1.21rc1" < "1.21.0"; the prerelease kind compares as a
// word ("" < alpha < beta < rc; "1.999testmod" is valid). Anything that
// does not parse orders before everything else.
int compare(std::string_view a, std::string_view b);
bool is_valid(std::string_view v);

// The version named by a toolchain line or go env GOVERSION: "go1.21.3" →
// "1.21.3", "go1.22rc1-custom" → "1.22rc1"; "" if it names none.
std::string from_toolchain(std::string_view name);

} // namespace gpx::gomod::gover
