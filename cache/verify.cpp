#include "verify.hpp"

#include <cache/atomic_file.hpp>
#include <cache/sumdb_store.hpp>
#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>
#include <gomod/module.hpp>

namespace fs = std::filesystem;

namespace gpx::cache {

Result<std::string>
artifact_h1(std::string_view kind, const std::filesystem::path& file)
{
  if (kind == "zip") {
    return gomod::dirhash::hash_zip(file);
  }
  auto text = read_small_file(file);
  if (!text) {
    return text.error();
  }
  return gomod::dirhash::hash_go_mod(*text);
}

namespace {

// What is wrong with a public .mod/.zip whose bytes hash to h1, as the
// checksum database's cached, proven record sees it; "" when it matches.
std::string
disproof(gomod::sumdb::Client& client,
         const ArtifactRow& row,
         const std::string& h1)
{
  auto l = client.lookup(row.module, row.version, true);
  if (!l) {
    return "not proven: " + l.error().message;
  }
  const auto& want =
    row.kind == "zip" ? l->hashes.zip_hash : l->hashes.go_mod_hash;
  if (want != h1) {
    return format(
      "{}, but checksum database {} has {:?}", h1, client.name(), want);
  }
  return "";
}

} // namespace

Result<VerifyReport>
verify(Store& store, bool repair, const ProofOptions* proof)
{
  VerifyReport report;
  std::unique_ptr<SumdbStore> proofs;
  std::unique_ptr<gomod::sumdb::Client> client;
  if (proof != nullptr && !proof->db.off) {
    proofs = std::make_unique<SumdbStore>(store, proof->db.name);
    client = std::make_unique<gomod::sumdb::Client>(proof->db, *proofs);
  }
  auto rows =
    store.with_index([](Index& index) { return index.with_prefix(""); });
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
    } else if (row.kind == "zip" || row.kind == "mod") {
      auto h1 = artifact_h1(row.kind, file);
      if (!h1) {
        what = h1.error().message;
      } else if (!row.h1.empty() && *h1 != row.h1) {
        what = format("{}, want {}", *h1, row.h1);
      } else if (client && gomod::canonical_version(row.version) == row.version
                 && proof->proves(row.module)) {
        what = disproof(*client, row, *h1);
        if (what.empty() && !row.proven) {
          (void)store.mark_proven(row.path);
        }
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
