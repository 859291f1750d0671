#include "prefetch_download.hpp"

#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>

#include <unistd.h>

#include <atomic>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

std::string
lookup_url(const DownloadContext& ctx, const gomod::Version& m)
{
  auto path = gomod::escape_path(m.path);
  auto version = gomod::escape_version(m.version);
  return format("{}/sumdb/{}/lookup/{}@{}",
                ctx.agent.url(),
                ctx.sumdb,
                path ? *path : "",
                version ? *version : "");
}

// A record line "PATH VERSION[/go.mod] h1:…" of a lookup answer; "" when
// the answer has none.
std::string
record_hash(const std::string& answer,
            const gomod::Version& m,
            std::string_view suffix)
{
  auto prefix = format("{} {}{} ", m.path, m.version, suffix);
  for (std::size_t at = answer.find(prefix); at != std::string::npos;
       at = answer.find(prefix, at + 1)) {
    if (at == 0 || answer[at - 1] == '\n') {
      auto end = answer.find('\n', at);
      return answer.substr(at + prefix.size(),
                           end == std::string::npos ? std::string::npos
                                                    : end - at - prefix.size());
    }
  }
  return "";
}

// The zip through a temporary file: hashed, then removed.
Result<std::string>
zip_hash(const gomod::Version& m, const DownloadContext& ctx)
{
  static std::atomic<int> counter{0};
  auto tmp =
    ctx.tmp_dir / format("gpx-prefetch-{}-{}.zip", getpid(), counter++);
  auto got = ctx.agent.get_zip(m, tmp);
  Result<std::string> h =
    got ? gomod::dirhash::hash_zip(tmp) : Result<std::string>(got.error());
  std::error_code ec;
  fs::remove(tmp, ec);
  if (!h && got) {
    return h.error().wrap(m.str() + ".zip");
  }
  return h;
}

} // namespace

DownloadOutcome
download_one(const Item& item, const DownloadContext& ctx)
{
  DownloadOutcome out;
  const auto& m = item.source.mod;
  const auto* sum = ctx.sums.find(m.path, m.version);

  if (item.info) {
    if (auto info = ctx.agent.get(m, ".info"); !info) {
      out.errors.push_back(info.error().message);
      return out;
    }
  }
  std::string mod;
  if (auto it = ctx.mod_bodies.find(m.str()); it != ctx.mod_bodies.end()) {
    mod = it->second;
  } else if (auto got = ctx.agent.get(m, ".mod")) {
    mod = std::move(*got);
  } else {
    out.errors.push_back(got.error().message);
    return out;
  }
  auto mod_hash = gomod::dirhash::hash_go_mod(mod);
  if (sum != nullptr && !sum->go_mod_hash.empty()
      && sum->go_mod_hash != mod_hash) {
    out.mismatches.push_back(format("{}/go.mod: downloaded {}, go.sum has {}",
                                    m.str(),
                                    mod_hash,
                                    sum->go_mod_hash));
  }

  std::string zip;
  if (item.zip) {
    if (!item.zip_was_cached) {
      // The agent said so before something (go list) fetched it for us.
      ctx.agent.note(m, false);
    }
    auto h = zip_hash(m, ctx);
    if (!h) {
      out.errors.push_back(h.error().message);
    } else {
      zip = *h;
      if (sum != nullptr && !sum->zip_hash.empty() && sum->zip_hash != zip) {
        out.mismatches.push_back(format(
          "{}: downloaded {}, go.sum has {}", m.str(), zip, sum->zip_hash));
      }
    }
  }

  if (ctx.sumdb.empty() || gomod::match_prefix_patterns(ctx.nosumdb, m.path)) {
    return out;
  }
  out.lookup_url = lookup_url(ctx, m);
  auto r = ctx.agent.get_url(out.lookup_url, 1 << 20);
  if (!r) {
    out.errors.push_back(
      format("{}: checksum database lookup: {}", m.str(), r.error().message));
  } else if (r->status == 200) {
    for (const auto& [suffix, have] :
         {std::pair<std::string, std::string>{"", zip},
          {"/go.mod", mod_hash}}) {
      auto db_hash = record_hash(r->body, m, suffix);
      if (!have.empty() && !db_hash.empty() && db_hash != have) {
        out.mismatches.push_back(
          format("{}{}: downloaded {}, the checksum database {} has {}",
                 m.str(),
                 suffix,
                 have,
                 ctx.sumdb,
                 db_hash));
      }
    }
  } else if (r->status != 404 && r->status != 410) {
    out.errors.push_back(
      format("{}: checksum database lookup: the agent answered {}: {}",
             m.str(),
             r->status,
             r->body.substr(0, r->body.find('\n'))));
  }
  return out;
}

} // namespace gpx::cli
