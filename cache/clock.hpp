#pragma once

// The one clock the cache's timestamps (last_used_at, expires_at, proofs'
// ages) are read from, so that every row compares against the same scale.

#include <cstdint>

namespace gpx::cache {

// Whole seconds since the Unix epoch, by the wall clock.
std::int64_t unix_now();

} // namespace gpx::cache
