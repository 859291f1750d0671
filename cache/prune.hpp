#pragma once

// Keeping the cache within its budget, as ccache does: when it grows past
// max_size, evict least-recently-used artifacts until it is at 90% of
// max_size, so each pass buys room for a while instead of evicting one file
// per new download. Row first, then file: a client already streaming a
// file keeps its descriptor and finishes.

#include <cache/store.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gpx::cache {

struct PruneOptions
{
  std::uint64_t max_size = 0; // 0: no size bound
  std::int64_t older_than =
    -1; // unix seconds; evict anything last used before, -1: none
  bool dry_run = false;
  // Artifacts that must stay (a registered project's go.sum needs them).
  std::function<bool(const ArtifactRow&)> pinned;
};

struct PruneReport
{
  std::int64_t bytes_before = 0;
  std::int64_t bytes_after = 0;
  std::int64_t entries_removed = 0;
  std::int64_t bytes_freed = 0;
  std::vector<std::string> removed; // paths, LRU order
};

Result<PruneReport> prune(Store& store, const PruneOptions& options);

} // namespace gpx::cache
