#pragma once

// The one place that includes fmt: when g++ grows <format>, only this file
// changes (ccache keeps the same seam in its fmtmacros.hpp).

#include <fmt/core.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace gpx {
using fmt::format;
} // namespace gpx
