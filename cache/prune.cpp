#include "prune.hpp"

namespace gpx::cache {

Result<PruneReport>
prune(Store& store, const PruneOptions& options)
{
  // Usage noted in memory must count before deciding what is oldest.
  GPX_TRY(store.flush_usage());
  auto totals = store.with_index([](Index& index) { return index.totals(); });
  if (!totals) {
    return totals.error();
  }
  PruneReport report;
  report.bytes_before = totals->bytes;
  std::int64_t bytes = totals->bytes;
  // Above the bound, go down to 90% of it (ccache's margin).
  std::int64_t target =
    options.max_size > 0 && static_cast<std::uint64_t>(bytes) > options.max_size
      ? static_cast<std::int64_t>(options.max_size / 10 * 9)
      : bytes;
  if (bytes <= target && options.older_than < 0) {
    report.bytes_after = bytes;
    return report;
  }
  auto rows = store.with_index(
    [](Index& index) { return index.least_recently_used(INT64_MAX); });
  if (!rows) {
    return rows.error();
  }
  for (const auto& row : *rows) {
    bool too_big = bytes > target;
    bool too_old =
      options.older_than >= 0 && row.last_used_at < options.older_than;
    if (!too_big && !too_old) {
      if (options.older_than < 0) {
        break; // LRU order: nothing later is older, and the size is fine
      }
      continue;
    }
    if (options.pinned && options.pinned(row)) {
      continue;
    }
    if (!options.dry_run) {
      GPX_TRY(store.remove(row.path));
    }
    bytes -= row.size;
    report.bytes_freed += row.size;
    ++report.entries_removed;
    report.removed.push_back(row.path);
  }
  report.bytes_after = bytes;
  return report;
}

} // namespace gpx::cache
