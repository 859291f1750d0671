#include "transfer.hpp"

#include <cache/atomic_file.hpp>
#include <cache/clock.hpp>
#include <cache/layout.hpp>
#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>
#include <gomod/module.hpp>
#include <gomod/pseudo.hpp>
#include <gomod/semver.hpp>
#include <gomod/zip.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace fs = std::filesystem;

namespace gpx::cache {

namespace {

constexpr const char* k_manifest = "gpx-bundle.json";

} // namespace

std::optional<ArtifactRow>
bundle_file_row(const std::string& rel)
{
  if (rel.starts_with("sumdb/")) {
    ArtifactRow r;
    r.path = rel;
    r.kind = "sumdb";
    auto lookup = rel.find("/lookup/");
    if (lookup != std::string::npos) {
      auto mv = sumdb_lookup_version(std::string_view(rel).substr(lookup + 1));
      if (!mv) {
        return std::nullopt;
      }
      r.module = mv->path;
      r.version = mv->version;
    } else if (rel.find("/tile/") == std::string::npos
               && !rel.ends_with("/latest")) {
      return std::nullopt;
    }
    // A partial tile or the latest tree head grows: stale at once, so an
    // online agent asks again, and still there offline.
    if (rel.ends_with("/latest") || rel.find(".p/") != std::string::npos) {
      r.expires_at = 0;
    }
    return r;
  }
  auto row = parse_artifact_path("download/" + rel);
  if (!row || (row->kind != "info" && row->kind != "mod" && row->kind != "zip")
      || gomod::canonical_version(row->version) != row->version) {
    return std::nullopt;
  }
  return row;
}

Result<std::map<std::string, std::string>>
parse_bundle_manifest(std::string_view text)
{
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("files") || !j["files"].is_object()) {
    return Error::invalid("not a gpx bundle manifest");
  }
  std::map<std::string, std::string> manifest;
  for (const auto& [rel, sha] : j["files"].items()) {
    if (sha.is_string()) {
      manifest[rel] = sha.get<std::string>();
    }
  }
  return manifest;
}

namespace {

// Why the file is not what its name says, or "".
std::string
check_file(const fs::path& file, ArtifactRow& row)
{
  if (row.kind == "zip") {
    gomod::Version mv{row.module, row.version};
    auto h1 = gomod::zip::checked_h1(mv, file);
    if (!h1) {
      return h1.error().message;
    }
    // The go command's record of the zip's hash, where there is one.
    auto ziphash = file;
    ziphash.replace_extension(".ziphash");
    if (auto recorded = read_small_file(ziphash)) {
      auto want = *recorded;
      while (!want.empty() && (want.back() == '\n' || want.back() == '\r')) {
        want.pop_back();
      }
      if (want != *h1) {
        return format("hashes to {}, its .ziphash says {}", *h1, want);
      }
    }
    row.h1 = *h1;
    return "";
  }
  if (row.kind == "mod" || row.kind == "info") {
    auto text = read_small_file(file);
    if (!text) {
      return text.error().message;
    }
    if (row.kind == "mod") {
      row.h1 = gomod::dirhash::hash_go_mod(*text);
      return "";
    }
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("Version") || !j["Version"].is_string()
        || j["Version"].get<std::string>() != row.version) {
      return format(".info does not name version {}", row.version);
    }
  }
  return "";
}

// A bundle's manifest (rel → sha256); empty for a tree without one.
Result<std::map<std::string, std::string>>
read_manifest(const fs::path& root)
{
  auto text = read_small_file(root / k_manifest);
  if (!text) {
    return std::map<std::string, std::string>();
  }
  auto parsed = parse_bundle_manifest(*text);
  if (!parsed) {
    return Error::invalid(
      format("{}: {}", (root / k_manifest).string(), parsed.error().message));
  }
  return std::move(*parsed);
}

// Why the tree's file at rel may not come in ("" if it may): check_file's
// verdict, then the manifest's sha256 when it names the file.
std::string
rejection(const fs::path& file,
          const std::string& rel,
          ArtifactRow& row,
          const std::map<std::string, std::string>& manifest)
{
  auto why = check_file(file, row);
  if (!why.empty()) {
    return why;
  }
  if (auto want = manifest.find(rel); want != manifest.end()) {
    auto d = digest_file(file);
    if (!d || d->second != want->second) {
      return "sha256 differs from the bundle's manifest";
    }
  }
  return {};
}

} // namespace

// Proves what import_tree brought in against the database: the bundle's
// files under sumdb/<name>/ are read as if from the database itself.
void
prove_imported(Store& store,
               const fs::path& root,
               const ProofOptions& proof,
               std::vector<ArtifactRow>& imported,
               TransferReport& report)
{
  auto dir = root / "sumdb" / proof.db.name;
  SumdbStore ops(store,
                 proof.db.name,
                 [dir](const std::string& path) -> Result<std::string> {
                   auto data = read_small_file(dir / path);
                   if (!data) {
                     return Error::not_found(
                       format("{}: not in the bundle", path));
                   }
                   return data;
                 });
  ops.set_origin("import");
  gomod::sumdb::Client client(proof.db, ops);
  (void)client.refresh_latest();
  for (const auto& row : imported) {
    if (!proof.proves(row.module)) {
      if (row.h1 != "") {
        (void)store.mark_proven(row.path);
      }
      continue;
    }
    auto l = client.lookup(row.module, row.version, true);
    if (!l) {
      l = client.adopt_lookup(row.module, row.version);
    }
    if (!l || row.h1.empty()) {
      continue; // unproven (or kept from before: no h1 given): proven on first
                // use
    }
    const auto& want =
      row.kind == "zip" ? l->hashes.zip_hash : l->hashes.go_mod_hash;
    if (want == row.h1) {
      (void)store.mark_proven(row.path);
      continue;
    }
    (void)store.remove(row.path);
    --report.files;
    ++report.rejected;
    report.problems.push_back(
      format("{}: hashes to {}, checksum database {} has {:?}",
             row.path,
             row.h1,
             proof.db.name,
             want));
  }
}

Result<TransferReport>
import_tree(Store& store,
            const fs::path& root,
            bool link,
            const ProofOptions* proof)
{
  std::vector<ArtifactRow> to_prove;
  TransferReport report;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return Error::not_found(format("{}: not a directory", root.string()));
  }
  auto manifest = read_manifest(root);
  if (!manifest) {
    return manifest.error();
  }
  auto now = unix_now();
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) {
      continue;
    }
    auto rel = fs::relative(it->path(), root, ec).generic_string();
    auto row = bundle_file_row(rel);
    if (!row || (row->kind == "sumdb" && proof != nullptr && !proof->db.off)) {
      // Proofs enter only through prove_imported, proven.
      continue;
    }
    auto existing = store.find(row->path);
    if (existing && existing->has_value()) {
      ++report.skipped;
      if (row->kind == "mod" || row->kind == "zip") {
        // Already here: only its proof is brought in, the file stays.
        row->h1.clear();
        to_prove.push_back(*row);
      }
      continue;
    }
    if (auto why = rejection(it->path(), rel, *row, *manifest); !why.empty()) {
      ++report.rejected;
      report.problems.push_back(rel + ": " + why);
      continue;
    }
    row->origin = "import";
    row->fetched_at = now;
    row->last_used_at = now;
    GPX_TRY(store.put_file(it->path(), *row, link));
    if (row->kind == "mod" || row->kind == "zip") {
      to_prove.push_back(*row);
    }
    ++report.files;
    report.bytes += static_cast<std::int64_t>(fs::file_size(it->path(), ec));
  }
  if (ec) {
    return Error::io(format("cannot read {}: {}", root.string(), ec.message()));
  }
  if (proof != nullptr && !proof->db.off) {
    prove_imported(store, root, *proof, to_prove, report);
  }
  return report;
}

Result<TransferReport>
export_tree(Store& store,
            const fs::path& dir,
            const std::function<bool(const ArtifactRow&)>& select)
{
  TransferReport report;
  auto rows =
    store.with_index([](Index& index) { return index.with_prefix(""); });
  if (!rows) {
    return rows.error();
  }
  nlohmann::json files = nlohmann::json::object();
  std::map<std::string, std::set<std::string>>
    lists; // escaped module dir → versions
  std::error_code ec;
  for (const auto& row : *rows) {
    bool module_file =
      row.path.starts_with("download/")
      && (row.kind == "info" || row.kind == "mod" || row.kind == "zip");
    // Only proofs: a checksum-database file from before gpx proved them is
    // worth nothing to the importing side.
    bool sumdb_file = row.path.starts_with("sumdb/") && row.proven;
    if ((!module_file && !sumdb_file) || !select(row)) {
      continue;
    }
    auto rel = module_file ? row.path.substr(9) : row.path;
    auto dest = dir / rel;
    fs::create_directories(dest.parent_path(), ec);
    if (ec
        || !fs::copy_file(store.root() / row.path,
                          dest,
                          fs::copy_options::overwrite_existing,
                          ec)) {
      return Error::io(
        format("cannot write {}: {}", dest.string(), ec.message()));
    }
    auto d = digest_file(dest);
    if (!d) {
      return d.error();
    }
    if (!row.sha256.empty() && d->second != row.sha256) {
      return Error::invalid(format(
        "{}: corrupt in the cache (run 'gpx verify --repair')", row.path));
    }
    files[rel] = d->second;
    ++report.files;
    report.bytes += d->first;
    if (module_file && !gomod::is_pseudo_version(row.version)) {
      lists[fs::path(rel).parent_path().generic_string()].insert(row.version);
    }
  }
  // A list per module, so that GOPROXY=file://DIR answers version queries.
  for (auto& [vdir, versions] : lists) {
    std::vector<std::string> sorted(versions.begin(), versions.end());
    gomod::semver::sort(sorted);
    std::string text;
    for (const auto& v : sorted) {
      text += v + "\n";
    }
    GPX_TRY(write_file_atomic(dir / vdir / "list", text));
  }
  GPX_TRY(write_file_atomic(
    dir / k_manifest,
    nlohmann::json{{"format", 1}, {"files", files}}.dump(1) + "\n"));
  return report;
}

} // namespace gpx::cache
