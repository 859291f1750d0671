#include "verify.hpp"

#include <cache/atomic_file.hpp>
#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>

namespace fs = std::filesystem;

namespace gpx::cache {

Result<VerifyReport>
verify(Store& store, bool repair)
{
  VerifyReport report;
  auto rows = store.with_index([](Index& index) { return index.with_prefix(""); });
  if (!rows) {
    return rows.error();
  }
  for (const auto& row : *rows) {
    auto file = store.root() / row.path;
    std::string what;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      what = "missing";
    } else if (auto d = digest_file(file); !d) {
      what = d.error().message;
    } else if (d->first != row.size) {
      what = format("size {}, want {}", d->first, row.size);
    } else if (!row.sha256.empty() && d->second != row.sha256) {
      what = "sha256 differs from the one recorded when it was written";
    } else if (!row.h1.empty() && (row.kind == "zip" || row.kind == "mod")) {
      Result<std::string> h1 = make_error(Error::Code::internal, "");
      if (row.kind == "zip") {
        h1 = gomod::dirhash::hash_zip(file);
      } else if (auto text = read_small_file(file)) {
        h1 = gomod::dirhash::hash_go_mod(*text);
      } else {
        h1 = text.error();
      }
      if (!h1) {
        what = h1.error().message;
      } else if (*h1 != row.h1) {
        what = format("{}, want {}", *h1, row.h1);
      }
    }
    ++report.checked;
    report.bytes += row.size;
    if (what.empty()) {
      continue;
    }
    report.problems.push_back({row.path, what});
    if (repair) {
      GPX_TRY(store.remove(row.path));
      ++report.removed;
    }
  }
  return report;
}

} // namespace gpx::cache
