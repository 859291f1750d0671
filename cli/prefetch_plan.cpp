#include "prefetch_plan.hpp"

#include <algorithm>
#include <map>

namespace gpx::cli {

Plan
plan_downloads(const Project& project,
               const gomod::modgraph::Graph& graph,
               const std::function<bool(const gomod::Version&)>& is_private)
{
  Plan plan;
  std::map<std::string, Item> items; // source key → item
  std::set<std::string> skipped;
  auto want = [&](const gomod::Version& m, bool zip) {
    if (project.mains.count(m.path) != 0) {
      return;
    }
    auto src = project.source(m);
    if (!src.local_dir.empty()) {
      return;
    }
    if (is_private && is_private(src.mod)) {
      skipped.insert(src.mod.str());
      return;
    }
    auto& item = items[src.mod.str()];
    item.requested = m;
    item.source = src;
    item.zip = item.zip || zip;
    item.info = item.zip;
  };
  for (const auto& [path, version] : graph.nodes) {
    want({path, version}, false);
  }
  for (const auto& [path, version] : graph.selected) {
    want({path, version}, true);
  }
  for (const auto& [key, entry] : project.sums.entries) {
    auto at = key.rfind('@');
    want({key.substr(0, at), key.substr(at + 1)}, !entry.zip_hash.empty());
  }
  for (auto& [key, item] : items) {
    plan.items.push_back(std::move(item));
  }
  plan.skipped_private = static_cast<int>(skipped.size());
  return plan;
}

void
keep_zips_of(Plan& plan, const std::set<std::string>& needed)
{
  for (auto& item : plan.items) {
    item.zip = item.zip
               && (needed.count(item.requested.str()) != 0
                   || needed.count(item.source.mod.str()) != 0);
  }
}

void
order_largest_first(std::vector<Item>& items)
{
  auto rank = [](const Item& i) {
    // Known sizes, then unknown, then no zip at all.
    return !i.zip ? 2 : i.zip_size < 0 ? 1 : 0;
  };
  std::stable_sort(
    items.begin(), items.end(), [&](const Item& a, const Item& b) {
      if (rank(a) != rank(b)) {
        return rank(a) < rank(b);
      }
      return rank(a) == 0 && a.zip_size > b.zip_size;
    });
}

} // namespace gpx::cli
