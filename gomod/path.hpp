#pragma once

// Slash-separated paths as Go's path package treats them: module zips name
// files with "/" whatever the host system, so these rules are Go's, not the
// filesystem's.

#include <string>
#include <string_view>

namespace gpx::gomod::path {

// path.Clean: the shortest equivalent path ("a//b/../c" → "a/c", "" → ".").
std::string clean(std::string_view p);

} // namespace gpx::gomod::path
